import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { RETRIES_ANNOTATION } from '../../../signer/controller/annotations.ts';
import { drive } from './drive.ts';
import { assertAttestedOnce, buildInput, sqliteRows, waitFinal } from './runs.ts';
import { CONTROLLER_NS, RUN_NS, pushSubjectImage, startWorld, testConfig, writeConfig, writeFileIn, type World } from './setup.ts';
import { testSignerPem } from '../storage/fixtures.ts';
import { join } from 'node:path';

let w: World;
before(async () => { w = await startWorld(); });
after(async () => { await w.close(); });

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
