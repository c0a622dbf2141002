import { createHash } from 'node:crypto';

/**
 * An RFC 6962 Merkle tree over the log's leaves (section 2.1): leaf = sha256(0x00 || body),
 * node = sha256(0x01 || left || right). Proofs are the audit path of section 2.1.1, lowest
 * level first, as Trillian (and so Rekor) returns them.
 */
export function leafHash(body: Buffer): Buffer {
  return createHash('sha256').update(Buffer.from([0])).update(body).digest();
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(Buffer.from([1])).update(left).update(right).digest();
}

/** Largest power of two strictly below n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class MerkleTree {
  readonly #leaves: Buffer[] = [];
  /** Hashes of complete power-of-two subtrees never change: cached, so a root costs O(log n). */
  readonly #complete = new Map<string, Buffer>();

  get size(): number {
    return this.#leaves.length;
  }

  /** Appends a leaf hash; returns its index. */
  append(hash: Buffer): number {
    this.#leaves.push(hash);
    return this.#leaves.length - 1;
  }

  /** MTH(D[0:size]): the root of the first `size` leaves. */
  root(size = this.size): Buffer {
    if (size === 0) return createHash('sha256').digest();
    return this.#hash(0, size);
  }

  /** PATH(index, D[0:size]): the inclusion proof of leaf `index` in the tree of `size` leaves. */
  inclusionProof(index: number, size = this.size): Buffer[] {
    if (index < 0 || index >= size || size > this.size) throw new RangeError(`no leaf ${index} in a tree of ${size}`);
    return this.#path(index, 0, size);
  }

  #hash(start: number, end: number): Buffer {
    const n = end - start;
    if (n === 1) return this.#leaves[start] as Buffer;
    const full = (n & (n - 1)) === 0;
    const cached = full ? this.#complete.get(`${start}:${n}`) : undefined;
    if (cached) return cached;
    const k = split(n);
    const h = nodeHash(this.#hash(start, start + k), this.#hash(start + k, end));
    if (full) this.#complete.set(`${start}:${n}`, h);
    return h;
  }

  #path(m: number, start: number, end: number): Buffer[] {
    const n = end - start;
    if (n <= 1) return [];
    const k = split(n);
    if (m < k) return [...this.#path(m, start, start + k), this.#hash(start + k, end)];
    return [...this.#path(m - k, start + k, end), this.#hash(start, start + k)];
  }
}
