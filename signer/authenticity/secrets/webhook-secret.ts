import { createSecretKey, type KeyObject } from 'node:crypto';

/**
 * One resolved webhook secret: its bytes (GitLab's token comparison) and its HMAC key
 * (GitHub, Bitbucket). The key is imported once here because `createHmac(algo, buffer)`
 * re-imports a raw Buffer key on every call (~10 µs, more than the HMAC of a 2 KiB body).
 * Resolvers hand out one instance per cached value, so a rotated secret is a new instance
 * with its own key and an expired one is dropped with its cache entry.
 *
 * The value lives in private fields: logging or JSON-serialising an instance shows nothing.
 */
export class WebhookSecret {
  readonly #bytes: Buffer;
  readonly #hmacKey: KeyObject;

  constructor(value: Buffer | string) {
    // A private copy: the HMAC key is made from these bytes now, so later changes to the
    // caller's Buffer could otherwise make the two views of the secret disagree.
    this.#bytes = Buffer.from(value);
    this.#hmacKey = createSecretKey(this.#bytes);
  }

  get length(): number {
    return this.#bytes.length;
  }

  /** The raw secret (a copy: the instance's own bytes stay in step with its HMAC key). */
  bytes(): Buffer {
    return Buffer.from(this.#bytes);
  }

  /** The secret as an HMAC key for `createHmac`, same result as passing its bytes. */
  hmacKey(): KeyObject {
    return this.#hmacKey;
  }

  toJSON(): string {
    return '[WebhookSecret]';
  }
}
