import type { ProvenanceConfig } from '../config/types.ts';
import { Registry } from '../registry.ts';
import type { AttestationStorage } from './backend.ts';
import { OciAttestationStorage } from './oci/backend.ts';
import type { CredentialMap } from './oci/credentials.ts';
import { SqliteAttestationStorage } from './sqlite/backend.ts';
import { TektonAnnotationStorage } from './tekton/backend.ts';
import type { RunAnnotationsApi } from './tekton/run-annotations.ts';

/** What a backend may need to be built: the config and the controller's clients. */
export interface StorageDeps {
  config: ProvenanceConfig;
  runs: RunAnnotationsApi;
  /** From the `storage.oci.credentials-secret` docker config Secret, when set. */
  registryCredentials?: CredentialMap;
}

export type StorageFactory = (deps: StorageDeps) => AttestationStorage;

/** Storage backends by their `artifacts.pipelinerun.storage` name. */
export const storageBackends = new Registry<StorageFactory>('storage backend')
  .register('tekton', (d) => new TektonAnnotationStorage({ api: d.runs, maxAnnotationBytes: d.config.tekton.maxAnnotationBytes }))
  .register('oci', (d) => new OciAttestationStorage({
    ...(d.config.oci.repository ? { repository: d.config.oci.repository } : {}),
    insecure: d.config.oci.insecure,
    encoding: d.config.oci.encoding,
    ...(d.registryCredentials ? { credentials: d.registryCredentials } : {}),
  }))
  .register('sqlite', (d) => new SqliteAttestationStorage(d.config.sqlite.path));

/**
 * The configured backends in store order: `tekton` last, so that when an envelope is too
 * big to embed it can reference where the others put it.
 */
export function createStorage(deps: StorageDeps): AttestationStorage[] {
  const names = [...deps.config.storage].sort((a, b) => Number(a === 'tekton') - Number(b === 'tekton'));
  return names.map((n) => storageBackends.get(n)(deps));
}
