import { readFile } from 'node:fs/promises';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { ProvenanceError } from '../errors.ts';

export const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';

/** Why a trusted root file was refused. */
export type TrustedRootErrorCode = 'TRUSTED_ROOT_UNREADABLE' | 'TRUSTED_ROOT_INVALID';

/**
 * Parses Sigstore's `trusted_root.json` (the logs, CAs, CT logs and TSAs a verifier trusts).
 * What the public-good instance publishes through TUF, or what an operator writes for a
 * private Rekor/Fulcio: the only input verification needs besides the attestation.
 */
export function parseTrustedRoot(text: string, source = 'trusted root'): TrustedRoot {
  let json: { mediaType?: unknown; tlogs?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (err) {
    throw new ProvenanceError<TrustedRootErrorCode>('TRUSTED_ROOT_INVALID', `${source} is not JSON`, { cause: err });
  }
  if (typeof json.mediaType !== 'string' || !json.mediaType.startsWith('application/vnd.dev.sigstore.trustedroot')) {
    throw new ProvenanceError<TrustedRootErrorCode>('TRUSTED_ROOT_INVALID', `${source} is not a Sigstore trusted root (mediaType ${String(json.mediaType)})`);
  }
  try {
    return TrustedRoot.fromJSON(json);
  } catch (err) {
    throw new ProvenanceError<TrustedRootErrorCode>('TRUSTED_ROOT_INVALID', `${source}: ${(err as Error).message}`, { cause: err });
  }
}

export async function readTrustedRoot(path: string): Promise<TrustedRoot> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ProvenanceError<TrustedRootErrorCode>('TRUSTED_ROOT_UNREADABLE', `cannot read trusted root ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return parseTrustedRoot(text, path);
}

/** A trusted root holding one log key: what the upload check uses when no root file is configured. */
export function singleLogRoot(url: string, spkiDer: Buffer, logIdB64: string): TrustedRoot {
  return TrustedRoot.fromJSON({
    mediaType: TRUSTED_ROOT_MEDIA_TYPE,
    tlogs: [{
      baseUrl: url, hashAlgorithm: 'SHA2_256',
      publicKey: { rawBytes: spkiDer.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '1970-01-01T00:00:00Z' } },
      logId: { keyId: logIdB64 },
    }],
    certificateAuthorities: [], ctlogs: [], timestampAuthorities: [],
  });
}
