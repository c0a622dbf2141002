import { X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import { connect, type ConnectionOptions } from 'node:tls';

/** POSTs JSON over HTTPS trusting ONLY `ca` (a fresh connection each time: no agent). */
export function postHttps(url: string, ca: string, body: string, servername?: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const opts = { method: 'POST', ca, agent: false, headers: { 'content-type': 'application/json' }, ...(servername ? { servername } : {}) };
    const req = request(url, opts, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Handshakes and returns the server's certificate (PEM), or the handshake error. */
export function peerCertificate(port: number, opts: ConnectionOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ...opts }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      resolve(new X509Certificate(raw).toString());
    });
    socket.on('error', reject);
  });
}
