import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAttestation } from '../../../signer/verify/verify-attestation.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/index.ts';
import { pushTinyImage } from '../../e2e/support/image.ts';
import { FIXTURES } from '../model/fixtures.ts';
import { attest, newSigner, signedEvent, simpleBuild, verifierOf } from '../verify/chain-fixture.ts';
import { cli } from './attestation-files.ts';

// Issue 14, item 13: messages that sent users the wrong way. (The git-commit 7-64 hex rule is
// tested in test/signer/verify/bindings-skipped.test.ts.)
let dir: string;
let registry: TestRegistry;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-messages-'));
  registry = await startRegistry();
});
after(async () => {
  await registry.close();
  rmSync(dir, { recursive: true, force: true });
});

test('an event signed by another key than the attestation: UNKNOWN_KEY says to pass --event-key', async () => {
  const attestationKey = newSigner();
  const eventKey = newSigner();
  const record = await signedEvent(eventKey);
  const [att] = await attest(simpleBuild(record), attestationKey, { state: 'found', record }, ['in-toto']);
  const report = verifyAttestation('a', att!.envelope, { keys: [verifierOf(attestationKey)], policy: { event: { required: true, providers: [], triggers: [] }, bindings: [] } });
  const check = report.checks.find((c) => c.name === 'event signature')!;
  assert.equal(check.status, 'fail');
  assert.match(check.message, /\[UNKNOWN_KEY\]; if events are signed with another key than attestations, pass it with --event-key/);
  const fixed = verifyAttestation('a', att!.envelope, { keys: [verifierOf(attestationKey)], eventKeys: [verifierOf(eventKey)], policy: { event: { required: true, providers: [], triggers: [] }, bindings: [] } });
  assert.equal(fixed.checks.find((c) => c.name === 'event signature')!.status, 'pass');
});

test('attest without --taskruns warns (exit 0, documented) and verify\'s completeness names the tasks and why', async () => {
  const out = join(dir, 'att.jsonl');
  const r = await cli(['attest', '--pipelinerun', `${FIXTURES}chains-pipeline/pipelinerun.json`, '--key', `${FIXTURES}keys/attestation-signer.key.pem`, '--out', out], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^warning: no --taskruns given: \d+ task\(s\) have no TaskRun in the files given \(.+\); they are recorded as incomplete \(reason not-exported\) and verify will fail completeness/);
  assert.match(r.stderr, /kubectl get taskruns -n \S+ -l tekton\.dev\/pipelineRun=\S+ -o yaml > trs\.yaml/);
  const v = await cli(['verify', '--key', `${FIXTURES}keys/attestation-signer.pub.pem`, '--attestation', out, '--json'], dir);
  const completeness = (JSON.parse(v.stdout) as { reports: { checks: { name: string; status: string; message: string }[] }[] }).reports[0]!.checks.find((c) => c.name === 'completeness')!;
  assert.equal(completeness.status, 'fail');
  assert.match(completeness.message, /task\(s\) could not be attested: .*\(attest was not given its TaskRun \(--taskruns\)\)/);
  // With the TaskRuns: no warning.
  const full = await cli(['attest', '--pipelinerun', `${FIXTURES}chains-pipeline/pipelinerun.json`, '--taskruns', `${FIXTURES}chains-pipeline/taskruns.json`, '--key', `${FIXTURES}keys/attestation-signer.key.pem`, '--out', join(dir, 'full.jsonl')], dir);
  assert.equal(full.code, 0);
  assert.equal(full.stderr.includes('warning'), false);
});

test('--pipelinerun NS/NAME without any kubeconfig names the kubeconfig problem, not "HTTP undefined"', async () => {
  // cli() runs in process with env {}: no KUBECONFIG, no HOME, not in a pod.
  const r = await cli(['verify', '--key', `${FIXTURES}keys/attestation-signer.pub.pem`, '--pipelinerun', 'ci/build-x7k2p'], dir);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no kubeconfig \(KUBECONFIG is unset, there is no ~\/\.kube\/config and this is not a pod\): pass --kubeconfig FILE/);
  assert.doesNotMatch(r.stderr, /undefined/);
  const missing = await cli(['verify', '--key', `${FIXTURES}keys/attestation-signer.pub.pem`, '--pipelinerun', 'ci/build-x7k2p', '--kubeconfig', 'nope.yaml'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read the kubeconfig .*nope\.yaml/);
});

test('no attestation found: the same exit 1 and FAIL line for --pipelinerun and --image', async () => {
  const pr = join(dir, 'pr.json');
  writeFileSync(pr, JSON.stringify({ apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name: 'build-x7k2p', namespace: 'ci', uid: 'u-1' } }));
  const byRun = await cli(['verify', '--key', `${FIXTURES}keys/attestation-signer.pub.pem`, '--pipelinerun', pr], dir);
  assert.equal(byRun.code, 1, byRun.stderr);
  assert.match(byRun.stdout, /FAIL\s+attestation\s+no attestation found for PipelineRun ci\/build-x7k2p/);
  const digest = await pushTinyImage(registry, 'demo/app', 'v1');
  const byImage = await cli(['verify', '--key', `${FIXTURES}keys/attestation-signer.pub.pem`, '--image', `${registry.host}/demo/app@${digest}`, '--insecure-registry'], dir);
  assert.equal(byImage.code, 1, byImage.stderr);
  assert.match(byImage.stdout, /FAIL\s+attestation\s+no attestation is stored for/);
});
