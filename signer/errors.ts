/**
 * One error shape for the whole project: a stable string `code` that tests and callers
 * branch on, a human message that names what is wrong, and the underlying `cause`.
 * Each concern declares its own code union (e.g. `KeyErrorCode`) and uses this class.
 */
export class ProvenanceError<C extends string = string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProvenanceError';
    this.code = code;
  }
}

/** True when `err` is a ProvenanceError carrying `code` (or any code when omitted). */
export function isProvenanceError<C extends string>(err: unknown, code?: C): err is ProvenanceError<C> {
  return err instanceof ProvenanceError && (code === undefined || err.code === code);
}
