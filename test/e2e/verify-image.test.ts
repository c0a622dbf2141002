// Issue 6, "Done means" first bullet, end to end and all real on 127.0.0.1: a signed GitHub
// webhook -> EventListener -> our HTTPS interceptor -> signer socket + SQLite event store ->
// PipelineRun (annotated by the shipped TriggerTemplate) -> TaskRuns (run simulator through
// client-node) -> our attestation controller -> attestations in docker-registry beside the
// image -> `tkn-provenance verify --image` (a separate process) against a policy.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SIGNED_ANNOTATION, FAILURE_ANNOTATION } from '../../signer/controller/annotations.ts';
import { EVENT_DIGEST_ANNOTATION, EVENT_SIGNATURE_ANNOTATION, TRIGGERS_EVENT_ID_LABEL } from '../../signer/events/event-record.ts';
import { githubDelivery, githubExamples } from '../harness/fixtures/webhooks.ts';
import { runPipeline, simpleBuildBehaviour, simpleBuildRun, type Param } from '../harness/tekton/index.ts';
import { runCli } from './support/cli.ts';
import { pushTinyImage } from './support/image.ts';
import { simpleBuildPolicy } from './support/policy.ts';
import { BUILDER_ID, GITHUB_SECRET, IMAGE_REPO, RUN_NS, startWorld, type World } from './support/world.ts';

interface PipelineRunObject {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { params: Param[] };
}
interface JsonReport {
  ok: boolean;
  total: number;
  failed: number;
  reports: Array<{ source: string; ok: boolean; checks: Array<{ name: string; status: string; message: string }> }>;
}

const PUSH = githubExamples('push')[0] as { after: string; repository: { clone_url: string } };
const SIGNED_TIMEOUT_MS = 60_000;

let w: World;
let policyPath: string;
before(async () => {
  w = await startWorld();
  policyPath = join(w.dir, 'policy.yaml');
  writeFileSync(policyPath, simpleBuildPolicy(BUILDER_ID));
});
after(async () => {
  await w?.close();
});

/** Waits (bounded) for the controller's verdict on a PipelineRun. */
async function signedState(name: string): Promise<PipelineRunObject> {
  const pr = await w.kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', RUN_NS, name, (o) => {
    const s = (o as unknown as PipelineRunObject | undefined)?.metadata.annotations?.[SIGNED_ANNOTATION];
    return s === 'true' || s === 'failed';
  }, SIGNED_TIMEOUT_MS);
  assert.ok(pr, `${name} was neither signed nor failed within ${SIGNED_TIMEOUT_MS} ms`);
  const out = pr as unknown as PipelineRunObject;
  assert.equal(out.metadata.annotations?.[SIGNED_ANNOTATION], 'true', out.metadata.annotations?.[FAILURE_ANNOTATION]);
  return out;
}

/** Plays Tekton for a PipelineRun: TaskRuns and status, finishing ~100 s ago in virtual time. */
async function playRun(name: string, params: Param[], imageDigest: string, opts: { adopt: boolean; labels?: Record<string, string>; annotations?: Record<string, string> }): Promise<void> {
  const revision = String(params.find((p) => p.name === 'revision')?.value);
  await runPipeline(w.kc, simpleBuildRun({
    name, namespace: RUN_NS, params,
    behaviour: simpleBuildBehaviour(revision, imageDigest),
    startTime: new Date(Date.now() - 200_000),
    ...(opts.labels ? { labels: opts.labels } : {}),
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
  }), { adopt: opts.adopt, mergeStatus: true });
}

function verify(imageRef: string, ...extra: string[]) {
  return runCli(['verify', '--key', w.publicKeyPath, '--policy', policyPath, '--image', imageRef, '--insecure-registry', ...extra]);
}

