import type { LoggedEntry } from '../transparency/entry.ts';
import type { DsseEnvelope } from '../dsse/envelope.ts';

/**
 * The signed event record: an in-toto Statement v1 whose single subject is the sha256 of
 * the exact webhook body bytes, with this predicate. Documented in docs/event-record.md.
 */
export const EVENT_PREDICATE_TYPE = 'https://tekton-provenance.dev/attestations/trigger-event/v1';

/** Annotations the TriggerTemplate stamps onto the PipelineRun. */
export const EVENT_DIGEST_ANNOTATION = 'tekton-provenance.dev/event-digest';
export const EVENT_SIGNATURE_ANNOTATION = 'tekton-provenance.dev/event-signature';
export const EVENT_KEYID_ANNOTATION = 'tekton-provenance.dev/event-keyid';
/** Label Triggers puts on every resource it creates: the EventListener's event_id. */
export const TRIGGERS_EVENT_ID_LABEL = 'triggers.tekton.dev/triggers-eventid';

export type WebhookProviderName = 'github' | 'gitlab' | 'bitbucket' | 'none';

export interface EventPredicate {
  /** The exact webhook body as received (UTF-8 text); sha256 of its bytes is the subject digest. */
  body: string;
  /** Request headers as the EventListener forwarded them, with secret headers removed. */
  headers: Record<string, string[]>;
  /** Names of headers removed because they carry secrets (X-Gitlab-Token, Authorization, Cookie...). */
  redactedHeaders: string[];
  context: { eventId: string; eventUrl: string; triggerId: string };
  /** RFC 3339 UTC time the interceptor received the request. */
  receivedAt: string;
  authenticity: {
    provider: WebhookProviderName;
    /** true when the check passed; `provider: none` records who is said to have checked. */
    verified: boolean;
    /** e.g. "hmac-sha256 X-Hub-Signature-256", "shared-token X-Gitlab-Token", "delegated". */
    method: string;
    /** "tekton-provenance-interceptor" or, for provider none, the name of the earlier interceptor. */
    checkedBy: string;
  };
  interceptor: { name: string; version: string };
}

/** What the event store keeps per event and what verifiers consume. */
export interface SignedEventRecord {
  eventId: string;
  /** `sha256:<hex>` of the exact body bytes. */
  digest: string;
  triggerId: string;
  keyid: string;
  envelope: DsseEnvelope;
  /** RFC 3339 UTC time the signer stored it. */
  storedAt: string;
  /**
   * Keyless (docs/transparency.md): the Fulcio chain, PEM, leaf first, whose leaf holds the
   * envelope's ephemeral key. Absent for key-signed records.
   */
  certificates?: string[];
  /**
   * `transparency.events` (or keyless): the envelope's Rekor entry with its proof, once the
   * upload after the answer succeeded, so verification needs no network. Absent until then.
   */
  tlog?: LoggedEntry;
}
