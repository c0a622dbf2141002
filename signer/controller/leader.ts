import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { httpStatusOf } from './errors.ts';

export interface LeaderOptions {
  kc: KubeConfig;
  namespace: string;
  /** Lease name; every replica of one deployment uses the same. */
  name: string;
  /** This replica (pod name); unique per replica. */
  identity: string;
  leaseDurationMs: number;
  /** How often to renew (leader) or retry acquiring (follower); well below leaseDurationMs. */
  retryMs: number;
  onStartedLeading(): Promise<void>;
  onStoppedLeading(): Promise<void>;
  onError(err: unknown): void;
}

/**
 * Lease-based leader election (coordination.k8s.io/v1), as client-go's leaderelection: only
 * the holder runs the controller, so each run is attested by one replica. Another holder's
 * lease counts as expired when its record has not changed for a lease duration on OUR clock
 * (no cross-node clock comparison). A leader that cannot renew steps down before its lease
 * could be taken over (at 2/3 of the duration), so two leaders never overlap.
 */
export class LeaderElector {
  readonly #o: LeaderOptions;
  readonly #api: CoordinationV1Api;
  #leading = false;
  #lastRenew = 0;
  #observed = '';
  #observedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #tick: Promise<void> = Promise.resolve();

  constructor(opts: LeaderOptions) {
    this.#o = opts;
    this.#api = opts.kc.makeApiClient(CoordinationV1Api);
  }

  get leading(): boolean {
    return this.#leading;
  }

  start(): void {
    const loop = (): void => {
      if (this.#stopped) return;
      this.#tick = this.#round().finally(() => {
        if (!this.#stopped) this.#timer = setTimeout(loop, this.#o.retryMs);
      });
    };
    loop();
  }

  /** Stops electing; a leader steps down and releases the lease so a standby takes over at once. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#tick;
    if (this.#leading) {
      await this.#stepDown();
      await this.#release().catch((err) => this.#o.onError(err));
    }
  }

  async #round(): Promise<void> {
    let ok = false;
    try {
      ok = await this.#tryAcquireOrRenew();
    } catch (err) {
      this.#o.onError(err);
    }
    if (ok) {
      this.#lastRenew = Date.now();
      if (!this.#leading && !this.#stopped) {
        this.#leading = true;
        await this.#o.onStartedLeading().catch((err) => this.#o.onError(err));
      }
    } else if (this.#leading && Date.now() - this.#lastRenew > (this.#o.leaseDurationMs * 2) / 3) {
      await this.#stepDown();
    }
  }

  async #stepDown(): Promise<void> {
    this.#leading = false;
    await this.#o.onStoppedLeading().catch((err) => this.#o.onError(err));
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.#o;
    const now = new Date();
    const durationSeconds = Math.max(1, Math.ceil(this.#o.leaseDurationMs / 1000));
    let lease: V1Lease;
    try {
      lease = await this.#api.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (httpStatusOf(err) !== 404) throw err;
      const body: V1Lease = { metadata: { name, namespace }, spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 } };
      return this.#write(() => this.#api.createNamespacedLease({ namespace, body }));
    }
    const spec = lease.spec ?? {};
    const record = `${spec.holderIdentity ?? ''}@${String(spec.renewTime ?? '')}`;
    if (record !== this.#observed) {
      this.#observed = record;
      this.#observedAt = Date.now();
    }
    const mine = spec.holderIdentity === identity;
    const free = !spec.holderIdentity || Date.now() - this.#observedAt > this.#o.leaseDurationMs;
    if (!mine && !free) return false;
    lease.spec = {
      ...spec, holderIdentity: identity, leaseDurationSeconds: durationSeconds, renewTime: now,
      ...(mine ? {} : { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
    };
    return this.#write(() => this.#api.replaceNamespacedLease({ name, namespace, body: lease }));
  }

  /** A 409 means another replica wrote first: not an error, just not us. */
  async #write(fn: () => Promise<unknown>): Promise<boolean> {
    try {
      await fn();
      return true;
    } catch (err) {
      if (httpStatusOf(err) === 409) return false;
      throw err;
    }
  }

  async #release(): Promise<void> {
    const lease = await this.#api.readNamespacedLease({ name: this.#o.name, namespace: this.#o.namespace });
    if (lease.spec?.holderIdentity !== this.#o.identity) return;
    lease.spec = { ...lease.spec, holderIdentity: '' };
    await this.#write(() => this.#api.replaceNamespacedLease({ name: this.#o.name, namespace: this.#o.namespace, body: lease }));
  }
}
