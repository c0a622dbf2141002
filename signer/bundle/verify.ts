import { bundleFromJSON, isBundleWithDsseEnvelope, type Bundle } from '@sigstore/bundle';
import {
  toSignedEntity,
  toTrustMaterial,
  Verifier as SigstoreVerifier,
  type TrustMaterial,
} from '@sigstore/verify';
import type { Verifier } from '../keys/signer.ts';
import type { VerifiedEnvelope } from '../dsse/verify.ts';
import { bundleError } from './errors.ts';

// An empty trusted root: no Fulcio, Rekor, CT logs or TSAs. Only the given keys are trusted.
const EMPTY_ROOT = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};
const OFFLINE = { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 };

/** True when parsed JSON looks like a sigstore bundle (any version) rather than a bare envelope. */
export function looksLikeBundle(value: unknown): boolean {
  const mediaType = (value as { mediaType?: unknown } | null)?.mediaType;
  return typeof mediaType === 'string' && mediaType.startsWith('application/vnd.dev.sigstore.bundle');
}

/**
 * Verifies a DSSE sigstore bundle offline with @sigstore/verify against our trusted keys (no
 * network, no TUF). The bundle's key hint picks the key; when it names none of ours, each
 * trusted key is tried (hints are not trusted, only convenient).
 */
export function verifyDsseBundle(
  json: unknown,
  verifiers: readonly Verifier[],
  opts: { payloadType?: string } = {},
): VerifiedEnvelope {
  const bundle = parseBundle(json);
  if (!isBundleWithDsseEnvelope(bundle))
    throw bundleError('NOT_DSSE_BUNDLE', 'bundle holds a message signature, not a DSSE envelope');
  const env = bundle.content.dsseEnvelope;
  if (opts.payloadType !== undefined && env.payloadType !== opts.payloadType) {
    throw bundleError(
      'WRONG_PAYLOAD_TYPE',
      `payloadType is "${env.payloadType}", expected "${opts.payloadType}"`,
    );
  }
  if (verifiers.length === 0) throw bundleError('UNKNOWN_KEY', 'no trusted keys given');
  const hint =
    bundle.verificationMaterial.content.$case === 'publicKey'
      ? bundle.verificationMaterial.content.publicKey.hint
      : '';
  const hinted = verifiers.filter((v) => v.keyid === hint);
  const order = [...hinted, ...verifiers.filter((v) => v.keyid !== hint)];
  const entity = toSignedEntity(bundle);
  let lastError: unknown;
  for (const v of order) {
    try {
      new SigstoreVerifier(trustOnly(v), OFFLINE).verify(entity);
      return { payloadType: env.payloadType, payload: Buffer.from(env.payload), keyids: [v.keyid] };
    } catch (err) {
      lastError = err;
    }
  }
  const why = (lastError as Error | undefined)?.message ?? 'no key verifies';
  if (hinted.length === 0 && hint !== '') {
    throw bundleError(
      'UNKNOWN_KEY',
      `bundle signed by unknown key ${hint}; none of the trusted keys verifies (${why})`,
      lastError,
    );
  }
  throw bundleError(
    'BAD_SIGNATURE',
    `bundle signature does not verify against the trusted keys (${why})`,
    lastError,
  );
}

function parseBundle(json: unknown): Bundle {
  try {
    return bundleFromJSON(json);
  } catch (err) {
    throw bundleError('MALFORMED_BUNDLE', `not a valid sigstore bundle: ${(err as Error).message}`, err);
  }
}

/** Trust material whose key finder answers every hint with this one key. */
function trustOnly(v: Verifier): TrustMaterial {
  return toTrustMaterial(EMPTY_ROOT as unknown as Parameters<typeof toTrustMaterial>[0], () => ({
    publicKey: v.publicKey,
    validFor: () => true,
  }));
}
