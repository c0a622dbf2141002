import { issueBundle, judgeBundle, type CertBundle, type CertIdentity } from './bundle.ts';
import type { CertStore } from './store.ts';

/** What the manager logs to (the interceptor's and the signer's loggers both fit). */
export interface TlsLogger {
  info(msg: string, fields?: Record<string, string>): void;
  warn(msg: string, fields?: Record<string, string>): void;
}

/**
 * Makes the API server trust our CA: publish(caPem) patches the caBundle of OUR object (the
 * interceptor's ClusterInterceptor, the admission webhook configurations).
 */
export interface CaBundlePublisher {
  publish(caPem: string): Promise<void>;
}

export interface TlsManagerOptions {
  store: CertStore;
  identity: CertIdentity;
  /** In a cluster: patches the caBundle of whoever calls us whenever the CA changes. */
  publisher?: CaBundlePublisher;
  logger: TlsLogger;
  /** How often the stored bundle is re-checked (expiry, another replica's rotation). */
  checkIntervalMs?: number;
  now?: () => Date;
}

/**
 * Keeps a serving cert: reuses the stored one while valid, re-issues it (same CA) before it
 * expires, replaces everything when the CA is unusable, adopts a bundle another replica
 * stored, and tells listeners (the HTTPS server's setSecureContext) so nothing restarts.
 */
export class TlsManager {
  readonly #opts: TlsManagerOptions;
  readonly #listeners: ((b: CertBundle) => void)[] = [];
  #current: CertBundle | undefined;
  #published: string | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: TlsManagerOptions) {
    this.#opts = opts;
  }

  current(): CertBundle {
    if (this.#current === undefined) throw new Error('TlsManager.current() before start()');
    return this.#current;
  }

  onChange(listener: (bundle: CertBundle) => void): void {
    this.#listeners.push(listener);
  }

  /** First load (fails loudly: no cert, no server), then periodic checks. */
  async start(): Promise<CertBundle> {
    await this.check();
    const interval = this.#opts.checkIntervalMs ?? 600_000;
    this.#timer = setInterval(() => {
      this.check().catch((err: unknown) =>
        this.#opts.logger.warn('tls check failed; keeping the current cert', { error: String((err as Error).message) }),
      );
    }, interval);
    this.#timer.unref();
    return this.current();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** One pass: load, judge, issue and save if needed, adopt, publish the CA. */
  async check(): Promise<void> {
    const now = (this.#opts.now ?? (() => new Date()))();
    const { store, identity, logger } = this.#opts;
    let bundle = await store.load();
    const verdict = bundle === undefined ? 'replace' : judgeBundle(bundle, identity, now);
    if (verdict !== 'valid') {
      const ca = verdict === 'renew-server' && bundle ? { caCert: bundle.caCert, caKey: bundle.caKey } : undefined;
      const fresh = issueBundle(identity, now, ca);
      try {
        await store.save(fresh);
        bundle = fresh;
        logger.info(verdict === 'renew-server' ? 'tls serving cert re-issued' : 'tls CA and serving cert generated', {
          store: store.description,
        });
      } catch (err) {
        // Another replica saved first (conflict): adopt what it stored.
        bundle = await store.load();
        if (bundle === undefined || judgeBundle(bundle, identity, now) !== 'valid') throw err;
      }
    }
    if (bundle === undefined) throw new Error('no TLS bundle after check');
    this.#adopt(bundle);
    await this.#publish(bundle.caCert);
  }

  #adopt(bundle: CertBundle): void {
    const changed = this.#current?.serverCert !== bundle.serverCert || this.#current?.serverKey !== bundle.serverKey;
    this.#current = bundle;
    if (changed) for (const listener of this.#listeners) listener(bundle);
  }

  async #publish(caCert: string): Promise<void> {
    if (this.#opts.publisher === undefined || this.#published === caCert) return;
    try {
      await this.#opts.publisher.publish(caCert);
      this.#published = caCert;
      this.#opts.logger.info('caBundle is current');
    } catch (err) {
      // Serving goes on; the next check retries (the EL keeps its old trust meanwhile).
      this.#opts.logger.warn('caBundle not published', { error: String((err as Error).message).slice(0, 300) });
    }
  }
}
