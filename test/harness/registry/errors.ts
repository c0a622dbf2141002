/** Codes of the OCI registry fixture's ProvenanceErrors. */
export type RegistryErrorCode =
  | 'REGISTRY_BINARY_MISSING'
  | 'REGISTRY_START_FAILED'
  | 'REGISTRY_NOT_RUNNING'
  | 'HTPASSWD_UNAVAILABLE'
  | 'HTPASSWD_INVALID';
