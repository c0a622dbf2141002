import { ProvenanceError } from './errors.ts';

/**
 * The one plugin mechanism of the project: a typed registry keyed by the config value
 * (key source schemes, attestation formats, storage backends, event stores, webhook
 * providers). Unknown names are errors that list what is known.
 */
export class Registry<T> {
  readonly #family: string;
  readonly #entries = new Map<string, T>();

  constructor(family: string) {
    this.#family = family;
  }

  register(name: string, entry: T): this {
    if (this.#entries.has(name)) throw new Error(`${this.#family} "${name}" is registered twice`);
    this.#entries.set(name, entry);
    return this;
  }

  get(name: string): T {
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      throw new ProvenanceError(
        'UNKNOWN_PLUGIN',
        `unknown ${this.#family} "${name}" (known: ${this.names().join(', ') || 'none'})`,
      );
    }
    return entry;
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  names(): string[] {
    return [...this.#entries.keys()].sort();
  }
}
