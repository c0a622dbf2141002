import { configError } from './errors.ts';
import type { ProvenanceConfig } from './types.ts';
import { parseBool, parseDuration, parseList, parseOneOf, parsePositiveInt, parseUrl } from './values.ts';

/** One ConfigMap key: its default (as text, as a user would write it) and how it sets the config. */
export interface KeySpec {
  key: string;
  default: string;
  /** The Chains key of the same meaning, if any (docs/config.md). */
  chains: boolean;
  apply(config: ProvenanceConfig, value: string): void;
}

export const KNOWN_FORMATS = ['in-toto', 'slsa/v1', 'slsa/v2alpha4', 'tekton'] as const;
export const KNOWN_STORAGE = ['tekton', 'oci', 'sqlite'] as const;
/** Chains backends we do not implement: named in the error so a migrating user knows why. */
const CHAINS_ONLY_STORAGE = ['gcs', 'docdb', 'grafeas', 'archivista', 'pubsub'];

function formats(config: ProvenanceConfig, value: string): void {
  const list = parseList('artifacts.pipelinerun.format', value);
  if (list.length === 0) throw configError('INVALID_VALUE', 'artifacts.pipelinerun.format: at least one format is required');
  for (const f of list) {
    if (!(KNOWN_FORMATS as readonly string[]).includes(f)) {
      throw configError('UNKNOWN_FORMAT', `artifacts.pipelinerun.format: unknown format "${f}" (known: ${KNOWN_FORMATS.join(', ')})`);
    }
  }
  config.formats = list;
}

function storage(config: ProvenanceConfig, value: string): void {
  const list = parseList('artifacts.pipelinerun.storage', value);
  for (const s of list) {
    if (CHAINS_ONLY_STORAGE.includes(s)) {
      throw configError('UNKNOWN_STORAGE', `artifacts.pipelinerun.storage: "${s}" is a Chains backend tekton-provenance does not implement (known: ${KNOWN_STORAGE.join(', ')})`);
    }
    if (!(KNOWN_STORAGE as readonly string[]).includes(s)) {
      throw configError('UNKNOWN_STORAGE', `artifacts.pipelinerun.storage: unknown backend "${s}" (known: ${KNOWN_STORAGE.join(', ')})`);
    }
  }
  config.storage = list;
}

const optional = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());

