// Issue 13, "Done when", end to end and all real on 127.0.0.1: a signed GitHub webhook ->
// EventListener -> our interceptor -> PipelineRun -> TaskRuns -> our controller -> attestation
// in docker-registry -> a Deployment of the built image reviewed by the admission webhook
// (HTTPS AdmissionReviews, caBundle from the shipped configuration, policy watched from the
// API server): admitted and pinned; the same Deployment of an image from a run with an
// injected task refused, the task named.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAdmission, type RunningAdmission } from '../../admission/index.ts';
import { memoryLogger } from '../admission/support/memory-logger.ts';
import { SIGNED_ANNOTATION, FAILURE_ANNOTATION } from '../../signer/controller/annotations.ts';
import { githubDelivery, githubExamples } from '../harness/fixtures/webhooks.ts';
import { runPipeline, simpleBuildBehaviour, simpleBuildRun, SIMPLE_BUILD_PIPELINE, SIMPLE_BUILD_TASKS, type Param } from '../harness/tekton/index.ts';
import { ADMISSION_RESOURCES, shipped } from '../admission/support/cluster.ts';
import { admissionReview, applyPatch, deployment, postReview } from '../admission/support/review-client.ts';
import { pushTinyImage } from './support/image.ts';
import { simpleBuildPolicy } from './support/policy.ts';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { BUILDER_ID, GITHUB_SECRET, IMAGE_REPO, RUN_NS, SYSTEM_NS, startWorld, type World } from './support/world.ts';

const PUSH = githubExamples('push')[0] as object;
const PROD_NS = 'prod';
let w: World;
let admission: RunningAdmission;

before(async () => {
  w = await startWorld({ resources: ADMISSION_RESOURCES });
  for (const o of shipped('50-webhooks.yaml')) w.kube.objects.put(o);
  w.kube.objects.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: PROD_NS, labels: { 'tekton-provenance.dev/enforce': 'true' } } });
  const spec = (parseYaml(simpleBuildPolicy(BUILDER_ID)) as { spec: object }).spec;
  w.kube.objects.put({
    apiVersion: 'tekton-provenance.dev/v1alpha1', kind: 'VerificationPolicy', metadata: { name: 'simple-build' },
    spec: { images: [`${w.image}`], keys: [{ pem: readFileSync(w.publicKeyPath, 'utf8') }], mode: 'enforce', ...spec },
  } as never);
  admission = await startAdmission({
    host: '127.0.0.1', port: 0, namespace: SYSTEM_NS, kubeConfig: w.kube.kubeConfig(), tls: { kind: 'secret' },
    insecureRegistry: true, logger: memoryLogger(),
  });
});
after(async () => {
  await admission?.close();
  await w?.close();
});

/** Webhook -> interceptor -> PipelineRun; then Tekton is played for it (optionally with an injected task) until signed. */
async function buildFromWebhook(tag: string, inject: boolean): Promise<string> {
  const digest = await pushTinyImage(w.registry, IMAGE_REPO, tag);
  const result = await w.listener.handle(githubDelivery('push', PUSH, GITHUB_SECRET));
  const trigger = result.triggers[0];
  assert.ok(trigger?.continued, `the interceptor signed the event: ${JSON.stringify(trigger?.stoppedBy?.response)}`);
  const pr = trigger.created?.[0] as { metadata: { name: string }; spec: { params: Param[] } };
  const revision = String(pr.spec.params.find((p) => p.name === 'revision')?.value);
  await runPipeline(w.kc, simpleBuildRun({
    name: pr.metadata.name, namespace: RUN_NS, params: pr.spec.params,
    behaviour: simpleBuildBehaviour(revision, digest),
    startTime: new Date(Date.now() - 200_000),
    ...(inject
      ? {
          pipeline: { ...SIMPLE_BUILD_PIPELINE, tasks: [...SIMPLE_BUILD_PIPELINE.tasks, { name: 'inject-miner', runAfter: ['git-clone'], taskRef: { name: 'inject-miner', kind: 'Task' } }] },
          tasks: { ...SIMPLE_BUILD_TASKS, 'image-build': SIMPLE_BUILD_TASKS['buildah']!, 'inject-miner': { steps: [{ name: 'mine', image: 'docker.io/library/alpine:3.19', script: 'xmrig' }] } },
        }
      : {}),
  }), { adopt: true, mergeStatus: true });
  const signed = await w.kube.objects.waitFor('tekton.dev/v1', 'PipelineRun', RUN_NS, pr.metadata.name, (o) => {
    const s = (o as { metadata?: { annotations?: Record<string, string> } } | undefined)?.metadata?.annotations?.[SIGNED_ANNOTATION];
    return s === 'true' || s === 'failed';
  }, 60_000) as unknown as { metadata: { annotations: Record<string, string> } };
  assert.equal(signed.metadata.annotations[SIGNED_ANNOTATION], 'true', signed.metadata.annotations[FAILURE_ANNOTATION]);
  return digest;
}

function review(path: '/mutate' | '/validate', body: object) {
  const cfg = w.kube.objects.get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', '', 'tekton-provenance-admission') as unknown as { webhooks: Array<{ clientConfig: { caBundle: string } }> };
  return postReview({ port: admission.port, caBundle: cfg.webhooks[0]!.clientConfig.caBundle, serviceHost: 'tekton-provenance-admission.tekton-provenance.svc' }, path, body);
}

async function deploy(tag: string) {
  const obj = deployment('shop', PROD_NS, [`${w.image}:${tag}`]);
  const mutated = await review('/mutate', admissionReview(obj));
  assert.equal(mutated.allowed, true, mutated.message);
  const pinned = applyPatch(obj, mutated.patch);
  return { mutated, validated: await review('/validate', admissionReview(pinned)) };
}

test('a Deployment of the image a genuine webhook-triggered run built is pinned and admitted', async () => {
  const digest = await buildFromWebhook('release', false);
  const { mutated, validated } = await deploy('release');
  assert.equal(mutated.patch[0]?.value, `${w.image}:release@${digest}`);
  assert.equal(validated.allowed, true, validated.message);
});

test('the same Deployment of an image from a run with an injected task is refused, the task named', async () => {
  await buildFromWebhook('mined', true);
  const { validated } = await deploy('mined');
  assert.equal(validated.allowed, false);
  assert.match(validated.message, /\(policy simple-build\): task inject-miner: untrusted task: "inject-miner" \(Task\/inject-miner\) matches no trustedTasks\.allow entry/);
});
