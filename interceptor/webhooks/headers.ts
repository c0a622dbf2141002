/**
 * Case-insensitive view of the EventListener's forwarded headers (Go canonicalises names,
 * e.g. `X-Github-Event`, so exact-case lookups would miss).
 */
export class HeaderView {
  readonly #byLowerName = new Map<string, string[]>();

  constructor(header: Record<string, string[]>) {
    for (const [name, values] of Object.entries(header)) {
      const key = name.toLowerCase();
      this.#byLowerName.set(key, [...(this.#byLowerName.get(key) ?? []), ...values]);
    }
  }

  /** The first value of a header, or undefined when absent or empty. */
  first(name: string): string | undefined {
    const value = this.#byLowerName.get(name.toLowerCase())?.[0];
    return value === undefined || value === '' ? undefined : value;
  }
}
