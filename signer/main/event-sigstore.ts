import { configError } from '../config/errors.ts';
import type { ProvenanceConfig } from '../config/types.ts';
import type { SignedEventRecord } from '../events/event-record.ts';
import type { EventStore } from '../events/event-store.ts';
import type { Signer } from '../keys/signer.ts';
import { createKeylessSigner } from '../keyless/create.ts';
import { keylessIdentity, type IdentitySource } from '../keyless/signing-identity.ts';
import type { Logger } from '../server/logger.ts';
import type { Service } from './services.ts';

export interface EventSigning {
  /** What signs event records: the process key, or keyless (certificate cache). */
  signer: Signer | IdentitySource;
  /** The uploader of transparency.events (started before the socket, stopped after it). */
  uploader?: Service;
  /** Wakes the uploader once a new record is durable. */
  onCreated?: (record: SignedEventRecord) => void;
}

/**
 * Keyless and transparency.events for the event signer (docs/transparency.md), from the
 * config: keyless signs with the certificate cache and always logs (as keyless attestations
 * do); `transparency.events: true` logs key-signed records too. The store must keep what
 * that needs (certificates; the upload queue), or the process refuses to start.
 */
export async function eventSigning(config: ProvenanceConfig | undefined, key: Signer | undefined, store: EventStore, log: Logger): Promise<EventSigning> {
  const keyless = config
    ? createKeylessSigner(config.keyless, {
      onRefreshError: (err, validForMs) => log.warn('certificate refresh failed; signing with the cached certificate', {
        code: (err as { code?: string }).code, message: (err as Error).message.slice(0, 300), validForMs,
      }),
    })
    : undefined;
  if (keyless && !store.keepsCertificates) {
    throw configError('UNSUPPORTED_FEATURE', 'keyless event signing needs an event store that keeps certificates with records (sqlite, kubernetes-secrets); postgres does not yet');
  }
  if (!keyless && !key) throw configError('MISSING_KEY', 'no signing key for events, and keyless signing (signers.x509.fulcio.enabled) is off');
  const signer = keyless ? keylessIdentity(keyless) : (key as Signer);
  if (!config || !(config.transparency.events || keyless)) return { signer };
  const queue = store.uploads;
  if (!queue) throw configError('UNSUPPORTED_FEATURE', `${keyless ? 'keyless event signing logs every record and' : 'transparency.events'} needs the sqlite event store (its durable upload queue)`);
  queue.enable();
  const [{ readTrustedRoot }, { EventUploader }, { WorkerTransparencyLog }] = await Promise.all([
    import('../transparency/trusted-root.ts'), import('../transparency/event-uploader.ts'), import('../transparency/log-worker.ts'),
  ]);
  const t = config.transparency;
  if (t.trustedRoot) await readTrustedRoot(t.trustedRoot); // a bad file stops the start, not the first upload
  // The log's HTTP and proof checks run in a helper process at nice 10, off the loop that answers webhooks.
  const tlog = new WorkerTransparencyLog({ log: t.log, url: t.url, ...(t.trustedRoot ? { trustedRootPath: t.trustedRoot } : {}) });
  const uploader = new EventUploader({ queue, logger: log, ...(key ? { key } : {}), log: tlog });
  log.info('event records are logged after each answer', { log: t.url, keyless: keyless !== undefined });
  return {
    signer,
    onCreated: () => uploader.wake(),
    uploader: {
      name: 'event-uploader',
      start: async () => {
        uploader.start();
        return { stop: async () => { await uploader.stop(); await tlog.close(); } };
      },
    },
  };
}
