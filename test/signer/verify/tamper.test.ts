// Issue 6 tamper cases: each must fail, and the failed check must name the broken link.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IN_TOTO_PAYLOAD_TYPE, type DsseEnvelope } from '../../../signer/dsse/envelope.ts';
import { signEnvelope } from '../../../signer/dsse/sign.ts';
import type { SignedEventRecord } from '../../../signer/events/event-record.ts';
import type { VerificationReport } from '../../../signer/verify/check.ts';
import { parsePolicy } from '../../../signer/verify/policy/parse-policy.ts';
import { verifyAttestation } from '../../../signer/verify/verify-attestation.ts';
import { SIMPLE_BUILD_PIPELINE, SIMPLE_BUILD_TASKS, SIMPLE_BUILD_BUNDLES } from '../../harness/tekton/pipelines/simple-build.ts';
import type { LocalSigner } from '../../../signer/keys/local.ts';
import { attest, IMAGE, IMAGE_DIGEST, newSigner, pushBody, signedEvent, simpleBuild, SIMPLE_BUILD_POLICY, verifierOf } from './chain-fixture.ts';

const policy = parsePolicy(SIMPLE_BUILD_POLICY);
const trusted = newSigner();
const image = { repository: IMAGE, digest: IMAGE_DIGEST };

async function verifyRun(envelope: DsseEnvelope, img = image): Promise<VerificationReport> {
  return verifyAttestation('tampered', envelope, { keys: [verifierOf(trusted)], policy, image: img });
}

function failed(report: VerificationReport): string[] {
  return report.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.message}`);
}

async function inToto(record: SignedEventRecord, signer: LocalSigner = trusted, over = {}): Promise<DsseEnvelope> {
  const [att] = await attest(simpleBuild(record, over), signer, { state: 'found', record }, ['in-toto']);
  return att!.envelope;
}

test('baseline: the untampered chain passes', async () => {
  const report = await verifyRun(await inToto(await signedEvent(trusted)));
  assert.deepEqual(failed(report), []);
});

test('a changed byte in the event body breaks the event signature', async () => {
  const record = await signedEvent(trusted);
  const payload = Buffer.from(record.envelope.payload, 'base64');
  const at = payload.indexOf('octocat');
  payload[at] = 'O'.charCodeAt(0);
  const tampered = { ...record, envelope: { ...record.envelope, payload: payload.toString('base64') } };
  const f = failed(await verifyRun(await inToto(tampered)));
  assert.match(f[0]!, /^event signature: trigger event signature does not verify/);
  // The bindings then have nothing trustworthy to compare with, and say so.
  for (const rest of f.slice(1)) assert.match(rest, /^binding .*: no verified event to bind to$/);
});

test('an event re-signed with another key is refused as unknown', async () => {
  const record = await signedEvent(newSigner());
  const f = failed(await verifyRun(await inToto(record)));
  assert.match(f.join('\n'), /^event signature: .*UNKNOWN_KEY|^event signature: .*does not verify/m);
});

test('an event swapped for another (validly signed) event breaks the digest binding', async () => {
  const record = await signedEvent(trusted);
  const other = await signedEvent(trusted, pushBody({ after: 'f'.repeat(40) }));
  const swapped = { ...record, envelope: other.envelope };
  const f = failed(await verifyRun(await inToto(swapped)));
  assert.match(f.join('\n'), /^event digest: the attestation binds event sha256:[0-9a-f]{64} but the embedded event is sha256:/m);
});

test('a PipelineRun param that no longer matches the event fails its binding', async () => {
  const record = await signedEvent(trusted);
  const env = await inToto(record, trusted, {
    params: [
      { name: 'repo-url', value: 'https://github.com/attacker/pipeline.git' },
      { name: 'revision', value: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
      { name: 'image', value: IMAGE },
    ],
  });
  const f = failed(await verifyRun(env));
  assert.match(f.join('\n'), /^binding param repo-url = repository.clone_url: param repo-url is "https:\/\/github.com\/attacker\/pipeline.git" but the event's repository.clone_url is "https:\/\/github.com\/tektoncd\/pipeline.git"/m);
});

test('an injected untrusted task (inject-miner) stands out', async () => {
  const record = await signedEvent(trusted);
  const env = await inToto(record, trusted, {
    pipeline: {
      ...SIMPLE_BUILD_PIPELINE,
      tasks: [...SIMPLE_BUILD_PIPELINE.tasks, { name: 'inject-miner', runAfter: ['git-clone'], taskRef: { name: 'inject-miner', kind: 'Task' } }],
    },
    tasks: { ...SIMPLE_BUILD_TASKS, 'inject-miner': { steps: [{ name: 'mine', image: 'docker.io/library/alpine:3.19', script: 'xmrig' }] } },
  });
  const f = failed(await verifyRun(env));
  assert.equal(f.length, 1, f.join('\n'));
  assert.match(f[0]!, /^task inject-miner: untrusted task: "inject-miner" \(Task\/inject-miner\) matches no trustedTasks.allow entry/);
});

test('a task bundle swapped for another digest is untrusted', async () => {
  const record = await signedEvent(trusted);
  const swappedBundle = SIMPLE_BUILD_BUNDLES.gitClone.replace(/@sha256:.*/, `@sha256:${'9'.repeat(64)}`);
  const env = await inToto(record, trusted, {
    pipeline: {
      ...SIMPLE_BUILD_PIPELINE,
      tasks: SIMPLE_BUILD_PIPELINE.tasks.map((t) => (t.name === 'git-clone' ? { ...t, taskRef: { ...t.taskRef, bundle: swappedBundle } } : t)),
    },
  });
  const f = failed(await verifyRun(env));
  assert.equal(f.length, 1, f.join('\n'));
  assert.match(f[0]!, /^task git-clone: untrusted task: .*sha256:9999/);
});

test('a different image digest is not a subject', async () => {
  const env = await inToto(await signedEvent(trusted));
  const f = failed(await verifyRun(env, { repository: IMAGE, digest: `sha256:${'0'.repeat(64)}` }));
  assert.deepEqual(f.map((x) => x.split(':')[0]), ['subject']);
  assert.match(f[0]!, /is not a subject of the attestation/);
});

test('a task dropped from the attestation and re-signed with an untrusted key fails the signature', async () => {
  const env = await inToto(await signedEvent(trusted));
  const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
  statement.predicate.buildConfig.tasks.splice(1, 1);
  const forged = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement)), [newSigner()]);
  const report = await verifyRun(forged);
  assert.deepEqual(failed(report).map((x) => x.split(':')[0]), ['signature']);
  assert.equal(report.checks.length, 1, 'nothing after a failed signature is trusted');
});

test('an old attestation replayed for a new image fails the subject check', async () => {
  const oldRecord = await signedEvent(trusted);
  const oldEnv = await inToto(oldRecord);
  const newImage = { repository: IMAGE, digest: `sha256:${'5a'.repeat(32)}` };
  const f = failed(await verifyRun(oldEnv, newImage));
  assert.equal(f.length, 1);
  assert.match(f[0]!, /^subject: image sha256:5a5a.* is not a subject/);
});
