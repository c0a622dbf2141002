import { ApiException, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type V1Secret } from '@kubernetes/client-node';
import { reuseConnections } from '../../controller/kube/connections.ts';
import type { SignedEventRecord } from '../event-record.ts';
import type { EventPage, EventStore, EventSummary, PruneRequest, PruneResult, PutOptions, StoreStats } from '../event-store.ts';
import { isPast } from '../../limits/errors.ts';
import { eventError } from '../errors.ts';
import { parseRecord, serializeRecord } from '../record-codec.ts';
import {
  ATTESTED_AT_ANNOTATION,
  ATTESTED_RUN_ANNOTATION,
  CHUNK_BYTES,
  DIGEST_ANNOTATION,
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
  /** The record JSON keeps a keyless record's chain (record-extras.ts); no upload queue. */
  readonly keepsCertificates = true;
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
    // Keep-alive connections: without this every put pays a TLS handshake (a new agent per request).
    return new KubernetesSecretsEventStore(reuseConnections(kc).makeApiClient(CoreV1Api), opts.namespace);
  }

  async put(r: SignedEventRecord, _payloadBytes?: Buffer, opts: PutOptions = {}): Promise<SignedEventRecord> {
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
    // The record Secret is the commit point (chunks without it are never read): decide here.
    if (isPast(opts.deadline)) {
      throw eventError('DEADLINE_EXCEEDED', `event ${r.eventId} was not stored: its deadline passed before the write began`);
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

  /** Annotates the record Secret (a merge patch; a Secret already marked keeps its first mark). */
  async markAttested(eventId: string, runUid: string, at: Date): Promise<boolean> {
    const name = recordSecretName(eventId);
    let secret: V1Secret;
    try {
      secret = await this.#api.readNamespacedSecret({ name, namespace: this.#namespace });
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw unavailable(`read Secret ${name}`, err);
    }
    if (secret.metadata?.annotations?.[ATTESTED_AT_ANNOTATION]) return true;
    try {
      await this.#api.patchNamespacedSecret(
        {
          name,
          namespace: this.#namespace,
          body: { metadata: { annotations: { [ATTESTED_AT_ANNOTATION]: at.toISOString(), [ATTESTED_RUN_ANNOTATION]: runUid } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw unavailable(`annotate Secret ${name}`, err);
    }
  }

  /**
   * Walks the record Secrets a page at a time; the age of an unclaimed record is its Secret's
   * creationTimestamp. Each record Secret is deleted first (the commit point: a record
   * without it is gone), then its chunk Secrets by label. Replicas pruning at once may both
   * try a Secret: a 404 is someone else's delete, not counted.
   */
  async prune(req: PruneRequest): Promise<PruneResult> {
    const picked: { secret: V1Secret; summary: EventSummary }[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100_000 && picked.length < req.limit; page++) {
      const { secrets, next } = await this.#recordPage(cursor, PAGE);
      for (const secret of secrets) {
        const summary = summaryOf(secret);
        const attested = summary.attestedAt ? Date.parse(summary.attestedAt) : undefined;
        const created = Date.parse(String(secret.metadata?.creationTimestamp ?? ''));
        const due = attested !== undefined ? attested < req.attestedBefore.getTime() : created < req.unclaimedBefore.getTime();
        if (due && picked.length < req.limit) picked.push({ secret, summary });
      }
      if (!next) break;
      cursor = next;
    }
    const done: EventSummary[] = [];
    for (const { secret, summary } of picked) {
      if (!req.dryRun && !(await this.#deleteRecord(secret, summary.eventId))) continue;
      done.push(summary);
    }
    return { records: done.length, bytes: done.reduce((n, s) => n + s.bytes, 0), eventIds: done.map((s) => s.eventId).sort() };
  }

  async #deleteRecord(secret: V1Secret, eventId: string): Promise<boolean> {
    const name = secret.metadata?.name ?? '';
    try {
      await this.#api.deleteNamespacedSecret({ name, namespace: this.#namespace });
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw unavailable(`delete Secret ${name}`, err);
    }
    try {
      await this.#api.deleteCollectionNamespacedSecret({
        namespace: this.#namespace,
        labelSelector: `${PART_LABEL}=event-record-chunk,${EVENT_ID_LABEL}=${eventId}`,
      });
    } catch (err) {
      throw unavailable(`delete the chunk Secrets of ${name}`, err);
    }
    return true;
  }

  /** A page of record Secrets in the API server's order; the cursor is its `continue` token. */
  async list(cursor: string | undefined, limit: number): Promise<EventPage> {
    const { secrets, next } = await this.#recordPage(cursor, limit);
    return { items: secrets.map(summaryOf), ...(next ? { next } : {}) };
  }

  async stats(): Promise<StoreStats> {
    let records = 0;
    let bytes = 0;
    let cursor: string | undefined;
    for (let page = 0; page < 100_000; page++) {
      const { secrets, next } = await this.#recordPage(cursor, PAGE);
      records += secrets.length;
      bytes += secrets.reduce((n, s) => n + summaryOf(s).bytes, 0);
      if (!next) break;
      cursor = next;
    }
    return { records, bytes };
  }

  async #recordPage(cursor: string | undefined, limit: number): Promise<{ secrets: V1Secret[]; next?: string }> {
    try {
      const list = await this.#api.listNamespacedSecret({
        namespace: this.#namespace,
        labelSelector: `${PART_LABEL}=event-record`,
        limit,
        ...(cursor ? { _continue: cursor } : {}),
      });
      const next = list.metadata?._continue;
      return { secrets: list.items, ...(next ? { next } : {}) };
    } catch (err) {
      throw unavailable('list event Secrets', err);
    }
  }

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

/** Record Secrets per list call: each may hold up to 700 KiB, so pages stay small. */
const PAGE = 50;

/** From the labels and annotations; bytes = the record's size (manifest size for chunked records). */
function summaryOf(secret: V1Secret): EventSummary {
  const meta = secret.metadata ?? {};
  const data = secret.data ?? {};
  let bytes = 0;
  if (data['record.json'] !== undefined) bytes = Buffer.byteLength(data['record.json'], 'base64');
  else if (data['manifest.json'] !== undefined) {
    try {
      bytes = Number((JSON.parse(Buffer.from(data['manifest.json'], 'base64').toString('utf8')) as ChunkManifest).size) || 0;
    } catch {
      bytes = 0;
    }
  }
  const attestedAt = meta.annotations?.[ATTESTED_AT_ANNOTATION];
  const attestedRun = meta.annotations?.[ATTESTED_RUN_ANNOTATION];
  return {
    eventId: meta.labels?.[EVENT_ID_LABEL] ?? '',
    digest: meta.annotations?.[DIGEST_ANNOTATION] ?? '',
    storedAt: meta.creationTimestamp ? new Date(meta.creationTimestamp).toISOString() : '',
    bytes,
    ...(attestedAt ? { attestedAt } : {}),
    ...(attestedRun ? { attestedRun } : {}),
  };
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
