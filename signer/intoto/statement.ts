/** in-toto Statement types (v0.1 and v1 share this shape; only `_type` differs). */
export const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';

/** Algorithm name -> lowercase hex digest, e.g. `{ sha256: "ab12..." }`. */
export type DigestSet = Record<string, string>;

export interface Subject {
  name: string;
  digest: DigestSet;
}

export interface Statement<P = unknown> {
  _type: typeof STATEMENT_V01 | typeof STATEMENT_V1;
  subject: Subject[];
  predicateType: string;
  predicate: P;
}
