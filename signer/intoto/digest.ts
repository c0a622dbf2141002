import type { DigestSet } from './statement.ts';
import { statementError } from './errors.ts';

/**
 * Hex length of each digest algorithm named by the in-toto DigestSet spec. Values must be
 * lowercase hex of exactly this length (cosign and policy engines compare strings).
 */
export const DIGEST_HEX_LENGTHS: Readonly<Record<string, number>> = {
  md5: 32,
  sha1: 40,
  ripemd160: 40,
  sha224: 56,
  sha512_224: 56,
  sha3_224: 56,
  sha256: 64,
  sha512_256: 64,
  sha3_256: 64,
  blake2s: 64,
  sm3: 64,
  gost: 64,
  sha384: 96,
  sha3_384: 96,
  sha512: 128,
  sha3_512: 128,
  blake2b: 128,
  // git object ids: sha1 (40) today, sha256 (64) for sha256 repositories.
  gitCommit: 40,
  gitTree: 40,
  gitBlob: 40,
  gitTag: 40,
};

const GIT_SHA256 = new Set(['gitCommit', 'gitTree', 'gitBlob', 'gitTag']);
const LOWER_HEX = /^[0-9a-f]+$/;
const ALGORITHM_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks a DigestSet: at least one entry, lowercase hex values of the algorithm's length.
 * Algorithms outside the table (the spec allows custom ones) need lowercase hex of even length.
 */
export function validateDigestSet(digest: unknown, where: string): DigestSet {
  if (digest === null || typeof digest !== 'object' || Array.isArray(digest)) {
    throw statementError('BAD_DIGEST', `${where} is not an object of algorithm -> hex digest`);
  }
  const entries = Object.entries(digest as Record<string, unknown>);
  if (entries.length === 0) throw statementError('BAD_DIGEST', `${where} has no digest`);
  for (const [alg, value] of entries) checkDigest(alg, value, `${where}.${alg}`);
  return digest as DigestSet;
}

function checkDigest(alg: string, value: unknown, where: string): void {
  if (!ALGORITHM_NAME.test(alg))
    throw statementError('BAD_DIGEST', `${where}: "${alg}" is not an algorithm name`);
  if (typeof value !== 'string' || !LOWER_HEX.test(value)) {
    throw statementError('BAD_DIGEST', `${where} must be lowercase hex`);
  }
  const expected = Object.hasOwn(DIGEST_HEX_LENGTHS, alg) ? DIGEST_HEX_LENGTHS[alg] : undefined;
  if (expected === undefined) {
    if (value.length % 2 !== 0)
      throw statementError('BAD_DIGEST', `${where} has an odd number of hex digits`);
    return;
  }
  if (value.length === expected || (GIT_SHA256.has(alg) && value.length === 64)) return;
  throw statementError('BAD_DIGEST', `${where} must be ${expected} hex characters, got ${value.length}`);
}
