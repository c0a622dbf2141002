import { isProvenanceError } from '../../signer/errors.ts';
import type { CredentialMap } from '../../signer/storage/oci/credentials.ts';
import type { TransportOptions } from '../../signer/storage/oci/transport.ts';
import { verifyImage } from '../../signer/verify/verify-image.ts';
import { fromStorageCode } from '../errors.ts';
import type { PolicyKeys, ResolvedKeys } from '../policy/keys.ts';
import type { AdmissionPolicy } from '../policy/types.ts';
import { Limiter } from './limiter.ts';
import { SingleFlight } from './single-flight.ts';
import { TtlCache } from './ttl-cache.ts';
import { errorVerdict, verdictOf, type ImageVerdict } from './verdict.ts';

export interface VerdictOptions {
  keys: PolicyKeys;
  /** Plain http to registries (test and local registries). */
  insecureRegistry: boolean;
  /** Registry calls: short timeouts and few retries, so an outage is a denial before the deadline. */
  transport: TransportOptions;
  cacheTtlMs: number;
  cacheMaxEntries: number;
  /** Verifications running at once, and waiting beyond that (more is OVERLOADED). */
  concurrency: number;
  maxQueued: number;
  now?: () => Date;
}

/** A pinned image to judge: where it lives and its digest. */
export interface PinnedImage {
  /** `registry/repository` */
  canonical: string;
  digest: string;
}

/** How a verdict was reached, for metrics and the bench. */
export type VerdictSource = 'cache' | 'verified' | 'joined' | 'error';

/**
 * Verdicts per (image digest, policy generation, key set): cached with a TTL and a bound on
 * entries, concurrent asks for the same key share one verification (single flight), at most
 * `concurrency` run at once. Only definite verdicts are cached: a registry outage or a
 * timeout is decided again on the next review.
 */
export class Verdicts {
  readonly #opts: VerdictOptions;
  readonly #cache: TtlCache<ImageVerdict>;
  readonly #flights = new SingleFlight<ImageVerdict>();
  readonly #limiter: Limiter;
  /** Verifications actually run (reads of the registry + whole-chain checks). */
  verifications = 0;

  constructor(opts: VerdictOptions) {
    this.#opts = opts;
    this.#cache = new TtlCache({ ttlMs: opts.cacheTtlMs, maxEntries: opts.cacheMaxEntries });
    this.#limiter = new Limiter({ concurrency: opts.concurrency, maxQueued: opts.maxQueued });
  }

  get cacheSize(): number {
    return this.#cache.size;
  }

  /** The verdict, or a VERIFICATION_TIMEOUT verdict when `deadline` (epoch ms) comes first. */
  async verdict(image: PinnedImage, policy: AdmissionPolicy, credentials: CredentialMap | undefined, deadline: number): Promise<{ verdict: ImageVerdict; source: VerdictSource }> {
    let keys;
    try {
      keys = await this.#opts.keys.forPolicy(policy);
    } catch (err) {
      return { verdict: errorVerdict('KEYS_UNAVAILABLE', 'keys', isProvenanceError(err) ? err.message : String(err)), source: 'error' };
    }
    const key = `${image.canonical}@${image.digest}|${policy.name}/${policy.uid}/${policy.generation}|${keys.keySetId}`;
    const cached = this.#cache.get(key);
    if (cached) return { verdict: cached, source: 'cache' };
    let started = false;
    const flight = this.#flights.run(key, async () => {
      started = true;
      const verdict = await this.#limiter.run(() => this.#verify(image, policy, keys, credentials));
      if (verdict.reason !== 'REGISTRY_UNAVAILABLE' && verdict.reason !== 'REGISTRY_AUTH' && verdict.reason !== 'OVERLOADED' && verdict.reason !== 'INTERNAL') {
        this.#cache.set(key, verdict);
      }
      return verdict;
    }).catch((err: unknown) => errorVerdict(isProvenanceError(err) ? err.code : 'INTERNAL', 'verification', isProvenanceError(err) ? err.message : 'unexpected error (see the log)'));
    const verdict = await beforeDeadline(flight, deadline, image);
    return { verdict, source: verdict.reason === 'VERIFICATION_TIMEOUT' ? 'error' : started ? 'verified' : 'joined' };
  }

  async #verify(image: PinnedImage, policy: AdmissionPolicy, keys: ResolvedKeys, credentials: CredentialMap | undefined): Promise<ImageVerdict> {
    this.verifications++;
    try {
      const result = await verifyImage(
        `${image.canonical}@${image.digest}`,
        { insecure: this.#opts.insecureRegistry, transport: this.#opts.transport, ...(credentials ? { credentials } : {}) },
        {
          keys: keys.verifiers,
          policy: policy.policy,
          now: (this.#opts.now ?? (() => new Date()))(),
          ...(keys.trustedRoot ? { trustedRoot: keys.trustedRoot } : {}),
          ...(keys.identity ? { identity: keys.identity } : {}),
        },
      );
      return verdictOf(result.reports);
    } catch (err) {
      if (!isProvenanceError(err)) throw err;
      const code = fromStorageCode(err.code);
      return errorVerdict(code, code === 'NOT_VERIFIED' ? 'attestation' : 'registry', `${err.message} [${err.code}]`);
    }
  }
}

function beforeDeadline(p: Promise<ImageVerdict>, deadline: number, image: PinnedImage): Promise<ImageVerdict> {
  const ms = Math.max(0, deadline - Date.now());
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ImageVerdict>((resolve) => {
    timer = setTimeout(
      () => resolve(errorVerdict('VERIFICATION_TIMEOUT', 'registry', `verifying ${image.canonical}@${image.digest} did not finish in time (registry slow or unreachable)`)),
      ms,
    );
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
