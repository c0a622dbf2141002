import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { RETRIES_ANNOTATION } from '../../../signer/controller/annotations.ts';
import { parseEnvelope } from '../../../signer/dsse/parse.ts';
import { RegistryClient } from '../../../signer/storage/oci/client.ts';
import { readAttestationLayers } from '../../../signer/storage/oci/read.ts';
import { SqliteAttestationStorage } from '../../../signer/storage/sqlite/backend.ts';
import type { LoggedEntry } from '../../../signer/transparency/entry.ts';
import { RekorStandIn, trustedRoot } from '../../harness/rekor/index.ts';
import { keyBundle, sigstoreVerifyBundle } from '../transparency/sigstore-check.ts';
import { drive } from './drive.ts';
import { assertAttestedOnce, buildInput, logEntriesFor, sqliteRows, waitFinal } from './runs.ts';
import { CONTROLLER_NS, RUN_NS, pushSubjectImage, startWorld, testConfig, writeConfig, writeFileIn, type World } from './setup.ts';
import { testSigner, testSignerPem } from '../storage/fixtures.ts';
import { join } from 'node:path';

let w: World;
let rekor: RekorStandIn;
before(async () => {
  w = await startWorld();
  rekor = await RekorStandIn.start({ slowMs: 4000 });
});
after(async () => {
  await rekor.close();
  await w.close();
});

/** The controller as its own process (signer/controller/main.ts), as in the cluster. */
function spawnController(identity: string): ChildProcess {
  const child = spawn(process.execPath, [
    'signer/controller/main.ts', '--kubeconfig', w.kube.kubeconfigPath, '--namespace', CONTROLLER_NS,
    '--identity', identity, '--event-db', join(w.dir, 'events.db'), '--state-dir', w.dir, '--lease-ms', '1500',
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: undefined } });
  child.stderr?.on('data', (d: Buffer) => { if (process.env['DEBUG_CONTROLLER']) process.stderr.write(d); });
  return child;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

test('controller killed between signing and storing (sqlite stored, oci not yet): the next process stores the rest, once', async () => {
  const keyPath = writeFileIn(w, 'x509.pem', testSignerPem);
  // sqlite first, so a signature is durably stored before the (down) registry is reached.
  await writeConfig(w, testConfig(w, { 'artifacts.pipelinerun.storage': 'sqlite,oci,tekton', 'signers.x509.path': keyPath, 'controller.max-retries': '20' }));
  const digest = await pushSubjectImage(w, 'demo/restart', 'v1');
  await w.registry.stop();
  const first = spawnController('proc-1');
  let second: ChildProcess | undefined;
  try {
    await drive(w.kc, buildInput(w, 'restart-run', 'demo/restart', digest));
    const midway = await w.kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', RUN_NS, 'restart-run', (o) => o?.metadata.annotations?.[RETRIES_ANNOTATION] !== undefined, 20_000);
    assert.ok(midway);
    if (process.env['DEBUG_CONTROLLER']) await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(sqliteRows(w, midway.metadata.uid), ['in-toto'], 'signed and partly stored: in-toto in sqlite, not yet in oci');
    first.kill('SIGKILL'); // no clean shutdown: the Lease stays held until it expires
    await exited(first);
    await w.registry.restart();
    second = spawnController('proc-2');
    const pr = await waitFinal(w, 'restart-run', 30_000);
    await assertAttestedOnce(w, pr, 'demo/restart', digest);
  } finally {
    first.kill('SIGKILL');
    second?.kill('SIGTERM');
    await exited(first);
    if (second) await exited(second);
    if (!w.registry.running) await w.registry.restart();
  }
});

/** Transparency on, oci first: a failed store comes after the upload. */
async function loggedConfig(): Promise<void> {
  const root = trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey } });
  await writeConfig(w, testConfig(w, {
    'artifacts.pipelinerun.format': 'in-toto', 'artifacts.pipelinerun.storage': 'oci,sqlite',
    'signers.x509.path': writeFileIn(w, 'x509.pem', testSignerPem), 'controller.max-retries': '20',
    'transparency.enabled': 'true', 'transparency.url': rekor.url,
    'transparency.trusted-root': writeFileIn(w, 'trusted_root.json', JSON.stringify(root)),
  }));
}

