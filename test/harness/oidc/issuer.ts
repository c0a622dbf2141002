import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An OIDC issuer stand-in minting Kubernetes ServiceAccount-style tokens (ES256, `iss` = its
 * URL, `sub` = `system:serviceaccount:<ns>:<sa>`, `kubernetes.io` claims) from its own key,
 * with discovery (`/.well-known/openid-configuration`) and JWKS as the API server serves them.
 */
export interface MintOptions {
  namespace: string;
  serviceAccount: string;
  audience?: string | string[];
  /** Seconds from now; negative for an already expired token. */
  ttlSeconds?: number;
  /** Sign with a key the JWKS does not publish. */
  foreignKey?: boolean;
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

export class OidcIssuerStandIn {
  readonly #server: Server;
  readonly #key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  readonly #foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  readonly kid = randomUUID();
  /** Discovery and JWKS requests served (Fulcio fetches them). */
  requests = 0;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<OidcIssuerStandIn> {
    const server = createServer();
    const issuer = new OidcIssuerStandIn(server);
    server.on('request', (req, res) => {
      issuer.requests++;
      const send = (body: unknown) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
      if (req.url === '/.well-known/openid-configuration') return send({ issuer: issuer.url, jwks_uri: `${issuer.url}/openid/v1/jwks`, id_token_signing_alg_values_supported: ['ES256'] });
      if (req.url === '/openid/v1/jwks') return send({ keys: [{ ...issuer.#key.publicKey.export({ format: 'jwk' }), kid: issuer.kid, alg: 'ES256', use: 'sig' }] });
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return issuer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  get publicKey(): KeyObject {
    return this.#key.publicKey;
  }

  /** A projected ServiceAccount token as the kubelet writes it to the token file. */
  mint(o: MintOptions): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'ES256', kid: this.kid, typ: 'JWT' };
    const claims = {
      aud: o.audience ?? ['sigstore'], exp: now + (o.ttlSeconds ?? 600), iat: now, nbf: now, iss: this.url,
      sub: `system:serviceaccount:${o.namespace}:${o.serviceAccount}`,
      'kubernetes.io': { namespace: o.namespace, serviceaccount: { name: o.serviceAccount, uid: randomUUID() } },
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const key = o.foreignKey ? this.#foreign.privateKey : this.#key.privateKey;
    return `${input}.${b64url(sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }))}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
