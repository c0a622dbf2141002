import { ApiException, CoreV1Api, KubeConfig, type V1Secret } from '@kubernetes/client-node';
import type { SignedEventRecord } from '../event-record.ts';
import type { EventStore } from '../event-store.ts';
import { eventError } from '../errors.ts';
import { parseRecord, serializeRecord } from '../record-codec.ts';
import {
  CHUNK_BYTES,
  DIGEST_LABEL,
  EVENT_ID_LABEL,
  INLINE_MAX_BYTES,
  MAX_RECORD_BYTES,
  PART_LABEL,
  chunkSecret,
  chunkSecretName,
  digestLabelValue,
  recordSecret,
  recordSecretName,
  sha256Hex,
  type ChunkManifest,
} from './secret-layout.ts';

export interface KubernetesSecretsStoreOptions {
  namespace: string;
  kubeConfig?: KubeConfig;
}

/**
 * Event store for several signer replicas: one Secret per event in the signer's namespace.
 * A put is durable when the API server acknowledges the create (etcd has committed it).
 * Records over ~700 KiB are split into chunk Secrets written FIRST; the record Secret,
 * written last, is the commit point, so a crash mid-put leaves only unreferenced chunks.
 */
export class KubernetesSecretsEventStore implements EventStore {
  readonly #api: CoreV1Api;
  readonly #namespace: string;

  private constructor(api: CoreV1Api, namespace: string) {
    this.#api = api;
    this.#namespace = namespace;
  }

  static create(opts: KubernetesSecretsStoreOptions): KubernetesSecretsEventStore {
    let kc = opts.kubeConfig;
    if (!kc) {
      kc = new KubeConfig();
      kc.loadFromDefault();
    }
    return new KubernetesSecretsEventStore(kc.makeApiClient(CoreV1Api), opts.namespace);
  }

