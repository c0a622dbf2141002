import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { DigestLookup, EventLookup, MarkAttested } from '../attest/event-link.ts';
import { watchConfig, type ConfigWatch } from '../config/source.ts';
import type { ProvenanceConfig } from '../config/types.ts';
import type { Signer } from '../keys/signer.ts';
import type { Logger } from '../server/logger.ts';
import type { AttestationStorage } from '../storage/backend.ts';
import { storageError } from '../storage/errors.ts';
import { parseDockerConfig, type CredentialMap } from '../storage/oci/credentials.ts';
import { httpStatusOf } from './errors.ts';
import { createStorage } from '../storage/registry.ts';
import type { TransparencyLog } from '../transparency/log.ts';
import { createKeylessSigner } from '../keyless/create.ts';
import type { KeylessSigner } from '../keyless/keyless-signer.ts';
import type { ReconcileDeps } from './deps.ts';
import type { SigningJournal } from './journal/journal.ts';
import { MemorySigningJournal } from './journal/memory.ts';
import { reuseConnections } from './kube/connections.ts';
import { kubeEventRecorder, type EventRecorder } from './kube/event-recorder.ts';
import { TektonApi, detectTektonVersion, type TektonVersion } from './kube/tekton-api.ts';
import { LeaderElector } from './leader.ts';
import { ControllerMetrics } from './metrics.ts';
import { WorkQueue } from './queue.ts';
import { reconcileRun } from './reconcile.ts';
import { startWatchers } from './watchers.ts';

export interface ControllerOptions {
  kc: KubeConfig;
  /** The controller's own namespace: ConfigMaps, the Lease, the registry credentials Secret. */
  namespace: string;
  /** This replica's name in the Lease (the pod name). */
  identity: string;
  config: ProvenanceConfig;
  /** Loads the signer a config names (the key sources' `loadSigner`). */
  loadSigner(config: ProvenanceConfig): Promise<Signer>;
  events: { byId: EventLookup; byDigest?: DigestLookup; markAttested?: MarkAttested };
  log: Logger;
  leaseName?: string;
  leaseDurationMs?: number;
  leaseRetryMs?: number;
  /** Skip API discovery and use this tekton.dev version (tests of the v1beta1 path). */
  tektonVersion?: TektonVersion;
  /** Watch the ConfigMaps and apply edits (default true). */
  watchConfig?: boolean;
  recorder?: EventRecorder;
  /** Where signed envelopes wait until their run is marked (the service gives a SQLite file in the state dir); in memory otherwise. Owned by the caller. */
  journal?: SigningJournal;
}

async function readCredentials(kc: KubeConfig, namespace: string, secret: string | undefined): Promise<CredentialMap | undefined> {
  if (!secret) return undefined;
  let data: string | undefined;
  try {
    const s = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: secret, namespace });
    data = s.data?.['.dockerconfigjson'] ?? s.data?.['.dockercfg'];
  } catch (err) {
    throw storageError('STORAGE_MISCONFIGURED', `storage.oci.credentials-secret: cannot read Secret ${namespace}/${secret} (HTTP ${httpStatusOf(err) ?? 'error'})`, err);
  }
  if (!data) throw storageError('STORAGE_MISCONFIGURED', `storage.oci.credentials-secret: Secret ${namespace}/${secret} has no .dockerconfigjson`);
  return parseDockerConfig(Buffer.from(data, 'base64').toString('utf8'));
}

/**
 * The attestation controller (wiring only; what happens to one run is reconcile.ts): config
 * and its reloads, Lease election, then while leading the watchers feeding the work queue.
 */
export class AttestationController {
  readonly metrics = new ControllerMetrics();
  readonly #o: ControllerOptions;
  readonly #deps: ReconcileDeps;
  #config: ProvenanceConfig;
  #storage: AttestationStorage[] = [];
  #signer!: Signer;
  #tlog: TransparencyLog | undefined;
  #keyless: KeylessSigner | undefined;
  #queue: WorkQueue | undefined;
  #watchers: { stop(): Promise<void> } | undefined;
  #elector: LeaderElector | undefined;
  #configWatch: ConfigWatch | undefined;

