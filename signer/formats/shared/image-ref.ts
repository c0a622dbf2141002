import type { DigestSet } from '../../intoto/statement.ts';

/**
 * OCI references parsed as go-containerregistry's `name` package does (what Chains and cosign
 * use), so subject names are byte-identical to Chains': `docker.io/x` -> `index.docker.io/x`,
 * `ubuntu` -> `index.docker.io/library/ubuntu`, tags dropped, registry ports kept.
 */
export interface ImageRef {
  /** `Repository.Name()`: registry + repository, normalised. */
  repository: string;
  digest?: DigestSet;
}

const DEFAULT_REGISTRY = 'index.docker.io';
const REPOSITORY = /^[a-z0-9_\-./]{1,255}$/;
const TAG = /^[A-Za-z0-9_\-.]{1,128}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;

/** `name.NewDigest`: exactly one '@', a sha256 digest, then a (tagged) repository. */
export function parseImageDigest(value: string): Required<ImageRef> | undefined {
  const parts = value.split('@');
  if (parts.length !== 2 || !SHA256.test(parts[1] ?? '')) return undefined;
  const repository = parseRepository(parts[0] ?? '');
  return repository === undefined ? undefined : { repository, digest: { sha256: (parts[1] ?? '').slice(7) } };
}

/** A reference with or without a digest (kubelet imageIDs, `docker-pullable://` and `oci://` prefixes tolerated). */
export function parseImageRef(value: string): ImageRef | undefined {
  let v = value.trim();
  for (const prefix of ['docker-pullable://', 'docker://', 'oci://']) if (v.startsWith(prefix)) v = v.slice(prefix.length);
  if (v.includes('@')) return parseImageDigest(v);
  const repository = parseRepository(v);
  return repository === undefined ? undefined : { repository };
}

/** `name.NewTag` then `Repository.Name()`; undefined where go-containerregistry returns an error. */
export function parseRepository(value: string): string | undefined {
  let base = value;
  const colon = value.lastIndexOf(':');
  if (colon >= 0 && !value.slice(colon + 1).includes('/')) {
    if (!TAG.test(value.slice(colon + 1))) return undefined;
    base = value.slice(0, colon);
  }
  if (base === '') return undefined;
  const slash = base.indexOf('/');
  const first = slash >= 0 ? base.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first === 'localhost' || /[.:]/.test(first));
  let registry = hasRegistry ? first : DEFAULT_REGISTRY;
  const repo = hasRegistry ? base.slice(slash + 1) : base;
  if (!REPOSITORY.test(repo) || !/^[A-Za-z0-9.\-:[\]]+$/.test(registry)) return undefined;
  if (registry === 'docker.io') registry = DEFAULT_REGISTRY;
  const implicitLibrary = registry === DEFAULT_REGISTRY && !repo.includes('/');
  return `${registry}/${implicitLibrary ? `library/${repo}` : repo}`;
}
