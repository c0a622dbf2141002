// Signing core vs raw node:crypto, per key type, in the same run: signEnvelope / verifyEnvelope
// (PAE, base64, keyid hints, strict decoding) against crypto.sign / crypto.verify over the same
// PAE bytes. Target: the signing core within 20% of raw (ratio >= 0.80). Bounded by time.
import { generateKeyPairSync, sign as rawSign, verify as rawVerify, type KeyObject } from 'node:crypto';
import { signEnvelope } from '../signer/dsse/sign.ts';
import { verifyEnvelope } from '../signer/dsse/verify.ts';
import { pae } from '../signer/dsse/pae.ts';
import { LocalSigner, PublicKeyVerifier, digestOf } from '../signer/keys/local.ts';

const ROUNDS = 15; // alternate ours/raw in short rounds so machine load hits both alike
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 80);
const MAX_OPS_PER_ROUND = 100_000;
const TYPE = 'application/vnd.in-toto+json';
// A realistic small statement (about 1.5 KiB), as the interceptor signs per event.
const payload = Buffer.from(
  JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'registry.example.com/app', digest: { sha256: 'ab'.repeat(32) } }],
    predicateType: 'https://tekton-provenance.dev/event/v1',
    predicate: { provider: 'github', event: 'push', body: 'x'.repeat(1200) },
  }),
);

/**
 * ops per CPU-second of `fn` over a time-boxed round (also bounded by an op count). CPU time
 * (process.cpuUsage), not wall time: other processes on a shared machine then slow neither side.
 */
async function rate(fn: () => unknown | Promise<unknown>): Promise<number> {
  const deadline = process.hrtime.bigint() + BigInt(ROUND_MS) * 1_000_000n;
  const cpu = process.cpuUsage();
  let ops = 0;
  while (ops < MAX_OPS_PER_ROUND) {
    await fn();
    ops++;
    if ((ops & 7) === 0 && process.hrtime.bigint() >= deadline) break;
  }
  const used = process.cpuUsage(cpu);
  return ops / ((used.user + used.system) / 1e6);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function compare(ours: () => unknown, raw: () => unknown): Promise<{ ours: number; raw: number }> {
  for (let i = 0; i < 50; i++) {
    await ours(); // warm-up (JIT, OpenSSL caches)
    await raw();
  }
  const o: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    o.push(await rate(ours));
    r.push(await rate(raw));
  }
  return { ours: median(o), raw: median(r) };
}

const keys: [string, KeyObject][] = [
  ['ECDSA P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey],
  ['Ed25519', generateKeyPairSync('ed25519').privateKey],
  ['RSA-3072', generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey],
];

const rows: string[][] = [];
let allWithin = true;
for (const [name, privateKey] of keys) {
  const signer = new LocalSigner(privateKey);
  const verifier = new PublicKeyVerifier(signer.publicKey);
  const digest = digestOf(signer.algorithm);
  const message = pae(TYPE, payload);
  const env = await signEnvelope(TYPE, payload, [signer]);
  const sig = Buffer.from(env.signatures[0]!.sig, 'base64');
  const s = await compare(
    () => signEnvelope(TYPE, payload, [signer]),
    () => rawSign(digest, message, privateKey),
  );
  const v = await compare(
    () => verifyEnvelope(env, [verifier]),
    () => rawVerify(digest, message, signer.publicKey, sig),
  );
  for (const [op, m] of [
    ['sign', s],
    ['verify', v],
  ] as const) {
    const ratio = m.ours / m.raw;
    allWithin &&= ratio >= 0.8;
    rows.push([name, op, m.ours.toFixed(0), m.raw.toFixed(0), ratio.toFixed(2), ratio >= 0.8 ? 'yes' : 'NO']);
  }
}

const header = ['key', 'op', 'ours ops/cpu-s', 'raw ops/cpu-s', 'ours/raw', 'within 20%'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]): string =>
  cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(
  `signing core vs raw node:crypto (payload ${payload.length} bytes, ${ROUNDS} alternating rounds of ${ROUND_MS} ms, median, per CPU-second of this process)`,
);
console.log(line(header));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
console.log(
  allWithin ? 'all within 20% of raw crypto' : 'some rates are more than 20% below raw crypto (see NO rows)',
);
