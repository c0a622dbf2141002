import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { LocalSigner } from '../keys/local.ts';
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
  now?: () => Date;
}

/**
 * Keyless signing as a decorator: an ephemeral P-256 key (never written anywhere) plus the
 * Fulcio certificate for it. One key + certificate serves every signature until shortly
 * before the certificate expires (never one Fulcio call per signature); concurrent callers
 * share one request in flight.
 */
export class KeylessSigner {
  readonly #o: KeylessOptions;
  #current: CertifiedSigner | undefined;
  #pending: Promise<CertifiedSigner> | undefined;

  constructor(o: KeylessOptions) {
    this.#o = o;
  }

  /** A signer with a certificate valid for at least the refresh margin. */
  async session(): Promise<CertifiedSigner> {
    const now = (this.#o.now ?? (() => new Date()))();
    const margin = this.#o.refreshMarginMs ?? 120_000;
    if (this.#current && this.#current.notAfter.getTime() - margin > now.getTime()) return this.#current;
    this.#pending ??= this.#renew().finally(() => { this.#pending = undefined; });
    return this.#pending;
  }

  async #renew(): Promise<CertifiedSigner> {
    const token = await readIdentityToken(this.#o.tokenFile, this.#o.issuer);
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const certificates = await this.#o.fulcio.signingCert(token, publicKey, privateKey);
    const leaf = new X509Certificate(certificates[0] as string);
    const identity = (leaf.subjectAltName ?? '').replace(/^(URI|email):/, '').split(', ')[0] ?? '';
    this.#current = { signer: new LocalSigner(privateKey), certificates, identity, notAfter: new Date(leaf.validTo) };
    return this.#current;
  }
}
