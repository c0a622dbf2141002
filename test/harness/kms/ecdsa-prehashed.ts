import { createHmac, type KeyObject } from 'node:crypto';

/**
 * ECDSA over a digest the caller already computed (what KMS does with MessageType DIGEST).
 * node:crypto always hashes its input for EC keys, so the stand-in does the curve arithmetic
 * itself with BigInt. Test code only: correct, not constant-time. Nonces follow RFC 6979
 * (deterministic, HMAC-SHA-256), so no randomness can go wrong. Output is ASN.1 DER, as KMS returns.
 */

interface Curve {
  p: bigint;
  n: bigint;
  a: bigint; // always p - 3 for the NIST curves
  gx: bigint;
  gy: bigint;
  bytes: number;
}

const CURVES: Record<string, Curve> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    bytes: 32,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    bytes: 48,
  },
};

type Jacobian = [bigint, bigint, bigint]; // (X, Y, Z); Z = 0 is the point at infinity

const mod = (x: bigint, m: bigint): bigint => ((x % m) + m) % m;

function modInverse(x: bigint, m: bigint): bigint {
  let [a, b, u, v] = [mod(x, m), m, 1n, 0n];
  while (a !== 0n) {
    const q = b / a;
    [a, b] = [b - q * a, a];
    [u, v] = [v - q * u, u];
  }
  return mod(v, m);
}

function double(c: Curve, [x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return [0n, 1n, 0n];
  const { p } = c;
  const yy = mod(y * y, p);
  const s = mod(4n * x * yy, p);
  const zz = mod(z * z, p);
  const m = mod(3n * x * x + c.a * zz * zz, p);
  const x3 = mod(m * m - 2n * s, p);
  const y3 = mod(m * (s - x3) - 8n * yy * yy, p);
  return [x3, y3, mod(2n * y * z, p)];
}

function add(c: Curve, P: Jacobian, Q: Jacobian): Jacobian {
  if (P[2] === 0n) return Q;
  if (Q[2] === 0n) return P;
  const { p } = c;
  const [x1, y1, z1] = P;
  const [x2, y2, z2] = Q;
  const z1z1 = mod(z1 * z1, p);
  const z2z2 = mod(z2 * z2, p);
  const u1 = mod(x1 * z2z2, p);
  const u2 = mod(x2 * z1z1, p);
  const s1 = mod(y1 * z2 * z2z2, p);
  const s2 = mod(y2 * z1 * z1z1, p);
  if (u1 === u2) return s1 === s2 ? double(c, P) : [0n, 1n, 0n];
  const h = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  const hh = mod(h * h, p);
  const hhh = mod(h * hh, p);
  const v = mod(u1 * hh, p);
  const x3 = mod(r * r - hhh - 2n * v, p);
  const y3 = mod(r * (v - x3) - s1 * hhh, p);
  return [x3, y3, mod(z1 * z2 * h, p)];
}

function multiplyG(c: Curve, k: bigint): bigint {
  let result: Jacobian = [0n, 1n, 0n];
  let addend: Jacobian = [c.gx, c.gy, 1n];
  for (let e = k; e > 0n; e >>= 1n) {
    if (e & 1n) result = add(c, result, addend);
    addend = double(c, addend);
  }
  const zInv = modInverse(result[2], c.p);
  return mod(result[0] * zInv * zInv, c.p); // affine x is all ECDSA needs
}

const toInt = (b: Buffer): bigint => (b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`));
const toBytes = (x: bigint, len: number): Buffer => Buffer.from(x.toString(16).padStart(len * 2, '0'), 'hex');

/** Leftmost bits of the digest as an integer (SEC 1 4.1.3 step 5). */
function digestToInt(c: Curve, digest: Buffer): bigint {
  const z = toInt(digest);
  const excess = digest.length * 8 - c.bytes * 8;
  return excess > 0 ? z >> BigInt(excess) : z;
}

/** RFC 6979 section 3.2 nonce generator, HMAC-SHA-256. */
function* rfc6979Nonces(c: Curve, d: bigint, h1: Buffer): Generator<bigint> {
  const x = toBytes(d, c.bytes);
  const hx = toBytes(mod(digestToInt(c, h1), c.n), c.bytes);
  let v: Buffer = Buffer.alloc(32, 1);
  let k: Buffer = Buffer.alloc(32, 0);
  const hmac = (key: Buffer, ...parts: Buffer[]): Buffer => createHmac('sha256', key).update(Buffer.concat(parts)).digest();
  k = hmac(k, v, Buffer.from([0]), x, hx);
  v = hmac(k, v);
  k = hmac(k, v, Buffer.from([1]), x, hx);
  v = hmac(k, v);
  for (let attempt = 0; attempt < 100; attempt++) {
    let t: Buffer = Buffer.alloc(0);
    while (t.length < c.bytes) {
      v = hmac(k, v);
      t = Buffer.concat([t, v]);
    }
    const candidate = toInt(t.subarray(0, c.bytes));
    if (candidate >= 1n && candidate < c.n) yield candidate;
    k = hmac(k, v, Buffer.from([0]));
    v = hmac(k, v);
  }
}

function derInteger(x: bigint): Buffer {
  let body = Buffer.from(x.toString(16).padStart(2 * Math.ceil(x.toString(16).length / 2), '0'), 'hex');
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return Buffer.concat([Buffer.from([0x02, body.length]), body]);
}

/** Signs a precomputed digest with an EC private key (P-256 or P-384); returns DER (r, s). */
export function signDigestEcdsa(privateKey: KeyObject, digest: Buffer): Buffer {
  const jwk = privateKey.export({ format: 'jwk' });
  const curve = CURVES[jwk.crv ?? ''];
  if (!curve || jwk.d === undefined) throw new Error(`stand-in cannot sign with curve ${jwk.crv ?? 'unknown'}`);
  const d = toInt(Buffer.from(jwk.d, 'base64url'));
  const z = digestToInt(curve, digest);
  for (const k of rfc6979Nonces(curve, d, digest)) {
    const r = mod(multiplyG(curve, k), curve.n);
    if (r === 0n) continue;
    const s = mod(modInverse(k, curve.n) * (z + r * d), curve.n);
    if (s === 0n) continue;
    const body = Buffer.concat([derInteger(r), derInteger(s)]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  }
  throw new Error('no valid ECDSA nonce found'); // unreachable in practice (probability ~2^-256)
}
