import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FulcioCa } from './ca.ts';
import { TokenRejected, verifyToken } from './token.ts';

/**
 * A Fulcio v2 stand-in: `POST /api/v2/signingCert` checks the OIDC token (issuer discovery +
 * JWKS, audience `sigstore`, expiry) and the proof of possession (a signature over the token's
 * email, else its subject, by the submitted key), then issues a 10-minute leaf for the
 * Kubernetes identity `https://kubernetes.io/namespaces/<ns>/serviceaccounts/<sa>`, with the
 * SCT of its CT log stand-in embedded (`ca.ctLog`, whose key goes in the trusted root).
 * Faults (finite): down, slow, garbage, internal-error, other-identity (a leaf for another SA),
 * no-sct (a leaf without SCT), bad-sct (a leaf whose SCT signature is bent).
 */
export type FulcioFault = 'down' | 'slow' | 'garbage' | 'internal-error' | 'other-identity' | 'no-sct' | 'bad-sct';

export interface FulcioStandInOptions {
  issuers: string[];
  slowMs?: number;
  lifetimeMs?: number;
}

export class FulcioStandIn {
  readonly ca = new FulcioCa();
  readonly requests: Array<{ status: number }> = [];
  readonly #server: Server;
  readonly #o: FulcioStandInOptions;
  readonly #faults: Array<{ kind: FulcioFault; remaining: number }> = [];

  private constructor(server: Server, o: FulcioStandInOptions) {
    this.#server = server;
    this.#o = o;
  }

  static async start(o: FulcioStandInOptions): Promise<FulcioStandIn> {
    const server = createServer();
    const f = new FulcioStandIn(server, o);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void f.#handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return f;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The CT log's key and a name for it (it is not served): what `trustedRoot({ ctlog })` takes. */
  get ctLog(): { url: string; publicKey: KeyObject } {
    return { url: `${this.url}/ct`, publicKey: this.ca.ctLog.publicKey };
  }

  /** Intermediate then root, DER (the trusted root's `certChain` order). */
  get chainDer(): Buffer[] {
    return [this.ca.intermediateDer, this.ca.rootDer];
  }

  injectFaults(kind: FulcioFault, count: number): void {
    this.#faults.push({ kind, remaining: count });
  }

  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Certificates issued so far. */
  get issued(): number {
    return this.requests.filter((r) => r.status === 200).length;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const record = { status: 0 };
    this.requests.push(record);
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const fault = this.#faults.find((f) => f.remaining > 0);
    if (fault) fault.remaining--;
    if (fault?.kind === 'down') return void req.socket.destroy();
    if (fault?.kind === 'slow') await new Promise((r) => setTimeout(r, this.#o.slowMs ?? 2000));
    const send = (status: number, body: unknown): void => {
      record.status = status;
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    if (fault?.kind === 'internal-error') return send(500, { code: 13, message: 'internal error (injected)' });
    if (fault?.kind === 'garbage') return send(200, 'not fulcio');
    if (req.method !== 'POST' || req.url !== '/api/v2/signingCert') return send(404, { code: 5, message: 'not found' });
    let body: { credentials?: { oidcIdentityToken?: string }; publicKeyRequest?: { publicKey?: { algorithm?: string; content?: string }; proofOfPossession?: string } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return send(400, { code: 3, message: 'request is not JSON' });
    }
    let claims;
    try {
      claims = await verifyToken(body.credentials?.oidcIdentityToken ?? '', this.#o.issuers);
    } catch (err) {
      return send(401, { code: 16, message: err instanceof TokenRejected ? `There was an error processing the identity token: ${err.message}` : String(err) });
    }
    let key: KeyObject;
    try {
      key = createPublicKey(body.publicKeyRequest?.publicKey?.content ?? '');
    } catch {
      return send(400, { code: 3, message: 'The public key supplied in the request could not be parsed' });
    }
    const subject = claims.email ?? claims.sub;
    const pop = Buffer.from(body.publicKeyRequest?.proofOfPossession ?? '', 'base64');
    if (!verify('sha256', Buffer.from(subject), key, pop)) return send(400, { code: 3, message: 'The signature supplied in the request could not be verified' });
    const k8s = claims['kubernetes.io'];
    const ns = k8s?.namespace ?? '';
    const sa = fault?.kind === 'other-identity' ? 'someone-else' : (k8s?.serviceaccount?.name ?? '');
    const leaf = this.ca.issue({ publicKey: key, sanUri: `https://kubernetes.io/namespaces/${ns}/serviceaccounts/${sa}`, oidcIssuer: claims.iss,
      sct: fault?.kind === 'no-sct' ? 'omit' : fault?.kind === 'bad-sct' ? 'corrupt' : 'embed', ...(this.#o.lifetimeMs ? { lifetimeMs: this.#o.lifetimeMs } : {}) });
    const certificates = [leaf, this.ca.intermediateDer, this.ca.rootDer].map(FulcioCa.pem);
    send(200, { signedCertificateEmbeddedSct: { chain: { certificates } } });
  }
}
