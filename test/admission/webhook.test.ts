// Issue 13 with real parts: HTTPS AdmissionReviews as kube-apiserver sends them, trusting the
// caBundle the webhook patched into the shipped configuration; images and attestations pushed
// into Debian's docker-registry by the controller's oci backend; VerificationPolicies served
// and watched through the Kubernetes API test server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startRegistry } from '../harness/registry/index.ts';
import { newSigner } from '../signer/verify/chain-fixture.ts';
import { attestImage, pushImage } from './support/images.ts';
import { verificationPolicy } from './support/policy.ts';
import { admissionReview, applyPatch, deployment, type Workload } from './support/review-client.ts';
import { ENFORCED_NS, eventually, OPEN_NS, startAdmissionWorld, SYSTEM_NS, type AdmissionWorld } from './support/world.ts';

const POLICY_API = 'tekton-provenance.dev/v1alpha1';
let w: AdmissionWorld;
let repo: (name: string) => string;

before(async () => {
  w = await startAdmissionWorld({ timeoutMs: 4000 });
  repo = (name) => `${w.registry.host}/shop/${name}`;
  w.kube.objects.put(verificationPolicy('shop-images', { keyPem: w.trustedPem, images: [`${w.registry.host}/shop/*`] }));
  w.kube.objects.put(verificationPolicy('warned-images', { keyPem: w.trustedPem, images: [`${w.registry.host}/warned/*`], mode: 'warn' }));
  // The policies travel through the watch before the first review.
  await eventually(() => w.review('/validate', admissionReview(deployment('probe', ENFORCED_NS, [`${repo('none')}@sha256:${'0'.repeat(64)}`]))).then((a) => !a.message.includes('no VerificationPolicy')), 5000, 'policies watched');
});
after(async () => {
  await w?.close();
});

/** The API server's sequence: mutate, apply the patch, validate what results. */
async function admit(obj: Workload) {
  const mutated = await w.review('/mutate', admissionReview(obj));
  assert.equal(mutated.httpStatus, 200);
  if (!mutated.allowed) return { mutated, validated: mutated, object: obj };
  const object = applyPatch(obj, mutated.patch);
  const validated = await w.review('/validate', admissionReview(object));
  return { mutated, validated, object };
}

async function built(name: string, build: Parameters<typeof attestImage>[4] | 'none', signer = w.trusted, tag = 'v1'): Promise<string> {
  const digest = await pushImage(w.registry, `shop/${name}`, tag);
  if (build !== 'none') await attestImage(w.registry, repo(name), digest, signer, build);
  return digest;
}

describe('the caBundle is managed like the interceptor TLS', () => {
  test('the webhook patched its CA into both shipped configurations, and serves the Service name', () => {
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      const cfg = w.kube.objects.get('admissionregistration.k8s.io/v1', kind, '', 'tekton-provenance-admission') as unknown as { webhooks: Array<{ clientConfig: { caBundle: string } }> };
      assert.equal(Buffer.from(cfg.webhooks[0]!.clientConfig.caBundle, 'base64').toString('utf8'), w.admission.caCert());
    }
    assert.ok(w.kube.objects.get('v1', 'Secret', SYSTEM_NS, 'tekton-provenance-admission-tls'), 'the serving cert is kept in its Secret');
  });
});

