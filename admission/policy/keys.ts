import { createHash } from 'node:crypto';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { loadVerifiers, type KeyLoadOptions } from '../../signer/keys/sources.ts';
import { PublicKeyVerifier } from '../../signer/keys/local.ts';
import { publicKeysFromPem } from '../../signer/keys/public-key.ts';
import type { Verifier } from '../../signer/keys/signer.ts';
import { Registry } from '../../signer/registry.ts';
import { isProvenanceError } from '../../signer/errors.ts';
import { parseTrustedRoot } from '../../signer/transparency/trusted-root.ts';
import type { IdentityPolicy } from '../../signer/transparency/identity.ts';
import { admissionError } from '../errors.ts';
import type { ConfigMapReader } from '../kube/config-maps.ts';
import type { SecretReader } from '../kube/secrets.ts';
import { TtlCache } from '../verdict/ttl-cache.ts';
import type { AdmissionPolicy, PolicyKeyRef, TrustedRootRef } from './types.ts';

export interface KeyContext {
  secrets: SecretReader | undefined;
  kms: KeyLoadOptions;
  /** Where trusted roots are read (`spec.trustedRootRef`), in `namespace` (the webhook's own). */
  configMaps?: ConfigMapReader | undefined;
  namespace?: string;
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
  })
  // No key to load: the certificate in each attestation is checked against the trusted root
  // and the identity (ResolvedKeys.identity) when it is verified.
  .register('keyless', { verifiers: async () => [] });

/** The trusted signers of a policy and an id of that set (part of every verdict's cache key). */
export interface ResolvedKeys {
  verifiers: Verifier[];
  /** The keyless identity (`keys[].keyless`), checked on every certificate-signed attestation. */
  identity?: IdentityPolicy;
  /** `spec.trustedRootRef`, parsed: CAs and logs trusted for certificates and log entries. */
  trustedRoot?: TrustedRoot;
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
    const keyless = policy.keys.find((k) => k.kind === 'keyless');
    const root = policy.trustedRootRef ? await this.#trustedRoot(policy.name, policy.trustedRootRef) : undefined;
    // A rotated key, a changed identity or an edited trusted root is a new set: no old verdict applies.
    const keySetId = createHash('sha256')
      .update([...byKeyid.keys()].sort().join('\n'))
      .update(`\n${JSON.stringify(keyless?.identity ?? null)}\n${root?.text ?? ''}`)
      .digest('hex')
      .slice(0, 16);
    return {
      verifiers: [...byKeyid.values()],
      ...(keyless ? { identity: keyless.identity } : {}),
      ...(root ? { trustedRoot: root.parsed } : {}),
      keySetId,
    };
  }

  async #trustedRoot(policyName: string, ref: TrustedRootRef): Promise<{ text: string; parsed: TrustedRoot }> {
    const namespace = this.#ctx.namespace ?? 'tekton-provenance';
    const where = `policy ${policyName}: ConfigMap ${namespace}/${ref.name}`;
    if (!this.#ctx.configMaps) throw admissionError('KEYS_UNAVAILABLE', `${where}: no cluster to read the trusted root from`);
    const data = await this.#ctx.configMaps.read(namespace, ref.name).catch((err: unknown) => {
      throw admissionError('KEYS_UNAVAILABLE', `${where}: ${(err as Error).message}`, err);
    });
    if (data === undefined) throw admissionError('KEYS_UNAVAILABLE', `${where} does not exist`);
    const text = data[ref.key];
    if (text === undefined) throw admissionError('KEYS_UNAVAILABLE', `${where} has no key ${ref.key}`);
    try {
      return { text, parsed: parseTrustedRoot(text, `${where} key ${ref.key}`) };
    } catch (err) {
      throw admissionError('KEYS_UNAVAILABLE', isProvenanceError(err) ? err.message : `${where} key ${ref.key}: ${String(err)}`, err);
    }
  }
}
