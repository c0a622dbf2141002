import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { LocalSigner } from '../keys/local.ts';
import { CertCache, type CertCacheOptions } from './cert-cache.ts';
import type { Signer } from '../keys/signer.ts';
import type { FulcioClient } from './fulcio-client.ts';
import { readIdentityToken } from './token.ts';

/** A signer and the certificate chain (PEM, leaf first) that vouches for its key: always used together. */
export interface CertifiedSigner {
  signer: Signer;
  certificates: string[];
  /** The leaf's SAN, e.g. `https://kubernetes.io/namespaces/ci/serviceaccounts/tekton-provenance`. */
  identity: string;
  notAfter: Date;
}

export interface KeylessOptions {
  fulcio: FulcioClient;
  /** `signers.x509.identity.token.file`: re-read before each certificate request. */
  tokenFile: string;
  /** `signers.x509.fulcio.issuer`: the token's expected `iss` (unset: any). */
  issuer?: string;
  /** A certificate is replaced this long before it expires (default 2 min of Fulcio's 10). */
  refreshMarginMs?: number;
  /** Cache tuning beyond the margin (cert-cache.ts): floor of validity, retry pause, refresh errors. */
  cache?: Pick<CertCacheOptions, 'minValidityMs' | 'retryAfterMs' | 'onRefreshError'>;
  now?: () => Date;
}

/**
 * Keyless signing as a decorator: an ephemeral P-256 key (never written anywhere) plus the
 * Fulcio certificate for it. One key + certificate serves every signature until shortly
 * before the certificate expires (never one Fulcio call per signature); it is renewed ahead
 * of expiry in the background, and kept while Fulcio is down and it is still valid
 * (cert-cache.ts); concurrent callers share one request in flight.
 */
export class KeylessSigner {
  readonly #o: KeylessOptions;
  readonly #cache: CertCache;

  constructor(o: KeylessOptions) {
    this.#o = o;
    this.#cache = new CertCache({
      issue: () => this.#renew(),
      ...o.cache,
      ...(o.refreshMarginMs !== undefined ? { refreshAheadMs: o.refreshMarginMs } : {}),
      ...(o.now ? { now: () => (o.now as () => Date)().getTime() } : {}),
    });
  }

  /** Fulcio requests made so far (one per certificate, whatever the number of signatures). */
  get certificatesRequested(): number {
    return this.#cache.issued;
  }

  /** A signer whose certificate stays valid for at least the cache's floor (default 30 s). */
  session(): Promise<CertifiedSigner> {
    return this.#cache.current();
  }

  async #renew(): Promise<CertifiedSigner> {
    const token = await readIdentityToken(this.#o.tokenFile, this.#o.issuer);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const certificates = await this.#o.fulcio.signingCert(token, publicKey, privateKey);
    const leaf = new X509Certificate(certificates[0] as string);
    const identity = (leaf.subjectAltName ?? '').replace(/^(URI|email):/, '').split(', ')[0] ?? '';
    return { signer: new LocalSigner(privateKey), certificates, identity, notAfter: new Date(leaf.validTo) };
  }
}
