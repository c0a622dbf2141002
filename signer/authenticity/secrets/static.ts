import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { authFailure } from '../errors.ts';
import type { SecretRef } from '../proof.ts';
import type { SecretResolver } from './resolver.ts';
import { WebhookSecret } from './webhook-secret.ts';

/**
 * No-cluster secrets (for `tkn-provenance serve`): a map `"<secretName>/<secretKey>"` ->
 * value, shared by every namespace. Values are kept as WebhookSecrets (one HMAC key each) and
 * never printed.
 */
export class StaticSecretResolver implements SecretResolver {
  readonly #values: Map<string, WebhookSecret>;

  constructor(values: Record<string, string | Buffer>) {
    this.#values = new Map(Object.entries(values).map(([k, v]) => [k, new WebhookSecret(v)]));
  }

  async resolve(_namespace: string, ref: SecretRef): Promise<WebhookSecret> {
    const value = this.#values.get(`${ref.secretName}/${ref.secretKey}`);
    if (value === undefined) {
      throw authFailure('SECRET_NOT_FOUND', `no static webhook secret ${ref.secretName}/${ref.secretKey}`);
    }
    return value;
  }
}

/**
 * Secrets as a mounted-Secret-like directory: `<dir>/<secretName>/<secretKey>` files. Names
 * are validated by the params parser (no `/` or `..`), so lookups stay inside `dir`.
 */
export class DirectorySecretResolver implements SecretResolver {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
  }

  async resolve(_namespace: string, ref: SecretRef): Promise<WebhookSecret> {
    if (ref.secretName.includes('..') || ref.secretKey.includes('..')) {
      throw authFailure('SECRET_NOT_FOUND', `invalid secret reference ${ref.secretName}/${ref.secretKey}`);
    }
    try {
      return new WebhookSecret(await readFile(join(this.#dir, ref.secretName, ref.secretKey)));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw authFailure('SECRET_NOT_FOUND', `no webhook secret file ${ref.secretName}/${ref.secretKey}`);
      }
      throw authFailure('SECRET_LOOKUP_FAILED', `cannot read webhook secret ${ref.secretName}/${ref.secretKey}`, err);
    }
  }
}
