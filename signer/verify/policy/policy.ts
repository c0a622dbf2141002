import type { PolicyIdentity } from '../../transparency/identity.ts';

/**
 * The verification policy (`--policy FILE`, YAML). Documented in docs/policy.md.
 * Every field is optional; an empty policy checks signatures and statement shape only.
 */
export interface Policy {
  /** Required `predicate.builder.id` / `runDetails.builder.id`. */
  builderId?: string;
  /** Attestations whose run finished longer ago than this are refused (e.g. "720h", "30d"). */
  maxAgeMs?: number;
  event: EventPolicy;
  bindings: BindingRule[];
  trustedTasks?: TrustedTasksPolicy;
  /** `required`: every attestation must carry a transparency log entry that verifies (default optional). */
  transparency?: 'required' | 'optional';
}

export interface EventPolicy {
  /** An attestation without a verified trigger event fails (default true). */
  required: boolean;
  /** Allowed authenticity providers (github, gitlab, bitbucket, none); empty = any. */
  providers: string[];
  /**
   * `namespace/name` of the Triggers an event may have come through (its `context.triggerId`);
   * empty = any. Pins which namespace's webhook Secret vouched for the event.
   */
  triggers: string[];
  /**
   * Keyless event records: the certificate identity that must have signed them (cosign's
   * `--certificate-identity(-regexp)` and `--certificate-oidc-issuer`). Read by verify-event, and by
   * verify/admission for the keyless event embedded in an attestation.
   */
  identity?: PolicyIdentity;
  /** `required`: the event record must carry a log entry that verifies (default: the top-level `transparency`). Read by verify-event. */
  transparency?: 'required' | 'optional';
}

/** One equality between something of the run and a JSON path into the event body. */
export interface BindingRule {
  /** Human name shown in the report, e.g. "git-repo = repository.clone_url". */
  name: string;
  /** What of the run to read. */
  run: RunSelector;
  /** Dotted path into the parsed webhook body, or `header.<Name>`. */
  event: string;
  /** How to compare: exact (default), git-url (normalises .git, trailing slash, scheme case), prefix. */
  compare: 'exact' | 'git-url' | 'git-commit';
  /** A rule whose run side is absent passes when optional (the run did not declare it). */
  optional: boolean;
}

export type RunSelector =
  | { kind: 'param'; name: string }
  | { kind: 'result'; name: string }
  | { kind: 'material'; name: 'git-url' | 'git-commit' };

export interface TrustedTasksPolicy {
  allow: TrustedTaskRule[];
  /** A failed task is reported as a failure unless allowed here (default false). */
  allowFailed: boolean;
  /** A task whose ref is a bundle without a digest is a failure (default true). */
  requirePinnedBundles: boolean;
}

/** A task matches when every field the rule sets matches. */
export interface TrustedTaskRule {
  name?: string;
  kind?: string;
  /** Bundle reference without digest (repository), matched with `bundleDigest`. */
  bundle?: string;
  bundleDigest?: string;
  /** Resolver source: URI (e.g. git+https://github.com/org/catalog.git) and its digest (sha1:<hex> / sha256:<hex>). */
  sourceUri?: string;
  sourceDigest?: string;
  /** Pipeline task names this rule allows (default: any). */
  pipelineTasks?: string[];
}
