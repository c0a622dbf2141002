import { isProvenanceError, ProvenanceError } from '../errors.ts';
import type { ProvenanceConfig } from '../config/types.ts';
import { loadSigner } from '../keys/sources.ts';
import type { Signer } from '../keys/signer.ts';

/** The key the signer process was started with (`--key` / TEKTON_PROVENANCE_SIGNING_KEY), which signs events. */
export interface ProcessKey {
  ref: string;
  signer: Signer;
}

/**
 * Which key signs attestations, the one rule (docs/signing.md, "Which key signs what"): the
 * key the ConfigMap names (`signers.x509.path`, or `artifacts.pipelinerun.signer: kms` with
 * `signers.kms.kmsref`), otherwise the process's own key, so `--controller --key k.pem`
 * signs events and attestations with k.pem. A key that cannot be loaded is an error that
 * says where that key was set and where to set another.
 */
export async function attestationSigner(config: ProvenanceConfig, processKey: ProcessKey | undefined): Promise<Signer> {
  if (!config.signer.explicit && processKey) return processKey.signer;
  try {
    return await loadSigner(config.signer.ref);
  } catch (err) {
    if (!isProvenanceError(err)) throw err;
    throw new ProvenanceError(err.code, `attestation signing key: ${err.message}; ${whereToSet(config)} (docs/signing.md, "Which key signs what")`, { cause: err });
  }
}

function whereToSet(config: ProvenanceConfig): string {
  if (config.signer.kind === 'kms') return 'it is signers.kms.kmsref in ConfigMap tekton-provenance-config';
  if (config.signer.explicit) return 'it is signers.x509.path in ConfigMap tekton-provenance-config: fix the path, or remove the key to sign with the process key (--key / TEKTON_PROVENANCE_SIGNING_KEY)';
  return `no key was given, so the default ${config.signer.ref} was tried: start the signer with --key or TEKTON_PROVENANCE_SIGNING_KEY (signs events and attestations), or set signers.x509.path in ConfigMap tekton-provenance-config`;
}
