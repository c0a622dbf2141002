import { createHash } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { DsseEnvelope } from '../dsse/envelope.ts';
import type { LoggedEntry, TlogEntryJson } from './entry.ts';
import { tlogError } from './errors.ts';
import type { LogVerifier, TransparencyLog } from './log.ts';
import type { RekorClient } from './rekor-client.ts';
import { singleLogRoot } from './trusted-root.ts';
import { verifyLogged } from './verify-logged.ts';

export interface RekorLogOptions {
  client: RekorClient;
  /** The roots trusted for the log's key; without one the key is fetched once and pinned. */
  trustedRoot?: TrustedRoot;
}

/**
 * Rekor v1 as a transparency log: a `dsse` v0.0.1 entry whose envelope is, byte for byte,
 * the envelope we store (so cosign's envelopeHash check holds), then a check that the entry
 * answered (new or, on 409, existing) is for that envelope and key, and that its SET,
 * checkpoint and inclusion proof verify (through @sigstore/verify).
 */
export class RekorTransparencyLog implements TransparencyLog {
  readonly name = 'rekor';
  readonly #o: RekorLogOptions;
  #pinned: Promise<TrustedRoot> | undefined;

  constructor(o: RekorLogOptions) {
    this.#o = o;
  }

  get url(): string {
    return this.#o.client.url;
  }

  async logEnvelope(envelopeText: string, envelope: DsseEnvelope, verifier: LogVerifier): Promise<LoggedEntry> {
    const pem = 'publicKey' in verifier ? (verifier.publicKey.export({ type: 'spki', format: 'pem' }) as string) : (verifier.certificates[0] as string);
    const proposed = {
      apiVersion: '0.0.1', kind: 'dsse',
      spec: { proposedContent: { envelope: envelopeText, verifiers: [Buffer.from(pem).toString('base64')] } },
    };
    const { uuid, entry } = await this.#o.client.createEntry(proposed);
    checkBody(entry, envelopeText, uuid);
    verifyLogged({ envelope, entries: [entry], key: verifier }, await this.#root());
    return { url: this.url, uuid, entry };
  }

  #root(): Promise<TrustedRoot> {
    if (this.#o.trustedRoot) return Promise.resolve(this.#o.trustedRoot);
    this.#pinned ??= this.#o.client.publicKey().then((key) => {
      const der = key.export({ type: 'spki', format: 'der' });
      return singleLogRoot(this.url, der, createHash('sha256').update(der).digest('base64'));
    });
    this.#pinned.catch(() => { this.#pinned = undefined; }); // a failed fetch is retried next time
    return this.#pinned;
  }
}

/** The entry must record our envelope (Rekor's envelopeHash), not some other one. */
function checkBody(entry: TlogEntryJson, envelopeText: string, uuid: string): void {
  let body: { kind?: unknown; apiVersion?: unknown; spec?: { envelopeHash?: { value?: unknown } } };
  try {
    body = JSON.parse(Buffer.from(entry.canonicalizedBody, 'base64').toString('utf8')) as typeof body;
  } catch {
    throw tlogError('TLOG_BAD_RESPONSE', `entry ${uuid}: body is not JSON`);
  }
  const expected = createHash('sha256').update(envelopeText, 'utf8').digest('hex');
  if (body.kind !== 'dsse' || body.apiVersion !== '0.0.1' || body.spec?.envelopeHash?.value !== expected) {
    throw tlogError('TLOG_ENTRY_MISMATCH', `the log answered entry ${uuid} (index ${entry.logIndex}), which is not for our envelope (sha256:${expected})`);
  }
}
