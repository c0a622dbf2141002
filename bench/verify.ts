// Verifier throughput: 1,000 attestations of a 20-task pipeline (issue 6 target: over 1,000
// per second per core), against a baseline measured in the same run: the bare cost of one
// node:crypto signature check + JSON.parse of the same envelopes, which any verifier pays.
import { spawnSync } from 'node:child_process';
import { createHash, verify as cryptoVerify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pae } from '../signer/dsse/pae.ts';
import { parsePolicy } from '../signer/verify/policy/parse-policy.ts';
import { verifyAttestation } from '../signer/verify/verify-attestation.ts';
import type { DsseEnvelope } from '../signer/dsse/envelope.ts';
import { attest, newSigner, signedEvent, simpleBuild, verifierOf } from '../test/signer/verify/chain-fixture.ts';
import type { PipelineSpec, TaskSpec } from '../test/harness/tekton/types.ts';

const N = 1000;
const TASKS = 20;
const BUNDLE = `registry.example.com/catalog/step@sha256:${'ab'.repeat(32)}`;

const pipeline: PipelineSpec = {
  params: [{ name: 'repo-url', type: 'string' }, { name: 'revision', type: 'string' }, { name: 'image', type: 'string' }],
  tasks: Array.from({ length: TASKS }, (_, i) => ({
    name: `task-${i + 1}`,
    ...(i > 0 ? { runAfter: [`task-${i}`] } : {}),
    taskRef: { name: 'step', kind: 'Task', bundle: BUNDLE },
    params: [{ name: 'input', value: `$(params.repo-url)#${i}` }],
  })),
  results: [
    { name: 'IMAGE_URL', value: '$(tasks.task-20.results.IMAGE_URL)' },
    { name: 'IMAGE_DIGEST', value: '$(tasks.task-20.results.IMAGE_DIGEST)' },
  ],
};
const stepTask: TaskSpec = {
  params: [{ name: 'input', type: 'string' }],
  results: [{ name: 'IMAGE_URL', type: 'string' }, { name: 'IMAGE_DIGEST', type: 'string' }],
  steps: [{ name: 'run', image: 'docker.io/library/alpine:3.19', script: 'echo "$(params.input)"' }],
};

const signer = newSigner();
const record = await signedEvent(signer);
const behaviour = Object.fromEntries(
  pipeline.tasks.map((t) => [t.name, { durationSeconds: 5, results: { IMAGE_URL: 'registry.example.com/demo/app', IMAGE_DIGEST: `sha256:${'4e'.repeat(32)}` } }]),
);
const run = simpleBuild(record, { pipeline, tasks: { step: stepTask }, behaviour });
const envelopes: DsseEnvelope[] = [];
for (let i = 0; i < N; i++) envelopes.push((await attest(run, signer, { state: 'found', record }, ['in-toto']))[0]!.envelope);
const bytes = Buffer.byteLength(JSON.stringify(envelopes[0]));

const policy = parsePolicy(`
bindings: {rules: [{param: repo-url, event: repository.clone_url, compare: git-url}]}
trustedTasks: {allow: [{name: step, bundle: "${BUNDLE}"}]}
`);
const keys = [verifierOf(signer)];

function rate(label: string, fn: (env: DsseEnvelope) => void): number {
  for (const env of envelopes.slice(0, 50)) fn(env); // warm-up
  const t0 = process.hrtime.bigint();
  for (const env of envelopes) fn(env);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const perSecond = N / seconds;
  console.log(`  ${label.padEnd(44)} ${perSecond.toFixed(0).padStart(7)} /s  (${((seconds / N) * 1e3).toFixed(3)} ms each)`);
  return perSecond;
}

console.log(`verify bench: ${N} in-toto attestations, ${TASKS} tasks each, ${(bytes / 1024).toFixed(1)} KiB envelope, Node ${process.version}`);
let ok = 0;
const full = rate('tkn-provenance verifyAttestation (all checks)', (env) => {
  if (verifyAttestation('bench', env, { keys, policy }).ok) ok++;
});
const baseline = rate('baseline: crypto.verify + JSON.parse', (env) => {
  const payload = Buffer.from(env.payload, 'base64');
  cryptoVerify('sha256', pae(env.payloadType, payload), signer.publicKey, Buffer.from(env.signatures[0]!.sig, 'base64'));
  JSON.parse(payload.toString('utf8'));
  // the embedded event is a second envelope: its signature and body hash are part of the minimum too
  const inner = JSON.parse(payload.toString('utf8')).predicate.buildConfig.triggerEvent.envelope as DsseEnvelope;
  const innerPayload = Buffer.from(inner.payload, 'base64');
  cryptoVerify('sha256', pae(inner.payloadType, innerPayload), signer.publicKey, Buffer.from(inner.signatures[0]!.sig, 'base64'));
  createHash('sha256').update(JSON.parse(innerPayload.toString('utf8')).predicate.body).digest('hex');
});
console.log(`  verified ok: ${ok}/${N + 50}; ratio full/baseline: ${(full / baseline).toFixed(2)} (target: over 1000/s per core: ${full > 1000 ? 'met' : 'NOT met'})`);

// The CLI end to end on a directory of N files: process start, key load, file reads included.
const dir = mkdtempSync(join(tmpdir(), 'verify-bench-'));
try {
  envelopes.forEach((env, i) => writeFileSync(join(dir, `att-${String(i).padStart(4, '0')}.json`), JSON.stringify(env)));
  writeFileSync(join(dir, 'key.pub'), signer.publicKey.export({ type: 'spki', format: 'pem' }));
  const policyFile = join(dir, 'policy.yaml');
  writeFileSync(policyFile, `trustedTasks: {allow: [{name: step, bundle: "${BUNDLE}"}]}\n`);
  const attDir = join(dir, 'atts');
  spawnSync('mkdir', [attDir]);
  spawnSync('sh', ['-c', `mv ${dir}/att-*.json ${attDir}/`]);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['signer/cli/tkn-provenance.ts', 'verify', '--key', join(dir, 'key.pub'), '--policy', policyFile, '--attestation', attDir, '--json'], { maxBuffer: 256 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`  CLI: tkn-provenance verify on a directory of ${N}: ${seconds.toFixed(2)} s wall (${(N / seconds).toFixed(0)} /s incl. start-up), exit ${r.status}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
