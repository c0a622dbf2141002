/**
 * Bearer tokens -> who is calling. The admin token (the default kubeconfig) is in
 * `system:masters` and bypasses RBAC, as cluster-admin certs do; tokens minted for a
 * ServiceAccount or user are authorized by the RBAC objects stored in the server.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Identity {
  user: string;
  groups: string[];
  /** Member of system:masters: every request is allowed. */
  admin: boolean;
}

/** Whom to mint a token for: a ServiceAccount ("ns/name") or a user with groups. */
export type Subject = { serviceAccount: string } | { user: string; groups?: string[] };

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export class Identities {
  readonly #byDigest = new Map<string, { digest: Buffer; identity: Identity }>();

  add(token: string, identity: Identity): void {
    const d = digest(token);
    this.#byDigest.set(d.toString('hex'), { digest: d, identity });
  }

  /** A fresh random token for `subject`. */
  mint(subject: Subject): { token: string; identity: Identity } {
    const token = randomBytes(24).toString('base64url');
    const identity = identityFor(subject);
    this.add(token, identity);
    return { token, identity };
  }

  /** The identity for an Authorization header, or undefined (401). */
  authenticate(header: string | undefined): Identity | undefined {
    const given = header !== undefined && header.startsWith('Bearer ') ? header.slice(7) : '';
    const d = digest(given);
    const entry = this.#byDigest.get(d.toString('hex'));
    // Lookup is by SHA-256 digest; the final compare is constant-time on equal-length digests.
    return entry !== undefined && timingSafeEqual(entry.digest, d) ? entry.identity : undefined;
  }
}

export function identityFor(subject: Subject): Identity {
  if ('serviceAccount' in subject) {
    const [namespace = '', name = ''] = subject.serviceAccount.split('/');
    if (namespace === '' || name === '')
      throw new Error(`serviceAccount must be "namespace/name", got "${subject.serviceAccount}"`);
    return {
      user: `system:serviceaccount:${namespace}:${name}`,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
      admin: false,
    };
  }
  const groups = [...(subject.groups ?? []), 'system:authenticated'];
  return { user: subject.user, groups, admin: groups.includes('system:masters') };
}