describe('verdicts, each naming the failed check', () => {
  test('a genuine image is pinned to its digest and admitted', async () => {
    const digest = await built('genuine', 'genuine');
    const { mutated, validated, object } = await admit(deployment('web', ENFORCED_NS, [`${repo('genuine')}:v1`]));
    assert.deepEqual(mutated.patch, [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: `${repo('genuine')}:v1@${digest}` }]);
    assert.equal(validated.allowed, true, validated.message);
    assert.deepEqual(validated.warnings, []);
    assert.equal(((object.spec.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!.image), `${repo('genuine')}:v1@${digest}`);
  });

  test('an image without any attestation is denied: attestation', async () => {
    const digest = await built('unattested', 'none');
    const { validated } = await admit(deployment('bare', ENFORCED_NS, [`${repo('unattested')}:v1`]));
    assert.equal(validated.allowed, false);
    assert.match(validated.message, new RegExp(`image ${repo('unattested')}:v1@${digest} \\(policy shop-images\\): attestation: no attestation is stored`));
  });

  test('an image from a run with an injected inject-miner task is denied, naming the task', async () => {
    await built('mined', 'inject-miner');
    const { validated } = await admit(deployment('miner', ENFORCED_NS, [`${repo('mined')}:v1`]));
    assert.equal(validated.allowed, false);
    assert.match(validated.message, /task inject-miner: untrusted task: "inject-miner" \(Task\/inject-miner\) matches no trustedTasks\.allow entry/);
    assert.doesNotMatch(validated.message, /task git-clone/, 'only the failed checks are listed');
  });

  test('an image whose run binds another repository than the event is denied: binding', async () => {
    await built('forged', 'other-repository');
    const { validated } = await admit(deployment('forged', ENFORCED_NS, [`${repo('forged')}:v1`]));
    assert.equal(validated.allowed, false);
    assert.match(validated.message, /binding param repo-url = repository\.clone_url: param repo-url is "https:\/\/github\.com\/attacker\/pipeline\.git" but the event's repository\.clone_url is/);
  });

  test('an image attested with an unknown key is denied: signature', async () => {
    await built('stranger', 'genuine', newSigner());
    const { validated } = await admit(deployment('stranger', ENFORCED_NS, [`${repo('stranger')}:v1`]));
    assert.equal(validated.allowed, false);
    assert.match(validated.message, /\(policy shop-images\): signature: attestation signature does not verify/);
  });

  test('every container list is checked: one bad init container denies the Pod', async () => {
    const good = await built('genuine', 'genuine', w.trusted, 'v1');
    const pod: Workload = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'mixed', namespace: ENFORCED_NS }, spec: {
      initContainers: [{ name: 'init', image: `${repo('mined')}:v1` }],
      containers: [{ name: 'app', image: `${repo('genuine')}@${good}` }],
    } };
    const { mutated, validated } = await admit(pod);
    assert.deepEqual(mutated.patch.map((p) => p.path), ['/spec/initContainers/0/image']);
    assert.equal(validated.allowed, false);
    assert.match(validated.message, /mined.*task inject-miner/);
    assert.doesNotMatch(validated.message, /genuine/);
  });

  test('a denial is a Kubernetes Event on the workload and a metric', async () => {
    await eventually(() => w.kube.objects.list('v1', 'Event', ENFORCED_NS).some((e) => {
      const ev = e as unknown as { involvedObject: { kind: string; name: string }; reason: string; message: string };
      return ev.involvedObject.kind === 'Deployment' && ev.involvedObject.name === 'miner' && ev.reason === 'ImageNotVerified' && ev.message.includes('task inject-miner');
    }), 5000, 'the Event on deployment miner');
    const metrics = await w.admission.metrics.registry.metrics();
    assert.match(metrics, /tekton_provenance_admission_reviews_total\{webhook="validate",verdict="denied",reason="task"\} [1-9]/);
    assert.match(metrics, /tekton_provenance_admission_reviews_total\{webhook="validate",verdict="admitted",reason="verified"\} [1-9]/);
  });
});

