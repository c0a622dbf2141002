import type { CertifiedSigner } from './keyless-signer.ts';

export interface CertCacheOptions {
  /** Gets a new key + certificate (token, key generation, Fulcio): the only remote call. */
  issue: () => Promise<CertifiedSigner>;
  /** A refresh starts this long before the certificate expires (default 2 min of Fulcio's 10). */
  refreshAheadMs?: number;
  /**
   * Never sign with a certificate expiring sooner than this (default 30 s): a signature must
   * be logged while its certificate is valid, or no verifier accepts it.
   */
  minValidityMs?: number;
  /** After a failed refresh, no new attempt for this long (default 5 s): an outage costs no call per signature. */
  retryAfterMs?: number;
  now?: () => number;
  /** A background refresh failed while the cached certificate still served (logged by the owner). */
  onRefreshError?: (err: unknown, validForMs: number) => void;
}

/**
 * The ephemeral key + Fulcio certificate every signature of a while shares. The certificate is
 * replaced ahead of expiry in the background (one request in flight, shared), so a signer
 * never waits for Fulcio while the cached certificate is good; a failed refresh (Fulcio down)
 * keeps serving the cached one until `minValidityMs` before it expires. Only with no usable
 * certificate does a caller wait for Fulcio; its coded failure (FULCIO_*, KEYLESS_TOKEN_*) is
 * then repeated without a new call for `retryAfterMs`.
 */
export class CertCache {
  readonly #o: CertCacheOptions;
  #current: CertifiedSigner | undefined;
  #pending: Promise<CertifiedSigner> | undefined;
  #failure: { at: number; err: unknown } | undefined;

  constructor(o: CertCacheOptions) {
    this.#o = o;
  }

  /** Fulcio requests started (tests and metrics). */
  issued = 0;

  async current(): Promise<CertifiedSigner> {
    const now = this.#now();
    const c = this.#current;
    const left = c ? c.notAfter.getTime() - now : 0;
    if (c && left > (this.#o.refreshAheadMs ?? 120_000)) return c;
    if (c && left > (this.#o.minValidityMs ?? 30_000)) {
      // Refresh ahead, unawaited: this signature uses the cached certificate.
      if (!this.#pending && !this.#throttled(now)) this.#refresh().catch((err: unknown) => this.#o.onRefreshError?.(err, left));
      return c;
    }
    const failed = this.#failure;
    if (failed && this.#throttled(now)) throw failed.err;
    return this.#refresh();
  }

  #refresh(): Promise<CertifiedSigner> {
    this.#pending ??= (async () => {
      this.issued++;
      try {
        const next = await this.#o.issue();
        this.#current = next;
        this.#failure = undefined;
        return next;
      } catch (err) {
        this.#failure = { at: this.#now(), err };
        throw err;
      } finally {
        this.#pending = undefined;
      }
    })();
    return this.#pending;
  }

  #throttled(now: number): boolean {
    return this.#pending === undefined && this.#failure !== undefined && now - this.#failure.at < (this.#o.retryAfterMs ?? 5_000);
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }
}
