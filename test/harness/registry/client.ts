import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * Minimal OCI distribution calls for tests (monolithic blob upload, manifest put/get), over
 * node:http(s) so a test CA can be trusted (global fetch cannot take a CA per call).
 */
export interface RegistryClientOptions {
  /** Registry base URL, e.g. `registry.url`. */
  url: string;
  /** Authorization header value (`registry.authorization`). */
  authorization?: string;
  /** CA PEM to trust for https (`registry.caPem`). */
  ca?: string;
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export function send(
  opts: RegistryClientOptions,
  method: string,
  pathOrUrl: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const u = new URL(pathOrUrl, opts.url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const h: Record<string, string> = { ...headers };
  if (opts.authorization) h['authorization'] = opts.authorization;
  if (body) h['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = request(u, { method, headers: h, ca: opts.ca, agent: false, timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error(`${method} ${u.href} timed out`)));
    req.once('error', reject);
    req.end(body);
  });
}

function expect(r: HttpResult, status: number, what: string): void {
  if (r.status !== status) throw new Error(`${what}: HTTP ${r.status} ${r.body.toString('utf8').slice(0, 300)}`);
}

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** Uploads `data` as a blob of `repo` (POST then PUT ?digest=); returns its digest. */
export async function pushBlob(opts: RegistryClientOptions, repo: string, data: Buffer): Promise<string> {
  const digest = sha256Digest(data);
  const start = await send(opts, 'POST', `/v2/${repo}/blobs/uploads/`);
  expect(start, 202, `start upload to ${repo}`);
  const location = new URL(String(start.headers['location']), opts.url);
  location.searchParams.set('digest', digest);
  const put = await send(opts, 'PUT', location.href, data, { 'content-type': 'application/octet-stream' });
  expect(put, 201, `upload blob ${digest}`);
  return digest;
}

export interface PushedManifest {
  digest: string;
  /** The exact bytes stored (manifests are content-addressed by these bytes). */
  bytes: Buffer;
}

/** PUTs a manifest under `reference` (a tag or a digest). */
export async function pushManifest(
  opts: RegistryClientOptions,
  repo: string,
  reference: string,
  manifest: object | Buffer,
  mediaType = 'application/vnd.oci.image.manifest.v1+json',
): Promise<PushedManifest> {
  const bytes = Buffer.isBuffer(manifest) ? manifest : Buffer.from(JSON.stringify(manifest));
  const r = await send(opts, 'PUT', `/v2/${repo}/manifests/${reference}`, bytes, { 'content-type': mediaType });
  expect(r, 201, `put manifest ${repo}:${reference}`);
  return { digest: String(r.headers['docker-content-digest'] ?? sha256Digest(bytes)), bytes };
}

/** GETs a manifest; null when the registry answers 404. */
export async function getManifest(
  opts: RegistryClientOptions,
  repo: string,
  reference: string,
  accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json',
): Promise<{ bytes: Buffer; mediaType: string; digest: string } | null> {
  const r = await send(opts, 'GET', `/v2/${repo}/manifests/${reference}`, undefined, { accept });
  if (r.status === 404) return null;
  expect(r, 200, `get manifest ${repo}:${reference}`);
  return { bytes: r.body, mediaType: String(r.headers['content-type']), digest: String(r.headers['docker-content-digest']) };
}

/** GETs a blob; null when the registry answers 404. */
export async function getBlob(opts: RegistryClientOptions, repo: string, digest: string): Promise<Buffer | null> {
  const r = await send(opts, 'GET', `/v2/${repo}/blobs/${digest}`);
  if (r.status === 404) return null;
  expect(r, 200, `get blob ${digest}`);
  return r.body;
}
