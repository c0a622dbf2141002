
/** A namespace's labels (for the enforce label and policies' namespaceSelector). */
export interface NamespaceLabels {
  labels(namespace: string): Promise<Record<string, string> | undefined>;
}

/** Fixed labels: dry-run (`--namespace-label`) and tests. */
export class StaticNamespaceLabels implements NamespaceLabels {
  readonly #labels: Record<string, Record<string, string>>;
  readonly #fallback: Record<string, string> | undefined;

  constructor(labels: Record<string, Record<string, string>>, fallback?: Record<string, string>) {
    this.#labels = labels;
    this.#fallback = fallback;
  }

  async labels(namespace: string): Promise<Record<string, string> | undefined> {
    return this.#labels[namespace] ?? this.#fallback;
  }
}
