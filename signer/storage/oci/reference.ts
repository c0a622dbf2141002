import { storageError } from '../errors.ts';

/** A repository in a registry: `registry` is the host[:port] the client talks to. */
export interface RepositoryRef {
  registry: string;
  repository: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Parses an image name as Chains/cosign users write it (`reg:5000/team/app`, `app:tag`,
 * `app@sha256:...`), dropping tag and digest. The first component is a registry when it has
 * a dot or a port or is localhost, as in the Docker reference grammar; otherwise Docker Hub.
 */
export function parseRepository(name: string): RepositoryRef {
  let rest = name.trim().replace(/^oci:\/\//, '');
  const at = rest.indexOf('@');
  if (at >= 0) rest = rest.slice(0, at);
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  let registry = 'index.docker.io';
  if (slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(first)) throw storageError('BAD_IMAGE_REFERENCE', `"${name}" does not start with a registry host[:port]`);
    registry = first;
    rest = rest.slice(slash + 1);
  } else if (!rest.includes('/')) {
    rest = `library/${rest}`;
  }
  const colon = rest.lastIndexOf(':');
  if (colon >= 0) rest = rest.slice(0, colon); // a tag: the subject is the repository
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(rest)) {
    throw storageError('BAD_IMAGE_REFERENCE', `"${name}" is not a valid image repository name`);
  }
  return { registry, repository: rest };
}

export function checkDigest(digest: string): string {
  if (!DIGEST.test(digest)) throw storageError('BAD_IMAGE_REFERENCE', `"${digest}" is not a sha256 digest`);
  return digest;
}

/** cosign's tag for attestations of an image: `sha256-<hex>.att`. */
export function attestationTag(imageDigest: string): string {
  return `${checkDigest(imageDigest).replace(':', '-')}.att`;
}

/** The OCI referrers-tag-schema fallback tag: `sha256-<hex>`. */
export function referrersFallbackTag(imageDigest: string): string {
  return checkDigest(imageDigest).replace(':', '-');
}

export function formatRepository(ref: RepositoryRef): string {
  return `${ref.registry}/${ref.repository}`;
}
