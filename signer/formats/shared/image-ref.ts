import type { DigestSet } from '../../intoto/statement.ts';
import { parseDigest } from './digest.ts';

/**
 * An OCI image reference split into repository (no tag, no digest) and optional digest.
 * The repository is normalised as go-containerregistry's `Context().Name()` does (what Chains
 * and cosign use): Docker Hub short names gain `index.docker.io/` and `library/`.
 */
export interface ImageRef {
  repository: string;
  digest?: DigestSet;
}

export function parseImageRef(value: string): ImageRef | undefined {
  let v = value.trim();
  if (v === '') return undefined;
  for (const prefix of ['docker-pullable://', 'docker://', 'oci://']) if (v.startsWith(prefix)) v = v.slice(prefix.length);
  let digest: DigestSet | undefined;
  const at = v.indexOf('@');
  if (at >= 0) {
    digest = parseDigest(v.slice(at + 1));
    if (digest === undefined) return undefined;
    v = v.slice(0, at);
  }
  // A tag is a ':' after the last '/', so a registry port (host:5000/x) is kept.
  const slash = v.lastIndexOf('/');
  const colon = v.lastIndexOf(':');
  if (colon > slash) v = v.slice(0, colon);
  if (!/^[a-z0-9][a-z0-9._:/-]*$/i.test(v)) return undefined;
  const ref: ImageRef = { repository: normaliseRepository(v) };
  if (digest) ref.digest = digest;
  return ref;
}

function normaliseRepository(repo: string): string {
  const parts = repo.split('/');
  const first = parts[0] ?? '';
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return repo;
  const path = parts.length === 1 ? `library/${repo}` : repo;
  return `index.docker.io/${path}`;
}
