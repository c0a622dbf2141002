import type { RunRef, SignedAttestation } from '../attest/types.ts';

/** Where a backend put an attestation (for status annotations, logs and verifiers). */
export interface StoredLocation {
  backend: string;
  /** e.g. "oci://reg/repo@sha256:...", "sqlite:///path#<id>", "annotation:chains.tekton.dev/..." */
  location: string;
}

/** What the backends stored before this one (the `tekton` backend references them when it cannot embed). */
export interface StoreContext {
  stored: readonly StoredLocation[];
}

/**
 * An attestation storage backend (`artifacts.pipelinerun.storage` lists them by name).
 * `store` is idempotent (storing the same attestation twice leaves one copy) and resolves
 * only once the backend confirmed the write.
 */
export interface AttestationStorage {
  readonly name: string;
  store(run: RunRef, attestation: SignedAttestation, context?: StoreContext): Promise<StoredLocation>;
}
