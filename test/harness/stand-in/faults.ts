/**
 * A stand-in's fault script (KMS, Rekor): the next `count` requests that match get a fault.
 * Every rule is a finite count, so nothing loops; the first rule with uses left wins.
 */
export class FaultScript<Kind extends string, Match extends string = string> {
  readonly #rules: { kind: Kind; remaining: number; match: Match | undefined }[] = [];

  /** The next `count` requests matching `match` (an operation, a method; any when omitted) get `kind`. */
  inject(kind: Kind, count: number, match?: Match): void {
    this.#rules.push({ kind, remaining: count, match });
  }

  /** Drops any faults not yet used. */
  clear(): void {
    this.#rules.length = 0;
  }

  /** The fault for a request matching `key`, using up one of its count; undefined when none applies. */
  take(key: string): Kind | undefined {
    const rule = this.#rules.find((r) => r.remaining > 0 && (r.match === undefined || r.match === key));
    if (rule === undefined) return undefined;
    rule.remaining--;
    return rule.kind;
  }
}
