import type { DigestSet } from '../../intoto/statement.ts';

/** Hex lengths of the digest algorithms subjects and materials may carry. */
const HEX_LENGTH: Record<string, number> = { sha1: 40, sha256: 64, sha384: 96, sha512: 128 };

/**
 * Parses `alg:hex` (whitespace trimmed, hex lowercased). Undefined when the algorithm is
 * unknown or the hex has the wrong length or characters: such values are not digests.
 */
export function parseDigest(value: string): DigestSet | undefined {
  const v = value.trim();
  const colon = v.indexOf(':');
  if (colon <= 0) return undefined;
  const alg = v.slice(0, colon).toLowerCase();
  const hex = v.slice(colon + 1).toLowerCase();
  const len = HEX_LENGTH[alg];
  if (len === undefined || hex.length !== len || !/^[0-9a-f]+$/.test(hex)) return undefined;
  return { [alg]: hex };
}

/** A digest set as `alg:hex` for the first algorithm (stable: algorithms sorted). */
export function digestString(d: DigestSet): string {
  const alg = Object.keys(d).sort()[0] ?? '';
  return `${alg}:${d[alg] ?? ''}`;
}
