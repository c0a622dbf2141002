import { sign, X509Certificate, type KeyObject } from 'node:crypto';
import { HttpTransport } from '../remote/transport.ts';
import { keylessError } from './errors.ts';
import type { IdentityToken } from './token.ts';

/**
 * Fulcio's v2 API (`POST /api/v2/signingCert`): a certificate chain (PEM, leaf first) for a
 * public key, given the OIDC token and a proof of possession (the key's signature over the
 * token's email, else subject). 4xx are permanent (FULCIO_REJECTED); retries live in the transport.
 */
export class FulcioClient {
  readonly url: string;
  readonly #http: HttpTransport;

  constructor(url: string, http = new HttpTransport({}, 'FULCIO')) {
    this.url = url.replace(/\/+$/, '');
    this.#http = http;
  }

  async signingCert(token: IdentityToken, publicKey: KeyObject, privateKey: KeyObject): Promise<string[]> {
    const body = JSON.stringify({
      credentials: { oidcIdentityToken: token.token },
      publicKeyRequest: {
        publicKey: { algorithm: 'ECDSA', content: publicKey.export({ type: 'spki', format: 'pem' }) },
        proofOfPossession: sign('sha256', Buffer.from(token.subject), privateKey).toString('base64'),
      },
    });
    const res = await this.#http.request('POST', `${this.url}/api/v2/signingCert`, body);
    if (res.status >= 400 && res.status < 500) {
      throw keylessError('FULCIO_REJECTED', `Fulcio refused the certificate request (HTTP ${res.status}): ${message(res.body)}`);
    }
    if (res.status !== 200 && res.status !== 201) throw keylessError('FULCIO_BAD_RESPONSE', `Fulcio answered HTTP ${res.status}`);
    let chain: unknown;
    try {
      const json = JSON.parse(res.body.toString('utf8')) as Record<string, { chain?: { certificates?: unknown } } | undefined>;
      chain = (json.signedCertificateEmbeddedSct ?? json.signedCertificateDetachedSct)?.chain?.certificates;
    } catch {
      throw keylessError('FULCIO_BAD_RESPONSE', 'Fulcio answered something that is not JSON');
    }
    if (!Array.isArray(chain) || chain.length === 0 || !chain.every((c) => typeof c === 'string')) {
      throw keylessError('FULCIO_BAD_RESPONSE', 'Fulcio answered without a certificate chain');
    }
    const certificates = chain as string[];
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(certificates[0] as string);
    } catch (err) {
      throw keylessError('FULCIO_BAD_RESPONSE', 'the leaf Fulcio answered is not a certificate', err);
    }
    if (!leaf.publicKey.equals(publicKey)) throw keylessError('FULCIO_BAD_RESPONSE', 'Fulcio issued a certificate for another key');
    return certificates.map((c) => (c.endsWith('\n') ? c : `${c}\n`));
  }
}

function message(body: Buffer): string {
  try {
    const m = (JSON.parse(body.toString('utf8')) as { message?: unknown }).message;
    if (typeof m === 'string') return m.slice(0, 300);
  } catch {
    // raw text below
  }
  return body.toString('utf8').slice(0, 300);
}
