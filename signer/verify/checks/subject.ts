import { fail, pass, type CheckResult } from '../check.ts';
import type { RunView } from '../run-view.ts';

/**
 * The image being admitted must be a subject of the attestation. Matching the digest (and
 * the repository when known) is what stops an old attestation being replayed for a new image.
 */
export function checkSubject(run: RunView, image: { repository?: string; digest: string }): CheckResult {
  const [alg, hex] = image.digest.split(':') as [string, string];
  const byDigest = run.subjects.filter((s) => s.digest[alg] === hex);
  if (byDigest.length === 0) {
    const known = run.subjects.map((s) => `${s.name}@${Object.entries(s.digest).map(([a, h]) => `${a}:${h}`).join(',')}`);
    return fail('subject', `image ${image.digest} is not a subject of the attestation (subjects: ${known.join('; ') || 'none'})`);
  }
  if (image.repository && !byDigest.some((s) => sameRepository(s.name, image.repository as string))) {
    return fail('subject', `digest ${image.digest} is a subject, but for ${byDigest.map((s) => s.name).join(', ')}, not ${image.repository}`);
  }
  return pass('subject', `image ${image.repository ? `${image.repository}@` : ''}${image.digest} is a subject`);
}

/** Docker Hub short names and explicit index.docker.io names are the same repository. */
function sameRepository(a: string, b: string): boolean {
  const norm = (r: string) => r.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
  return norm(a) === norm(b);
}
