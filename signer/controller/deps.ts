import type { DigestLookup, EventLookup, MarkAttested } from '../attest/event-link.ts';
import type { ProvenanceConfig } from '../config/types.ts';
import type { Signer } from '../keys/signer.ts';
import type { Logger } from '../server/logger.ts';
import type { AttestationStorage } from '../storage/backend.ts';
import type { TransparencyLog } from '../transparency/log.ts';
import type { KeylessSigner } from '../keyless/keyless-signer.ts';
import type { EventRecorder } from './kube/event-recorder.ts';
import type { TektonApi } from './kube/tekton-api.ts';
import type { SigningJournal } from './journal/journal.ts';
import type { ControllerMetrics } from './metrics.ts';

/** Everything one reconcile needs; getters so a config reload takes effect on the next run. */
export interface ReconcileDeps {
  api: TektonApi;
  config(): ProvenanceConfig;
  storage(): AttestationStorage[];
  signer(): Signer;
  /** The transparency log (`transparency.enabled` true or manual), or undefined when off. */
  transparency(): TransparencyLog | undefined;
  /** Keyless signing (`signers.x509.fulcio.enabled`), replacing `signer()` when set. */
  keyless(): KeylessSigner | undefined;
  events: { byId: EventLookup; byDigest?: DigestLookup; markAttested?: MarkAttested };
  recorder: EventRecorder;
  metrics: ControllerMetrics;
  log: Logger;
  /** Envelopes signed for runs not yet marked: what a retry replays instead of signing again. */
  journal: SigningJournal;
  /** Failed attempts per run uid this process has seen (the annotation is the durable count). */
  attempts: Map<string, number>;
}
