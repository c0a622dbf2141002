/** The validated configuration every part of the controller reads (docs/config.md). */
export interface ProvenanceConfig {
  /** `artifacts.pipelinerun.format`: one attestation per listed format. */
  formats: string[];
  /** `artifacts.pipelinerun.storage`: backends in order; empty = attestation disabled. */
  storage: string[];
  signer: SignerConfig;
  builderId: string;
  /** `builddefinition.buildtype`: the SLSA v1.0 formats' buildType; undefined = their default. */
  buildType: string | undefined;
  /** `artifacts.pipelinerun.in-toto.buildtype` (ours): the v0.2 buildType; undefined = TEP-0084's. */
  inTotoBuildType: string | undefined;
  /** `artifacts.pipelinerun.enable-deep-inspection`: TaskRun results count as in Chains (subjects, inputs, byproducts). */
  deepInspection: boolean;
  oci: OciConfig;
  tekton: { maxAnnotationBytes: number };
  sqlite: { path: string };
  controller: ControllerConfig;
  transparency: TransparencyConfig;
  keyless: KeylessConfig;
  /** Keys accepted for Chains compatibility but without effect (reported once at start-up). */
  ignoredKeys: string[];
}

export interface SignerConfig {
  kind: 'x509' | 'kms';
  /** Key reference for the key sources: a directory (x509) or a KMS URI (kms). */
  ref: string;
  /**
   * The ConfigMap names the attestation key (`signers.x509.path` set, or the `kms` signer).
   * When false, the process's own key (`--key` / TEKTON_PROVENANCE_SIGNING_KEY), which signs
   * events, signs attestations too (docs/signing.md, "Which key signs what").
   */
  explicit: boolean;
}

export interface OciConfig {
  /** `storage.oci.repository`: store every attestation there instead of next to each image. */
  repository: string | undefined;
  insecure: boolean;
  encoding: 'dsse' | 'sigstore-bundle';
  /** Name of a Secret of type kubernetes.io/dockerconfigjson in the controller's namespace. */
  credentialsSecret: string | undefined;
}

export interface ControllerConfig {
  workers: number;
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** How long a CustomRun or missing child may hold a finished run back before attesting anyway. */
  childGraceMs: number;
  /** Namespaces to watch; empty = all. */
  namespaces: string[];
}

export interface TransparencyConfig {
  /** `transparency.enabled`: `manual` logs only runs annotated `chains.tekton.dev/transparency-upload: "true"`. */
  mode: 'true' | 'manual' | 'false';
  /** `transparency.url`: the Rekor v1 base URL. */
  url: string;
  /** `transparency.log` (ours): the log plugin; `rekor` (v1 API). */
  log: 'rekor';
  /** `transparency.trusted-root` (ours): a trusted_root.json holding the log key; unset = fetched once and pinned. */
  trustedRoot: string | undefined;
  /** `transparency.events` (ours): log signed event records too, after the interceptor is answered (keyless: always). */
  events: boolean;
}

/** Keyless signing through Fulcio (Chains' `signers.x509.fulcio.*` and token file). */
export interface KeylessConfig {
  enabled: boolean;
  address: string;
  /** The token's expected `iss`; undefined = whatever issuer Fulcio trusts. */
  issuer: string | undefined;
  tokenFile: string;
}