describe('webhook -> interceptor -> PipelineRun -> TaskRuns -> attestation in the registry -> verify --image', () => {
  let triggered: PipelineRunObject;
  let imageDigest: string;

  test('a signed GitHub push starts an annotated simple-build run whose attestation lands beside the image', async () => {
    imageDigest = await pushTinyImage(w.registry, IMAGE_REPO, 'v1');
    const result = await w.listener.handle(githubDelivery('push', PUSH, GITHUB_SECRET));
    const trigger = result.triggers[0];
    assert.equal(trigger?.error, undefined, String(trigger?.error));
    assert.ok(trigger?.continued, `the interceptor let the event through: ${JSON.stringify(trigger?.stoppedBy?.response)}`);
    triggered = trigger.created?.[0] as PipelineRunObject;
    const { labels = {}, annotations = {} } = triggered.metadata;
    assert.equal(labels[TRIGGERS_EVENT_ID_LABEL], result.eventId);
    assert.match(annotations[EVENT_DIGEST_ANNOTATION] ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.ok(annotations[EVENT_SIGNATURE_ANNOTATION], 'the TriggerTemplate stamped the event signature');
    assert.ok(await w.events.getByEventId(result.eventId), 'the signer stored the event record');
    assert.deepEqual(triggered.spec.params, [
      { name: 'repo-url', value: PUSH.repository.clone_url },
      { name: 'revision', value: PUSH.after },
      { name: 'image', value: w.image },
    ]);

    await playRun(triggered.metadata.name, triggered.spec.params, imageDigest, { adopt: true });
    const signed = await signedState(triggered.metadata.name);
    const stored = JSON.parse(signed.metadata.annotations?.['tekton-provenance.dev/attestations'] ?? '[]') as Array<{ backend: string; location: string }>;
    assert.deepEqual(stored.filter((s) => s.backend === 'oci').length, 2, 'one OCI layer per format');
    assert.ok(stored.every((s) => s.backend !== 'oci' || s.location.includes(`${w.image}`)), JSON.stringify(stored));
  });

  test('tkn-provenance verify --image passes every check, for both formats', async () => {
    const r = await verify(`${w.image}@${imageDigest}`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /^\s+(FAIL|SKIP)\s/m, r.stdout);
    for (const check of ['signature', 'statement', 'subject', 'event signature', 'event digest', 'event authenticity', 'builder', 'freshness',
      'binding param repo-url = repository.clone_url', 'binding param revision = after', 'binding material git-url = repository.clone_url',
      'binding material git-commit = after', 'task git-clone', 'task source-security-scan', 'task image-build', 'task image-security-scan']) {
      assert.match(r.stdout, new RegExp(`^\\s+PASS\\s+${check.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s`, 'm'), `${check}\n${r.stdout}`);
    }
    assert.match(r.stdout, /VERIFIED: 2 of 2 attestations passed/);

    const json = JSON.parse((await verify(`${w.image}@${imageDigest}`, '--json')).stdout) as JsonReport;
    assert.equal(json.ok, true);
    assert.equal(json.total, 2);
    assert.equal(json.failed, 0);
    for (const report of json.reports) {
      assert.match(report.source, new RegExp(`${IMAGE_REPO}:sha256-[0-9a-f]{64}\\.att layer [12]$`));
      assert.deepEqual(report.checks.filter((c) => c.status !== 'pass'), []);
    }
  });

  test('the image reference may be a tag: it is resolved to the digest first', async () => {
    const r = await verify(`${w.image}:v1`, '--json');
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  test('the same run verifies from its PipelineRun (tekton annotations, live through the kubeconfig)', async () => {
    const ref = `${RUN_NS}/${triggered.metadata.name}`;
    const r = await runCli(['verify', '--key', w.publicKeyPath, '--policy', policyPath, '--pipelinerun', ref, '--kubeconfig', w.kube.kubeconfigPath, '--json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const json = JSON.parse(r.stdout) as JsonReport;
    // The tekton backend embeds what fits its annotation budget and references the rest (in OCI).
    const pr = w.kube.objects.get('tekton.dev/v1', 'PipelineRun', RUN_NS, triggered.metadata.name) as unknown as PipelineRunObject;
    const embedded = Object.entries(pr.metadata.annotations ?? {}).filter(([k, v]) => k.startsWith('tekton-provenance.dev/attestation-') && v.startsWith('{'));
    assert.ok(embedded.length >= 1, 'at least one envelope is embedded');
    assert.equal(json.total, embedded.length);
    for (const report of json.reports) {
      assert.deepEqual(report.checks.filter((c) => c.status !== 'pass'), []);
      assert.ok(!report.checks.some((c) => c.name === 'subject'), 'no image given: no subject check');
    }
  });

  test('a run whose repo-url differs from the event, replaying its annotations, fails the binding check by name', async () => {
    const forgedDigest = await pushTinyImage(w.registry, IMAGE_REPO, 'forged');
    const params = triggered.spec.params.map((p) => (p.name === 'repo-url' ? { ...p, value: 'https://github.com/attacker/Hello-World.git' } : p));
    const pick = (from: Record<string, string> = {}, keys: string[]) => Object.fromEntries(keys.map((k) => [k, from[k] ?? '']));
    await playRun('forged-build', params, forgedDigest, {
      adopt: false,
      labels: pick(triggered.metadata.labels, [TRIGGERS_EVENT_ID_LABEL]),
      annotations: pick(triggered.metadata.annotations, [EVENT_DIGEST_ANNOTATION, EVENT_SIGNATURE_ANNOTATION]),
    });
    await signedState('forged-build');

    const r = await verify(`${w.image}@${forgedDigest}`);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^\s+FAIL\s+binding param repo-url = repository\.clone_url\s+param repo-url is "https:\/\/github\.com\/attacker\/Hello-World\.git" but the event's repository\.clone_url is "https:\/\/github\.com\/Codertocat\/Hello-World\.git"/m);
    // Everything else of the chain holds: the signature, the event itself, the tasks.
    for (const check of ['signature', 'subject', 'event signature', 'event digest', 'binding param revision = after', 'task image-build']) {
      assert.match(r.stdout, new RegExp(`^\\s+PASS\\s+${check}\\s`, 'm'), r.stdout);
    }
    assert.match(r.stdout, /NOT VERIFIED .*binding param repo-url = repository\.clone_url/);

    const json = JSON.parse((await verify(`${w.image}@${forgedDigest}`, '--json')).stdout) as JsonReport;
    assert.equal(json.ok, false);
    for (const report of json.reports) {
      const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
      assert.ok(failed.includes('binding param repo-url = repository.clone_url'), failed.join(', '));
    }
  });

  test('the forged run attached nothing to the first image', async () => {
    const r = await verify(`${w.image}@${imageDigest}`, '--json');
    assert.equal(r.code, 0, r.stdout);
    assert.equal((JSON.parse(r.stdout) as JsonReport).total, 2, 'the forged run attached nothing to the first image');
  });
});
