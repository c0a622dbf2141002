import { createHash } from 'node:crypto';
import { loadVerifiers, type KeyLoadOptions } from '../../signer/keys/sources.ts';
import { PublicKeyVerifier } from '../../signer/keys/local.ts';
import { publicKeysFromPem } from '../../signer/keys/public-key.ts';
import type { Verifier } from '../../signer/keys/signer.ts';
import { Registry } from '../../signer/registry.ts';
import { isProvenanceError } from '../../signer/errors.ts';
import { admissionError } from '../errors.ts';
import type { SecretReader } from '../kube/secrets.ts';
import { TtlCache } from '../verdict/ttl-cache.ts';
import type { AdmissionPolicy, PolicyKeyRef } from './types.ts';

export interface KeyContext {
  secrets: SecretReader | undefined;
  kms: KeyLoadOptions;
}

/** One kind of `spec.keys[]` entry, chosen by name through the project's plugin registry. */
export interface PolicyKeyKind {
  verifiers(ref: PolicyKeyRef, ctx: KeyContext): Promise<Verifier[]>;
}

export const POLICY_KEY_KINDS = new Registry<PolicyKeyKind>('policy key kind')
  .register('pem', {
    verifiers: async (ref) => publicKeysFromPem((ref as { pem: string }).pem, 'spec.keys[].pem').map((k) => new PublicKeyVerifier(k)),
  })
  .register('secretRef', {
    async verifiers(ref, ctx) {
      const r = ref as Extract<PolicyKeyRef, { kind: 'secretRef' }>;
      const where = `Secret ${r.namespace}/${r.name}`;
      if (!ctx.secrets) throw admissionError('KEYS_UNAVAILABLE', `${where}: no cluster to read it from`);
      const data = await ctx.secrets.read(r.namespace, r.name);
      if (data === undefined) throw admissionError('KEYS_UNAVAILABLE', `${where} does not exist`);
      const value = data[r.key];
      if (value === undefined) throw admissionError('KEYS_UNAVAILABLE', `${where} has no key ${r.key}`);
      return publicKeysFromPem(Buffer.from(value, 'base64').toString('utf8'), `${where} key ${r.key}`).map((k) => new PublicKeyVerifier(k));
    },
  })
  .register('kms', {
    verifiers: (ref, ctx) => loadVerifiers((ref as { uri: string }).uri, ctx.kms),
  });

/** The trusted keys of a policy and an id of that key set (part of every verdict's cache key). */
export interface ResolvedKeys {
  verifiers: Verifier[];
  keySetId: string;
}

/**
 * Resolves each policy's keys, cached per policy generation for `ttlMs` so that a rotated
 * Secret is picked up without a restart, and a review does not read Secrets every time.
 */
export class PolicyKeys {
  readonly #ctx: KeyContext;
  readonly #cache: TtlCache<Promise<ResolvedKeys>>;

  constructor(ctx: KeyContext, opts: { ttlMs?: number; maxEntries?: number } = {}) {
    this.#ctx = ctx;
    this.#cache = new TtlCache({ ttlMs: opts.ttlMs ?? 60_000, maxEntries: opts.maxEntries ?? 256 });
  }

  forPolicy(policy: AdmissionPolicy): Promise<ResolvedKeys> {
    const key = `${policy.name}/${policy.uid}/${policy.generation}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const p = this.#resolve(policy);
    this.#cache.set(key, p);
    // A failure (Secret missing, KMS down) is not kept: the next review tries again.
    p.catch(() => this.#cache.set(key, p, 0));
    return p;
  }

  async #resolve(policy: AdmissionPolicy): Promise<ResolvedKeys> {
    const all: Verifier[] = [];
    for (const ref of policy.keys) {
      try {
        all.push(...(await POLICY_KEY_KINDS.get(ref.kind).verifiers(ref, this.#ctx)));
      } catch (err) {
        if (isProvenanceError(err, 'KEYS_UNAVAILABLE')) throw err;
        throw admissionError('KEYS_UNAVAILABLE', `policy ${policy.name}: ${isProvenanceError(err) ? err.message : String((err as Error).message ?? err)}`, err);
      }
    }
    const byKeyid = new Map(all.map((v) => [v.keyid, v]));
    const keySetId = createHash('sha256').update([...byKeyid.keys()].sort().join('\n')).digest('hex').slice(0, 16);
    return { verifiers: [...byKeyid.values()], keySetId };
  }
}
