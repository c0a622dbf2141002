import type { KeyObject } from 'node:crypto';
import type { DsseEnvelope } from '../dsse/envelope.ts';
import type { LoggedEntry } from './entry.ts';

/** What signed an envelope, as the log records it: a public key, or a certificate (keyless). */
export type LogVerifier = { publicKey: KeyObject } | { certificates: readonly string[] };

/**
 * A transparency log (`transparency.log` names the plugin, `transparency.url` where it is).
 * `logEnvelope` resolves only once the log holds an entry for exactly these envelope bytes and
 * its proof verifies with the log's key: the controller treats it as one more backend.
 */
export interface TransparencyLog {
  readonly name: string;
  readonly url: string;
  logEnvelope(envelopeText: string, envelope: DsseEnvelope, verifier: LogVerifier): Promise<LoggedEntry>;
}
