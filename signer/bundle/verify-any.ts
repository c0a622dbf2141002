import { parseEnvelope, verifyEnvelope, type VerifiedEnvelope, type VerifyOptions } from '../dsse/verify.ts';
import type { Verifier } from '../keys/signer.ts';
import { bundleError } from './errors.ts';
import { looksLikeBundle, verifyDsseBundle } from './verify.ts';

export interface VerifiedDocument extends VerifiedEnvelope {
  format: 'dsse' | 'sigstore-bundle';
}

/**
 * Verifies a signed document that is either a bare DSSE envelope or a sigstore bundle
 * holding one (what `sign` and `sign --bundle` write). JSON problems get the DSSE codes.
 */
export function verifySignedDocument(
  text: string | Buffer,
  verifiers: readonly Verifier[],
  opts: VerifyOptions = {},
): VerifiedDocument {
  const env = parseEnvelopeOrBundle(text);
  if (env.kind === 'bundle') {
    const verified = verifyDsseBundle(env.value, verifiers, opts);
    // A sigstore bundle carries exactly one signature, so it meets a threshold of 1 only.
    if ((opts.threshold ?? 1) > 1)
      throw bundleError(
        'BAD_SIGNATURE',
        `a sigstore bundle holds one signature; threshold ${opts.threshold} not met`,
      );
    return { format: 'sigstore-bundle', ...verified };
  }
  return { format: 'dsse', ...verifyEnvelope(env.value, verifiers, opts) };
}

type Parsed =
  { kind: 'bundle'; value: unknown } | { kind: 'envelope'; value: ReturnType<typeof parseEnvelope> };

function parseEnvelopeOrBundle(text: string | Buffer): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text.toString());
  } catch {
    return { kind: 'envelope', value: parseEnvelope(text) }; // throws the precise JSON error code
  }
  return looksLikeBundle(value)
    ? { kind: 'bundle', value }
    : { kind: 'envelope', value: parseEnvelope(text) };
}