describe('modes, scope and policy changes', () => {
  test('warn mode admits with AdmissionReview warnings naming the check', async () => {
    const digest = await pushImage(w.registry, 'warned/app', 'v1');
    await attestImage(w.registry, `${w.registry.host}/warned/app`, digest, w.trusted, 'inject-miner');
    const { validated } = await admit(deployment('warned', ENFORCED_NS, [`${w.registry.host}/warned/app:v1`]));
    assert.equal(validated.allowed, true, validated.message);
    assert.equal(validated.warnings.length, 1);
    assert.match(validated.warnings[0]!, /^tekton-provenance \(warn\): image .*warned\/app:v1@sha256:[0-9a-f]{64} \(policy warned-images\): task inject-miner: untrusted task/);
  });

  test('unlabelled namespaces, kube-system and our own namespace are never checked', async () => {
    for (const ns of [OPEN_NS, 'kube-system', SYSTEM_NS]) {
      const r = await admit(deployment('anything', ns, [`${repo('mined')}:v1`]));
      assert.equal(r.mutated.allowed, true);
      assert.deepEqual(r.mutated.patch, [], `${ns}: nothing pinned`);
      assert.equal(r.validated.allowed, true, `${ns}: ${r.validated.message}`);
    }
  });

  test('an image no policy governs is denied (no policy, no trust)', async () => {
    const digest = await pushImage(w.registry, 'elsewhere/app', 'v1');
    const { validated } = await admit(deployment('elsewhere', ENFORCED_NS, [`${w.registry.host}/elsewhere/app@${digest}`]));
    assert.equal(validated.allowed, false);
    assert.match(validated.message, /policy: no VerificationPolicy governs this image/);
  });

  test('a policy edit changes the next verdict, without a restart', async () => {
    const review = admissionReview(deployment('miner', ENFORCED_NS, [`${repo('mined')}:v1@${await digestOf('mined')}`]));
    assert.equal((await w.review('/validate', review)).allowed, false);
    const current = w.kube.objects.get(POLICY_API, 'VerificationPolicy', '', 'shop-images') as unknown as { metadata: { generation: number }; spec: { trustedTasks: { allow: object[] } } };
    current.spec.trustedTasks.allow.push({ name: 'inject-miner', kind: 'Task' });
    w.kube.objects.put(current as never);
    await eventually(async () => (await w.review('/validate', review)).allowed, 5000, 'the edited policy admits the image');
    // ...and back: the cached "admitted" verdict belongs to the edited generation only.
    current.spec.trustedTasks.allow.pop();
    w.kube.objects.put(current as never);
    await eventually(async () => !(await w.review('/validate', review)).allowed, 5000, 'the restored policy denies it again');
  });

  test('an invalid policy denies what it governs, naming the field', async () => {
    w.kube.objects.put({ apiVersion: POLICY_API, kind: 'VerificationPolicy', metadata: { name: 'typo' }, spec: { images: [`${w.registry.host}/typo/*`], keys: [{ pem: w.trustedPem }], trustedTask: {} } } as never);
    const digest = await pushImage(w.registry, 'typo/app', 'v1');
    await eventually(async () => {
      const r = await w.review('/validate', admissionReview(deployment('typo', ENFORCED_NS, [`${w.registry.host}/typo/app@${digest}`])));
      return !r.allowed && /policy typo.*unknown field\(s\) trustedTask/.test(r.message);
    }, 5000, 'the invalid policy denies');
  });
});