  private constructor(o: ControllerOptions, api: TektonApi) {
    this.#o = o;
    this.#config = o.config;
    this.#deps = {
      api, config: () => this.#config, storage: () => this.#storage, signer: () => this.#signer, transparency: () => this.#tlog, keyless: () => this.#keyless, events: o.events,
      recorder: o.recorder ?? kubeEventRecorder(o.kc), metrics: this.metrics, log: o.log, attempts: new Map(),
      journal: o.journal ?? new MemorySigningJournal(),
    };
  }

  static async start(o: ControllerOptions): Promise<AttestationController> {
    reuseConnections(o.kc);
    const api = new TektonApi(o.kc, o.tektonVersion ?? (await detectTektonVersion(o.kc)));
    const c = new AttestationController(o, api);
    await c.#apply(o.config);
    if (o.config.ignoredKeys.length > 0) o.log.warn('config keys accepted without effect', { keys: o.config.ignoredKeys.join(',') });
    if (o.watchConfig ?? true) {
      c.#configWatch = await watchConfig(o.kc, o.namespace, (cfg) => void c.#reload(cfg), (err) => {
        c.metrics.error('config', err);
        o.log.error('invalid config edit ignored; keeping the running config', { code: (err as { code?: string }).code, message: (err as Error).message });
      });
    }
    c.#elector = new LeaderElector({
      kc: o.kc, namespace: o.namespace, name: o.leaseName ?? 'tekton-provenance-controller', identity: o.identity,
      leaseDurationMs: o.leaseDurationMs ?? 15_000, retryMs: o.leaseRetryMs ?? 2_000,
      onStartedLeading: () => c.#lead(), onStoppedLeading: () => c.#follow(),
      onError: (err) => c.metrics.error('lease', err),
    });
    c.#elector.start();
    o.log.info('attestation controller started', { tekton: api.apiVersion, identity: o.identity, keyid: c.#keyless ? 'keyless (Fulcio)' : c.#signer.keyid });
    return c;
  }

  get leading(): boolean {
    return this.#elector?.leading ?? false;
  }

  /** The config in effect (after the last valid reload). */
  get config(): ProvenanceConfig {
    return this.#config;
  }

  get queueDepth(): number {
    return this.#queue?.depth ?? 0;
  }

  async #apply(config: ProvenanceConfig): Promise<void> {
    const keyless = createKeylessSigner(config.keyless);
    const signer = keyless ? this.#signer : await this.#o.loadSigner(config); // keyless needs no key
    // Loaded on demand: the log client pulls in @sigstore/verify, which a signer without
    // transparency never needs (and the signer process starts faster without).
    const tlog = config.transparency.mode !== 'false' || keyless
      ? await (await import('../transparency/registry.ts')).createTransparencyLog(config.transparency, keyless !== undefined)
      : undefined;
    const registryCredentials = await readCredentials(this.#o.kc, this.#o.namespace, config.oci.credentialsSecret);
    const previous = this.#storage;
    this.#storage = createStorage({ config, runs: this.#deps.api, ...(registryCredentials ? { registryCredentials } : {}) });
    // In-flight reconciles keep their reference; closing the old sqlite handle a moment later is safe.
    setTimeout(() => { for (const b of previous) (b as { close?: () => void }).close?.(); }, 30_000).unref();
    this.#signer = signer;
    this.#tlog = tlog;
    this.#keyless = keyless;
    this.#config = config;
  }

  async #reload(config: ProvenanceConfig): Promise<void> {
    if (JSON.stringify(config) === JSON.stringify(this.#config)) return;
    try {
      await this.#apply(config);
      this.#o.log.info('config reloaded', { formats: config.formats.join(','), storage: config.storage.join(',') });
    } catch (err) {
      this.metrics.error('config', err);
      this.#o.log.error('config reload failed; keeping the running config', { message: (err as Error).message });
    }
  }

  async #lead(): Promise<void> {
    this.metrics.leader.set(1);
    const queue = new WorkQueue(this.#config.controller.workers, async (key) => {
      const r = await reconcileRun(this.#deps, key);
      this.metrics.queueDepth.set(queue.depth);
      return r;
    });
    this.#queue = queue;
    const w = startWatchers(this.#o.kc, this.#deps.api, this.#config.controller.namespaces, queue, this.metrics);
    this.#watchers = w;
    await w.started;
    this.#o.log.info('leading: watching PipelineRuns', { queued: queue.depth });
  }

  async #follow(): Promise<void> {
    this.metrics.leader.set(0);
    this.#queue?.stop();
    await this.#watchers?.stop();
    this.#queue = undefined;
    this.#watchers = undefined;
  }

  /** Resolves when the queue has nothing ready or in flight (tests and the bench). */
  async idle(): Promise<void> {
    await this.#queue?.idle();
  }

  async stop(): Promise<void> {
    await this.#configWatch?.stop();
    await this.#elector?.stop();
    await this.#follow();
    for (const b of this.#storage) (b as { close?: () => void }).close?.();
  }
}
