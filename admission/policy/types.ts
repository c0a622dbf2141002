import type { IdentityPolicy } from '../../signer/transparency/identity.ts';
import type { Policy } from '../../signer/verify/policy/policy.ts';

/** A Kubernetes label selector (matchLabels AND every matchExpression). */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }>;
}

/**
 * One trusted signer of a policy: inline PEM, a key in a Secret, a KMS URI (`awskms://...`), or
 * a keyless identity (a Fulcio certificate for this issuer and subject, chained to the
 * policy's trusted root, as cosign's `--certificate-oidc-issuer` / `--certificate-identity`).
 */
export type PolicyKeyRef =
  | { kind: 'pem'; pem: string }
  | { kind: 'secretRef'; namespace: string; name: string; key: string }
  | { kind: 'kms'; uri: string }
  | { kind: 'keyless'; identity: IdentityPolicy };

/** Where a policy's Sigstore trusted root is: a ConfigMap key in the webhook's own namespace. */
export interface TrustedRootRef {
  name: string;
  key: string;
}

/** A VerificationPolicy object as the webhook uses it. */
export interface AdmissionPolicy {
  name: string;
  /** metadata.uid: a policy deleted and re-created under the same name starts over at generation 1. */
  uid: string;
  /** metadata.generation: a spec edit bumps it, and it is part of every verdict's cache key. */
  generation: number;
  /** Glob patterns of image references the policy governs (`*` within a path segment, `**` across). */
  images: string[];
  namespaceSelector: LabelSelector;
  keys: PolicyKeyRef[];
  /** The trusted_root.json for transparency-log entries and keyless certificates (required by a keyless key). */
  trustedRootRef?: TrustedRootRef;
  /** `enforce` denies, `warn` admits with AdmissionReview warnings. */
  mode: 'enforce' | 'warn';
  /** The checks, exactly as `tkn-provenance verify --policy` reads them (docs/policy.md). */
  policy: Policy;
  /** Set when the object does not parse: images it would govern are denied with this message. */
  invalid?: string;
}
