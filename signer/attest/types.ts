import type { DsseEnvelope } from '../dsse/envelope.ts';
import type { SignedEventRecord } from '../events/event-record.ts';
import type { Statement, Subject } from '../intoto/statement.ts';
import type { LoggedEntry } from '../transparency/entry.ts';

/**
 * How a run relates to the trigger event that started it. `absent`: the run was not started
 * by a trigger (or its event is unknown); `mismatch`: label and stamped annotation disagree,
 * recorded as an error in the attestation and never papered over.
 */
export type EventLink =
  | { state: 'found'; record: SignedEventRecord }
  | { state: 'absent'; reason: string }
  | { state: 'mismatch'; reason: string; record?: SignedEventRecord };

/** One signed attestation of a run in one format, ready for the storage backends. */
export interface SignedAttestation {
  /** Config name of the format, e.g. "in-toto", "slsa/v2alpha4", "tekton". */
  format: string;
  payloadType: string;
  predicateType: string;
  /** The exact signed payload bytes. */
  payload: Buffer;
  envelope: DsseEnvelope;
  /** Subjects (images, artifacts) the attestation is about; empty for none. */
  subjects: Subject[];
  /** The statement as built (in-toto formats); undefined for the `tekton` format. */
  statement?: Statement;
  /** Its transparency log entry, when logged (`transparency.enabled`): stored with it. */
  tlog?: LoggedEntry;
  /** Keyless: the signing certificate chain, PEM, leaf first (Fulcio's answer), stored with it. */
  certificates?: string[];
}

/** Identity of the PipelineRun an attestation belongs to. */
export interface RunRef {
  apiVersion: string;
  namespace: string;
  name: string;
  uid: string;
}
