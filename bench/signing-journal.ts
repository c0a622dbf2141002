// The cost of signing once (the signing journal, docs/transparency.md "Retries: signed once,
// logged once"): the controller's sign step per attestation with the journal in memory and in
// SQLite (WAL, synchronous=FULL: two fsync'd writes, before and after the upload, and the
// delete when the run is marked) against the step without a journal (build + sign), and a
// retry's replay (lookup + parse, no signature) against signing. Medians of 3 rounds.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAttestations, signBuilt } from '../signer/attest/attest-run.ts';
import type { ReconcileDeps } from '../signer/controller/deps.ts';
import type { SigningJournal } from '../signer/controller/journal/journal.ts';
import { MemorySigningJournal } from '../signer/controller/journal/memory.ts';
import { SqliteSigningJournal } from '../signer/controller/journal/sqlite.ts';
import { journalLogged, signOnce } from '../signer/controller/sign-once.ts';
import type { LoggedEntry } from '../signer/transparency/entry.ts';
import { newSigner, signedEvent, simpleBuild } from '../test/signer/verify/chain-fixture.ts';

const N = 300;
const ROUNDS = 3;
const signer = newSigner();
const record = await signedEvent(signer);
const run = simpleBuild(record);
const build = () => buildAttestations(run, { formats: ['in-toto'], event: { state: 'found', record }, now: () => new Date('2026-11-28T23:05:00Z') });
const TLOG: LoggedEntry = { url: 'http://127.0.0.1', uuid: 'u', entry: { logIndex: '1', logId: { keyId: 'AA==' }, kindVersion: { kind: 'dsse', version: '0.0.1' }, integratedTime: '1', canonicalizedBody: 'e30=' } };
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const deps = (journal: SigningJournal) => ({ journal, signer: () => signer, keyless: () => undefined }) as unknown as ReconcileDeps;
const identity = async () => ({ signer });

async function rate(fn: (i: number) => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await fn(i);
  return N / (Number(process.hrtime.bigint() - t0) / 1e9);
}

// One run = sign (journaled) -> entry journaled -> marked (forgotten), as a first attempt does.
const firstAttempt = (d: ReconcileDeps, round: number) => async (i: number) => {
  const ref = { apiVersion: 'tekton.dev/v1', namespace: 'ci', name: 'r', uid: `r${round}-${i}` };
  const [a] = await signOnce(d, ref, build(), identity);
  a!.tlog = TLOG;
  await journalLogged(d, [a!]);
  await d.journal.forget(ref.uid);
};

const dir = mkdtempSync(join(tmpdir(), 'journal-bench-'));
const sqlite = new SqliteSigningJournal(join(dir, 'attestation-journal.db'));
const memory = new MemorySigningJournal();
const results = { none: [] as number[], memory: [] as number[], sqlite: [] as number[], replay: [] as number[] };
console.log(`signing journal bench: Node ${process.version}; SQLite file in ${tmpdir()}`);
await rate(async () => signBuilt(build()[0]!, signer)); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  results.none.push(await rate(async () => signBuilt(build()[0]!, signer)));
  results.memory.push(await rate(firstAttempt(deps(memory), r)));
  results.sqlite.push(await rate(firstAttempt(deps(sqlite), r)));
  // A retry: the same run and payload, journaled and logged: replayed.
  const ref = { apiVersion: 'tekton.dev/v1', namespace: 'ci', name: 'r', uid: `retry-${r}` };
  const [a] = await signOnce(deps(sqlite), ref, build(), identity);
  a!.tlog = TLOG;
  await journalLogged(deps(sqlite), [a!]);
  results.replay.push(await rate(async () => signOnce(deps(sqlite), ref, build(), identity)));
}
sqlite.close();
rmSync(dir, { recursive: true, force: true });
const line = (label: string, xs: number[]) => console.log(`  ${label.padEnd(52)} ${median(xs).toFixed(0).padStart(6)} /s  (rounds: ${xs.map((x) => x.toFixed(0)).join(', ')})`);
line('baseline: build + sign, no journal', results.none);
line('sign once, journal in memory', results.memory);
line('sign once, SQLite journal (3 fsync\'d writes per run)', results.sqlite);
line('retry: replay from the SQLite journal (no signing)', results.replay);
console.log(`  ratios to the baseline: memory ${(median(results.memory) / median(results.none)).toFixed(2)}, sqlite ${(median(results.sqlite) / median(results.none)).toFixed(2)}, replay ${(median(results.replay) / median(results.none)).toFixed(2)} (load average ${loadavg()[0]?.toFixed(1)})`);