  async put(r: SignedEventRecord): Promise<SignedEventRecord> {
    const text = Buffer.from(serializeRecord(r), 'utf8');
    if (text.length > MAX_RECORD_BYTES) {
      throw eventError('EVENT_TOO_LARGE', `event record is ${text.length} bytes, over ${MAX_RECORD_BYTES}`);
    }
    const name = recordSecretName(r.eventId);
    let data: Record<string, string>;
    if (text.length <= INLINE_MAX_BYTES) {
      data = { 'record.json': text.toString('base64') };
    } else {
      const manifest = await this.#writeChunks(r.eventId, text);
      data = { 'manifest.json': Buffer.from(JSON.stringify(manifest)).toString('base64') };
    }
    try {
      await this.#api.createNamespacedSecret({
        namespace: this.#namespace,
        body: recordSecret(name, r.eventId, r.digest, data),
      });
      return r;
    } catch (err) {
      if (statusOf(err) !== 409) throw unavailable(`create Secret ${name}`, err);
    }
    const existing = await this.getByEventId(r.eventId);
    if (existing?.digest === r.digest) return existing;
    throw eventError(
      'EVENT_CONFLICT',
      `event ${r.eventId} is already stored with digest ${existing?.digest ?? 'unknown'}, not ${r.digest}`,
    );
  }

  async getByEventId(eventId: string): Promise<SignedEventRecord | undefined> {
    const name = recordSecretName(eventId);
    let secret: V1Secret;
    try {
      secret = await this.#api.readNamespacedSecret({ name, namespace: this.#namespace });
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw unavailable(`read Secret ${name}`, err);
    }
    const record = await this.#load(secret);
    return record.eventId === eventId ? record : undefined;
  }

  async getByDigest(digest: string): Promise<SignedEventRecord[]> {
    let items: V1Secret[];
    try {
      const list = await this.#api.listNamespacedSecret({
        namespace: this.#namespace,
        labelSelector: `${PART_LABEL}=event-record,${DIGEST_LABEL}=${digestLabelValue(digest)}`,
      });
      items = list.items;
    } catch (err) {
      throw unavailable('list event Secrets', err);
    }
    const records = await Promise.all(items.map((s) => this.#load(s)));
    return records.filter((r) => r.digest === digest).sort((a, b) => a.storedAt.localeCompare(b.storedAt));
  }

  /** Readiness: the API server answers a list of our Secrets (limit 1). */
  async ping(): Promise<void> {
    try {
      await this.#api.listNamespacedSecret({
        namespace: this.#namespace,
        labelSelector: `${PART_LABEL}=event-record`,
        limit: 1,
      });
    } catch (err) {
      throw unavailable('list event Secrets', err);
    }
  }

  async close(): Promise<void> {}

  async #writeChunks(eventId: string, text: Buffer): Promise<ChunkManifest> {
    const sha256 = sha256Hex(text);
    const chunks = Math.ceil(text.length / CHUNK_BYTES);
    for (let i = 0; i < chunks; i++) {
      const name = chunkSecretName(eventId, sha256, i);
      const part = text.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES);
      try {
        await this.#api.createNamespacedSecret({
          namespace: this.#namespace,
          body: chunkSecret(name, eventId, part),
        });
      } catch (err) {
        // Content-addressed: an existing chunk of this name is a retry of the same bytes
        // (checked again, as a whole, by the sha256 when the record is loaded).
        if (statusOf(err) !== 409) throw unavailable(`create Secret ${name}`, err);
      }
    }
    return { chunks, size: text.length, sha256 };
  }

  async #load(secret: V1Secret): Promise<SignedEventRecord> {
    const name = secret.metadata?.name ?? '?';
    const data = secret.data ?? {};
    if (data['record.json'] !== undefined) {
      return parseRecord(Buffer.from(data['record.json'], 'base64').toString('utf8'), `Secret ${name}`);
    }
    if (data['manifest.json'] === undefined) {
      throw eventError('INVALID_EVENT_RECORD', `Secret ${name} holds neither record.json nor manifest.json`);
    }
    const manifest = JSON.parse(
      Buffer.from(data['manifest.json'], 'base64').toString('utf8'),
    ) as ChunkManifest;
    const eventId = secret.metadata?.labels?.[EVENT_ID_LABEL] ?? '';
    const parts: Buffer[] = [];
    for (let i = 0; i < manifest.chunks; i++) {
      const chunkName = chunkSecretName(eventId, manifest.sha256, i);
      try {
        const chunk = await this.#api.readNamespacedSecret({ name: chunkName, namespace: this.#namespace });
        parts.push(Buffer.from(chunk.data?.chunk ?? '', 'base64'));
      } catch (err) {
        throw unavailable(`read Secret ${chunkName}`, err);
      }
    }
    const text = Buffer.concat(parts);
    if (text.length !== manifest.size || sha256Hex(text) !== manifest.sha256) {
      throw eventError(
        'INVALID_EVENT_RECORD',
        `chunks of Secret ${name} do not reassemble to sha256 ${manifest.sha256}`,
      );
    }
    return parseRecord(text.toString('utf8'), `Secret ${name}`);
  }
}

function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? (err.code as number) : undefined;
}

/** The API error reduced to status + Status.message (never headers or request bodies). */
function unavailable(what: string, err: unknown) {
  const status = statusOf(err);
  const body = err instanceof ApiException ? (err.body as unknown) : undefined;
  let reason = err instanceof Error && status === undefined ? err.message : '';
  if (typeof body === 'string') {
    try {
      reason = (JSON.parse(body) as { message?: string }).message ?? '';
    } catch {
      reason = '';
    }
  } else if (body && typeof body === 'object') {
    reason = String((body as { message?: unknown }).message ?? '');
  }
  const detail = `${status === undefined ? '' : `HTTP ${status}`}${reason ? ` ${reason}` : ''}`.trim();
  return eventError('STORE_UNAVAILABLE', `cannot ${what} in the event store: ${detail || 'no answer'}`, err);
}
