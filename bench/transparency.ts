// Transparency costs (issue 11): (1) attestations per second with transparency on (a Rekor v1
// stand-in on loopback: upload + the SET/proof check of the answer) against off, and (2) verify
// throughput of attestations with a log entry (SET + checkpoint + inclusion proof through
// @sigstore/verify, offline) against verification by key alone. Medians of 3 rounds.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { serializeEnvelope } from '../signer/dsse/sign.ts';
import type { SignedAttestation } from '../signer/attest/types.ts';
import { parseTrustedRoot } from '../signer/transparency/trusted-root.ts';
import { transparencyLogs } from '../signer/transparency/registry.ts';
import { parsePolicy } from '../signer/verify/policy/parse-policy.ts';
import { verifyAttestation } from '../signer/verify/verify-attestation.ts';
import { RekorStandIn, trustedRoot } from '../test/harness/rekor/index.ts';
import { attest, newSigner, signedEvent, simpleBuild, verifierOf } from '../test/signer/verify/chain-fixture.ts';

const N_ATTEST = 200;
const N_VERIFY = 500;
const ROUNDS = 3;

const signer = newSigner();
const record = await signedEvent(signer);
const run = simpleBuild(record);
const rekor = await RekorStandIn.start({ maxBodyBytes: 1024 * 1024 });
const log = transparencyLogs.get('rekor')({ url: rekor.url });
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

// Baseline for the network share: the same envelope POSTed to a bare loopback server that answers "{}".
const bare = createServer((req, res) => { req.resume(); req.on('end', () => res.end('{}')); });
await new Promise<void>((r) => bare.listen(0, '127.0.0.1', () => r()));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;

async function attestRate(mode: 'off' | 'on' | 'bare'): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N_ATTEST; i++) {
    const [a] = (await attest(run, signer, { state: 'found', record }, ['in-toto'])) as [SignedAttestation];
    if (mode === 'on') a.tlog = await log.logEnvelope(serializeEnvelope(a.envelope), a.envelope, { publicKey: signer.publicKey });
    if (mode === 'bare') await (await fetch(bareUrl, { method: 'POST', body: serializeEnvelope(a.envelope) })).text();
  }
  return N_ATTEST / (Number(process.hrtime.bigint() - t0) / 1e9);
}

console.log(`transparency bench: Node ${process.version}; Rekor stand-in in the same process on 127.0.0.1`);
await attestRate('on'); // warm-up (and a non-empty log)
const off: number[] = [];
const on: number[] = [];
const rtt: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  off.push(await attestRate('off'));
  rtt.push(await attestRate('bare'));
  on.push(await attestRate('on'));
}
bare.close();
bare.closeAllConnections();
console.log(`  attest (build + sign), transparency off   ${median(off).toFixed(0).padStart(6)} /s  (rounds: ${off.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`  attest + Rekor upload + entry check, on   ${median(on).toFixed(0).padStart(6)} /s  (rounds: ${on.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`  baseline: attest + bare loopback POST        ${median(rtt).toFixed(0).padStart(6)} /s  (rounds: ${rtt.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`  ratio on/off: ${(median(on) / median(off)).toFixed(2)}; on/bare-POST: ${(median(on) / median(rtt)).toFixed(2)} (log size now ${rekor.log.size}; load average ${loadavg()[0]?.toFixed(1)})`);

// Verification: the same attestations with and without their log entries.
const atts: SignedAttestation[] = [];
for (let i = 0; i < N_VERIFY; i++) {
  const [a] = (await attest(run, signer, { state: 'found', record }, ['in-toto'])) as [SignedAttestation];
  a.tlog = await log.logEnvelope(serializeEnvelope(a.envelope), a.envelope, { publicKey: signer.publicKey });
  atts.push(a);
}
const root = parseTrustedRoot(JSON.stringify(trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey } })));
await rekor.close(); // verification is offline: no log from here on
const policy = { ...parsePolicy('event:\n  required: false\n'), transparency: 'required' as const };
const byKey = { keys: [verifierOf(signer)], policy: { ...policy, transparency: 'optional' as const } };
const withLog = { keys: [verifierOf(signer)], policy, trustedRoot: root };

function verifyRate(logged: boolean): number {
  let ok = 0;
  const t0 = process.hrtime.bigint();
  for (const a of atts) {
    const report = logged
      ? verifyAttestation('bench', a.envelope, withLog, { tlogEntries: [a.tlog!.entry], raw: Buffer.from(serializeEnvelope(a.envelope)) })
      : verifyAttestation('bench', a.envelope, byKey);
    if (report.ok) ok++;
  }
  if (ok !== atts.length) throw new Error(`only ${ok} of ${atts.length} verified`);
  return atts.length / (Number(process.hrtime.bigint() - t0) / 1e9);
}
verifyRate(true);
verifyRate(false);
const vKey: number[] = [];
const vLog: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  vKey.push(verifyRate(false));
  vLog.push(verifyRate(true));
}
console.log(`  verify by key alone                       ${median(vKey).toFixed(0).padStart(6)} /s  (rounds: ${vKey.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`  verify + log entry (SET, checkpoint, proof) ${median(vLog).toFixed(0).padStart(4)} /s  (rounds: ${vLog.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`  ratio with-log/by-key: ${(median(vLog) / median(vKey)).toFixed(2)}`);