/** Signed once, logged once: one entry for the payload, the same envelope and entry in sqlite and oci. */
async function assertLoggedOnce(name: string, repo: string, digest: string, sizeBefore: number): Promise<void> {
  const pr = await waitFinal(w, name, 30_000);
  await assertAttestedOnce(w, pr, repo, digest, ['in-toto']);
  const db = new SqliteAttestationStorage(join(w.dir, 'attestations.db'));
  const row = db.read(pr.metadata.uid)[0]!;
  db.close();
  const envelope = parseEnvelope(row.envelope);
  assert.equal(logEntriesFor(rekor.log, Buffer.from(envelope.payload, 'base64')), 1, 'one log entry for the run');
  assert.equal(rekor.log.size, sizeBefore + 1);
  const layer = (await readAttestationLayers(new RegistryClient(w.registry.host, { insecure: true }), repo, digest))[0]!;
  assert.equal(layer.envelope.toString(), row.envelope, 'oci and sqlite hold the one envelope');
  const logged = JSON.parse(row.tlogEntry ?? 'null') as LoggedEntry;
  sigstoreVerifyBundle(keyBundle(envelope, logged.entry), trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey } }), testSigner.publicKey);
}

test('kill -9 after the upload, the store failed: the next process replays the journaled envelope and entry; one log entry', async () => {
  await loggedConfig();
  const digest = await pushSubjectImage(w, 'demo/killed-logged', 'v1');
  const size = rekor.log.size;
  await w.registry.stop();
  const first = spawnController('proc-3');
  let second: ChildProcess | undefined;
  try {
    await drive(w.kc, buildInput(w, 'killed-logged', 'demo/killed-logged', digest));
    const midway = await w.kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', RUN_NS, 'killed-logged', (o) => o?.metadata.annotations?.[RETRIES_ANNOTATION] !== undefined, 20_000);
    assert.ok(midway, 'an attempt logged the envelope, then failed to store');
    assert.equal(rekor.log.size, size + 1);
    first.kill('SIGKILL');
    await exited(first);
    await w.registry.restart();
    const posts = rekor.count('POST');
    second = spawnController('proc-4');
    await assertLoggedOnce('killed-logged', 'demo/killed-logged', digest, size);
    assert.equal(rekor.count('POST'), posts, 'the journal held the entry: not even a 409 was needed');
  } finally {
    first.kill('SIGKILL');
    second?.kill('SIGTERM');
    await exited(first);
    if (second) await exited(second);
    if (!w.registry.running) await w.registry.restart();
  }
});

test('kill -9 while the upload is in flight (the log takes the entry, the process never hears): the next process replays the envelope and gets 409; one log entry', async () => {
  await loggedConfig();
  const digest = await pushSubjectImage(w, 'demo/killed-uploading', 'v1');
  const size = rekor.log.size;
  const posts = rekor.count('POST');
  rekor.injectFaults('slow', 1, 'POST'); // the entry is added 4 s after the request arrives
  const first = spawnController('proc-5');
  let second: ChildProcess | undefined;
  try {
    await drive(w.kc, buildInput(w, 'killed-uploading', 'demo/killed-uploading', digest));
    for (let i = 0; i < 400 && rekor.count('POST') === posts; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(rekor.count('POST'), posts + 1, 'the upload is in flight');
    first.kill('SIGKILL');
    await exited(first);
    for (let i = 0; i < 200 && rekor.log.size === size; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(rekor.log.size, size + 1, 'the log took the entry after all');
    second = spawnController('proc-6');
    await assertLoggedOnce('killed-uploading', 'demo/killed-uploading', digest, size);
    assert.ok(rekor.requests.some((r) => r.method === 'POST' && r.status === 409), 'the replayed envelope met its existing entry (409)');
  } finally {
    rekor.clearFaults();
    first.kill('SIGKILL');
    second?.kill('SIGTERM');
    await exited(first);
    if (second) await exited(second);
  }
});