export const KEY_SPECS: readonly KeySpec[] = [
  { key: 'artifacts.pipelinerun.format', default: 'in-toto', chains: true, apply: formats },
  { key: 'artifacts.pipelinerun.storage', default: 'sqlite', chains: true, apply: storage },
  { key: 'artifacts.pipelinerun.signer', default: 'x509', chains: true, apply: (c, v) => { c.signer.kind = parseOneOf('artifacts.pipelinerun.signer', v, ['x509', 'kms'] as const, 'UNKNOWN_SIGNER'); } },
  { key: 'signers.kms.kmsref', default: '', chains: true, apply: (c, v) => { if (c.signer.kind === 'kms') c.signer.ref = v.trim(); } },
  { key: 'signers.x509.path', default: '/etc/signing-secrets', chains: false, apply: (c, v) => { if (c.signer.kind === 'x509') c.signer.ref = v.trim(); } },
  { key: 'storage.oci.repository', default: '', chains: true, apply: (c, v) => { c.oci.repository = optional(v); } },
  { key: 'storage.oci.repository.insecure', default: 'false', chains: true, apply: (c, v) => { c.oci.insecure = parseBool('storage.oci.repository.insecure', v); } },
  { key: 'storage.oci.encoding-format', default: 'dsse', chains: true, apply: (c, v) => { c.oci.encoding = parseOneOf('storage.oci.encoding-format', v, ['dsse', 'sigstore-bundle'] as const); } },
  { key: 'storage.oci.credentials-secret', default: '', chains: false, apply: (c, v) => { c.oci.credentialsSecret = optional(v); } },
  { key: 'storage.tekton.max-annotation-bytes', default: '32768', chains: false, apply: (c, v) => { c.tekton.maxAnnotationBytes = parsePositiveInt('storage.tekton.max-annotation-bytes', v, 200_000); } },
  { key: 'storage.sqlite.path', default: '/var/lib/tekton-provenance/attestations.db', chains: false, apply: (c, v) => { c.sqlite.path = v.trim(); } },
  { key: 'builder.id', default: 'https://tekton.dev/chains/v2', chains: true, apply: (c, v) => { c.builderId = v.trim(); } },
  { key: 'builddefinition.buildtype', default: '', chains: true, apply: (c, v) => { c.buildType = optional(v); } },
  { key: 'artifacts.pipelinerun.in-toto.buildtype', default: '', chains: false, apply: (c, v) => { c.inTotoBuildType = optional(v); } },
  { key: 'artifacts.pipelinerun.enable-deep-inspection', default: 'false', chains: true, apply: (c, v) => { c.deepInspection = parseBool('artifacts.pipelinerun.enable-deep-inspection', v); } },
  { key: 'controller.workers', default: '4', chains: false, apply: (c, v) => { c.controller.workers = parsePositiveInt('controller.workers', v, 64); } },
  { key: 'controller.max-retries', default: '5', chains: false, apply: (c, v) => { c.controller.maxRetries = parsePositiveInt('controller.max-retries', v, 100); } },
  { key: 'controller.backoff-base', default: '1s', chains: false, apply: (c, v) => { c.controller.backoffBaseMs = parseDuration('controller.backoff-base', v); } },
  { key: 'controller.backoff-max', default: '5m', chains: false, apply: (c, v) => { c.controller.backoffMaxMs = parseDuration('controller.backoff-max', v); } },
  { key: 'controller.child-grace-period', default: '2m', chains: false, apply: (c, v) => { c.controller.childGraceMs = parseDuration('controller.child-grace-period', v); } },
  { key: 'controller.namespaces', default: '', chains: false, apply: (c, v) => { c.controller.namespaces = parseList('controller.namespaces', v); } },
  { key: 'signers.x509.fulcio.enabled', default: 'false', chains: true, apply: (c, v) => { c.keyless.enabled = parseBool('signers.x509.fulcio.enabled', v); } },
  { key: 'signers.x509.fulcio.address', default: 'https://fulcio.sigstore.dev', chains: true, apply: (c, v) => { c.keyless.address = parseUrl('signers.x509.fulcio.address', v); } },
  { key: 'signers.x509.fulcio.issuer', default: '', chains: true, apply: (c, v) => { c.keyless.issuer = optional(v); } },
  { key: 'signers.x509.identity.token.file', default: '/var/run/sigstore/cosign/oidc-token', chains: true, apply: (c, v) => { c.keyless.tokenFile = v.trim(); } },
  { key: 'transparency.enabled', default: 'false', chains: true, apply: (c, v) => { c.transparency.mode = parseOneOf('transparency.enabled', v.trim().toLowerCase() || 'false', ['true', 'manual', 'false'] as const); } },
  { key: 'transparency.url', default: 'https://rekor.sigstore.dev', chains: true, apply: (c, v) => { c.transparency.url = parseUrl('transparency.url', v); } },
  { key: 'transparency.log', default: 'rekor', chains: false, apply: (c, v) => { c.transparency.log = parseOneOf('transparency.log', v, ['rekor'] as const); } },
  { key: 'transparency.trusted-root', default: '', chains: false, apply: (c, v) => { c.transparency.trustedRoot = optional(v); } },
  { key: 'transparency.events', default: 'false', chains: false, apply: (c, v) => { c.transparency.events = parseBool('transparency.events', v); } },
];

/**
 * Chains keys accepted without effect: TaskRun and image (`artifacts.oci.*`) attestation are
 * Chains' job, not ours.
 */
export const IGNORED_CHAINS_KEYS: readonly string[] = [
  'artifacts.taskrun.format', 'artifacts.taskrun.storage', 'artifacts.taskrun.signer',
  'artifacts.oci.format', 'artifacts.oci.storage', 'artifacts.oci.signer',
  'storage.gcs.bucket', 'storage.docdb.url', 'storage.docdb.mongo-server-url', 'storage.grafeas.projectid',
  'storage.grafeas.noteid', 'storage.grafeas.notehint', 'storage.archivista.url',
  'signers.x509.fulcio.provider', 'signers.x509.tuf.mirror.url',
  'signers.kms.auth.address', 'signers.kms.auth.token', 'signers.kms.auth.token-path', 'signers.kms.auth.oidc.path',
  'signers.kms.auth.oidc.role', 'signers.kms.auth.spire.sock', 'signers.kms.auth.spire.audience',
];
