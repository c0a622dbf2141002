import { createHash } from 'node:crypto';
import { storageError } from '../errors.ts';
import { authorize } from './auth.ts';
import type { RegistryCredentials } from './credentials.ts';
import { DEFAULT_TRANSPORT, httpRequest, type HttpResponse, type TransportOptions } from './transport.ts';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const ACCEPT_MANIFESTS = [OCI_MANIFEST, OCI_INDEX, 'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json'].join(', ');

export interface RegistryClientOptions {
  /** Plain http (`storage.oci.repository.insecure`); otherwise https with normal TLS checks. */
  insecure: boolean;
  credentials?: RegistryCredentials;
  transport?: TransportOptions;
}

export interface FetchedManifest {
  mediaType: string;
  digest: string;
  size: number;
  body: Buffer;
}

export const sha256Digest = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * The registry domain client (distribution spec v2): blobs, manifests, tags, referrers. It
 * turns HTTP failures into coded storage errors; retries stay in the transport below.
 */
export class RegistryClient {
  readonly registry: string;
  readonly #base: string;
  readonly #opts: RegistryClientOptions;
  readonly #transport: TransportOptions;
  readonly #authByRepo = new Map<string, string>();

  constructor(registry: string, opts: RegistryClientOptions) {
    this.registry = registry;
    this.#opts = opts;
    this.#transport = opts.transport ?? DEFAULT_TRANSPORT;
    this.#base = `${opts.insecure ? 'http' : 'https'}://${registry}`;
  }

  async #request(repo: string, method: string, pathOrUrl: string, init: { headers?: Record<string, string>; body?: Buffer } = {}): Promise<HttpResponse> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.#base}${pathOrUrl}`;
    const send = (auth: string | undefined): Promise<HttpResponse> =>
      httpRequest(url, { method, headers: { ...init.headers, ...(auth ? { authorization: auth } : {}) }, body: init.body }, this.#transport);
    let res = await send(this.#authByRepo.get(repo));
    if (res.status === 401) {
      const auth = await authorize(res.headers.get('www-authenticate'), `repository:${repo}:pull,push`, this.#opts.credentials, this.#transport);
      this.#authByRepo.set(repo, auth);
      res = await send(auth);
      if (res.status === 401) throw storageError('REGISTRY_AUTH', `${this.registry}/${repo}: the registry refused the credentials`);
    }
    if (res.status === 403) throw storageError('REGISTRY_AUTH', `${method} ${this.registry}/${repo}: forbidden`);
    return res;
  }

  #rejected(what: string, res: HttpResponse): Error {
    const detail = res.body.toString('utf8').slice(0, 300);
    return storageError('REGISTRY_REJECTED', `${what} on ${this.registry}: HTTP ${res.status} ${detail}`);
  }

  async blobExists(repo: string, digest: string): Promise<boolean> {
    const res = await this.#request(repo, 'HEAD', `/v2/${repo}/blobs/${digest}`);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw this.#rejected(`HEAD blob ${digest}`, res);
  }

  /** Monolithic upload (POST then PUT); skipped when the registry already has the blob. */
  async uploadBlob(repo: string, bytes: Buffer): Promise<string> {
    const digest = sha256Digest(bytes);
    if (await this.blobExists(repo, digest)) return digest;
    const start = await this.#request(repo, 'POST', `/v2/${repo}/blobs/uploads/`);
    const location = start.headers.get('location');
    if (start.status !== 202 || !location) throw this.#rejected(`start blob upload to ${repo}`, start);
    const url = new URL(location, this.#base);
    url.searchParams.set('digest', digest);
    const put = await this.#request(repo, 'PUT', url.toString(), {
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }, body: bytes,
    });
    if (put.status !== 201) throw this.#rejected(`upload blob ${digest} to ${repo}`, put);
    return digest;
  }

  async getBlob(repo: string, digest: string): Promise<Buffer> {
    const res = await this.#request(repo, 'GET', `/v2/${repo}/blobs/${digest}`);
    if (res.status !== 200) throw this.#rejected(`GET blob ${digest}`, res);
    if (sha256Digest(res.body) !== digest) throw storageError('MANIFEST_INVALID', `blob ${digest} in ${repo} does not match its digest`);
    return res.body;
  }

  /** A manifest by tag or digest; undefined when the registry does not have it. */
  async getManifest(repo: string, reference: string): Promise<FetchedManifest | undefined> {
    const res = await this.#request(repo, 'GET', `/v2/${repo}/manifests/${reference}`, { headers: { accept: ACCEPT_MANIFESTS } });
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw this.#rejected(`GET manifest ${repo}:${reference}`, res);
    const digest = sha256Digest(res.body);
    if (reference.startsWith('sha256:') && digest !== reference) {
      throw storageError('MANIFEST_INVALID', `manifest ${repo}@${reference} does not match its digest`);
    }
    const mediaType = (res.headers.get('content-type') ?? OCI_MANIFEST).split(';')[0]?.trim() ?? OCI_MANIFEST;
    return { mediaType, digest, size: res.body.length, body: res.body };
  }

  async putManifest(repo: string, reference: string, body: Buffer, mediaType: string): Promise<string> {
    const res = await this.#request(repo, 'PUT', `/v2/${repo}/manifests/${reference}`, { headers: { 'content-type': mediaType }, body });
    if (res.status !== 201) throw this.#rejected(`PUT manifest ${repo}:${reference}`, res);
    return sha256Digest(body);
  }

  /** The referrers index of a manifest (OCI 1.1); undefined when the registry lacks the API. */
  async referrers(repo: string, digest: string): Promise<Buffer | undefined> {
    const res = await this.#request(repo, 'GET', `/v2/${repo}/referrers/${digest}`, { headers: { accept: OCI_INDEX } });
    if (res.status !== 200 || !(res.headers.get('content-type') ?? '').includes(OCI_INDEX)) return undefined;
    return res.body;
  }
}
