import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import { DSSEBundleBuilder } from '@sigstore/sign';
import type { Signer } from '../keys/signer.ts';
import { bundleError } from './errors.ts';
import { toSigstoreSigner } from './sigstore-signer.ts';

export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/**
 * Signs `payload` as a DSSE envelope inside a sigstore bundle v0.3 with a public-key hint,
 * no transparency log and no timestamps (witnesses: []): verifiable offline with the key.
 */
export async function createDsseBundle(
  payloadType: string,
  payload: Buffer,
  signer: Signer,
): Promise<SerializedBundle> {
  // sigstore-js (and so cosign's bundle verification path) refuses P-384/SHA-384.
  if (signer.algorithm === 'ecdsa-p384-sha384') {
    throw bundleError(
      'UNSUPPORTED_BUNDLE_KEY',
      'sigstore bundles need an ECDSA P-256, Ed25519 or RSA key, not P-384',
    );
  }
  const builder = new DSSEBundleBuilder({ signer: toSigstoreSigner(signer), witnesses: [] });
  const bundle = await builder.create({ data: payload, type: payloadType });
  return bundleToJSON(bundle);
}
