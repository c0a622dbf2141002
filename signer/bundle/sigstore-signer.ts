import type { Signer as SigstoreSigner } from '@sigstore/sign';
import type { Signer } from '../keys/signer.ts';

/**
 * Adapts our Signer to @sigstore/sign's: the DER signature plus the public key as PEM, with
 * our Chains keyid as the bundle's key hint (so verifiers can pick the key out of a trust list).
 */
export function toSigstoreSigner(signer: Signer): SigstoreSigner {
  const publicKey = signer.publicKey.export({ type: 'spki', format: 'pem' }) as string;
  return {
    async sign(data: Buffer) {
      return {
        signature: await signer.sign(data),
        key: { $case: 'publicKey', publicKey, hint: signer.keyid },
      };
    },
  };
}