describe('fast and safe', () => {
  test('concurrent reviews of one image verify it once', async () => {
    const digest = await built('popular', 'genuine');
    const before = w.admission.verdicts.verifications;
    const review = () => w.review('/validate', admissionReview(deployment('popular', ENFORCED_NS, [`${repo('popular')}:v1@${digest}`])));
    const answers = await Promise.all(Array.from({ length: 25 }, review));
    assert.ok(answers.every((a) => a.allowed), answers.find((a) => !a.allowed)?.message);
    assert.equal(w.admission.verdicts.verifications - before, 1);
    await review();
    assert.equal(w.admission.verdicts.verifications - before, 1, 'then from the cache');
  });

  test('a tag moved after pinning does not change what runs', async () => {
    const original = await built('moving', 'genuine', w.trusted, 'stable');
    const { validated, object } = await admit(deployment('moving', ENFORCED_NS, [`${repo('moving')}:stable`]));
    assert.equal(validated.allowed, true, validated.message);
    const moved = await pushImage(w.registry, 'shop/moving', 'stable', 'rebuilt by someone else');
    assert.notEqual(moved, original);
    // What the cluster stored (and the kubelet pulls) is still the verified digest, and still admitted.
    const pinned = (object.spec.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!.image;
    assert.equal(pinned, `${repo('moving')}:stable@${original}`);
    const again = await w.review('/validate', admissionReview(object));
    assert.equal(again.allowed, true);
    // A new deployment of the moved tag gets the new digest, which has no attestation.
    const fresh = await admit(deployment('moving-2', ENFORCED_NS, [`${repo('moving')}:stable`]));
    assert.equal(fresh.mutated.patch[0]?.value, `${repo('moving')}:stable@${moved}`);
    assert.equal(fresh.validated.allowed, false);
  });

  test('with the registry stopped, an unverified image is denied with a clear reason before the timeout', async () => {
    const digest = await built('outage', 'genuine');
    await w.registry.stop();
    try {
      const r = await w.review('/validate', admissionReview(deployment('outage', ENFORCED_NS, [`${repo('outage')}@${digest}`])));
      assert.equal(r.allowed, false);
      assert.match(r.message, /\(policy shop-images\): registry: .*REGISTRY_UNAVAILABLE/);
      assert.ok(r.ms < 4000, `answered in ${r.ms} ms, within the 4 s timeout`);
      const pinning = await w.review('/mutate', admissionReview(deployment('outage', ENFORCED_NS, [`${repo('outage')}:v1`])));
      assert.equal(pinning.allowed, false);
      assert.match(pinning.message, /pin: cannot resolve .*outage:v1 to a digest/);
    } finally {
      await w.registry.restart();
    }
    // Not cached: once the registry is back the same image is verified and admitted.
    const back = await w.review('/validate', admissionReview(deployment('outage', ENFORCED_NS, [`${repo('outage')}@${digest}`])));
    assert.equal(back.allowed, true, back.message);
  });

  test('the webhook worked with its shipped RBAC only: nothing was forbidden', () => {
    assert.deepEqual(w.logs.filter((l) => /forbidden|not published|not recorded|not readable/i.test(l)), []);
  });

  test('a request that is not an AdmissionReview is a 400, never a crash', async () => {
    const r = await w.review('/validate', Buffer.from('{"kind":"Nope"}'));
    assert.equal(r.httpStatus, 400);
    assert.match(r.message, /MALFORMED_REVIEW/);
  });
});

describe('registry credentials', () => {
  test("a private registry is read with the pod's ServiceAccount pull secret; without it, denied REGISTRY_AUTH", async () => {
    const auth = { username: 'puller', password: 'pull-secret-value' };
    const priv = await startRegistry({ auth });
    try {
      const credentials = new Map([[priv.host, auth]]);
      const digest = await pushImage(priv, 'private/app', 'v1');
      await attestImage(priv, `${priv.host}/private/app`, digest, w.trusted, 'genuine', 'uid-private', credentials);
      w.kube.objects.put(verificationPolicy('private-images', { keyPem: w.trustedPem, images: [`${priv.host}/**`] }));
      const dockerconfig = JSON.stringify({ auths: { [priv.host]: { auth: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') } } });
      w.kube.objects.put({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'pull', namespace: ENFORCED_NS }, data: { '.dockerconfigjson': Buffer.from(dockerconfig).toString('base64') } } as never);
      w.kube.objects.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: ENFORCED_NS }, imagePullSecrets: [{ name: 'pull' }] } as never);
      const withSa = deployment('private', ENFORCED_NS, [`${priv.host}/private/app:v1`], { serviceAccountName: 'builder' });
      await eventually(async () => (await admit(withSa)).validated.allowed, 5000, 'admitted with the ServiceAccount pull secret');
      const { mutated } = await admit(deployment('private-2', ENFORCED_NS, [`${priv.host}/private/app:v1`]));
      assert.equal(mutated.allowed, false);
      assert.match(mutated.message, /REGISTRY_AUTH|credentials/);
      assert.ok(!w.logs.some((l) => l.includes(auth.password)), 'credentials never logged');
    } finally {
      await priv.close();
    }
  });
});

async function digestOf(name: string): Promise<string> {
  const res = await fetch(`${w.registry.url}/v2/shop/${name}/manifests/v1`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  return res.headers.get('docker-content-digest') as string;
}
