// `tkn-provenance attest --push` (the controller's oci backend) and `tkn-provenance admission
// --dry-run` (the validating webhook's review, offline), as processes against Debian's
// docker-registry: push an exported run's attestation, then judge manifests that deploy it.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { serializeRecord } from '../../../signer/events/record-codec.ts';
import { EVENT_DIGEST_ANNOTATION, TRIGGERS_EVENT_ID_LABEL } from '../../../signer/events/event-record.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/index.ts';
import { fakeUid, simulatePipelineRun } from '../../harness/tekton/simulate.ts';
import { simpleBuildBehaviour, simpleBuildRun } from '../../harness/tekton/pipelines/simple-build.ts';
import { runCli } from '../../e2e/support/cli.ts';
import { pushImage } from '../../admission/support/images.ts';
import { LocalSigner } from '../../../signer/keys/local.ts';
import { COMMIT, signedEvent, SIMPLE_BUILD_POLICY } from '../verify/chain-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'admission-cli-'));
let registry: TestRegistry;
const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const signer = new LocalSigner(pair.privateKey);
const keyPath = join(dir, 'signing.key');
const pubPath = join(dir, 'signing.pub');
const policyPath = join(dir, 'policy.yaml');
let image: string;
let digest: string;

before(async () => {
  registry = await startRegistry();
  image = `${registry.host}/team/app`;
  writeFileSync(keyPath, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(pubPath, signer.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(policyPath, SIMPLE_BUILD_POLICY);
  digest = await pushImage(registry, 'team/app', 'v1');
});
after(async () => {
  await registry?.close();
  rmSync(dir, { recursive: true, force: true });
});

function manifest(name: string, ref: string): string {
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, [
    stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ignored' }, data: {} }),
    stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'prod' }, spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: ref }] } } } }),
  ].join('---\n'));
  return path;
}

describe('attest --push, then admission --dry-run', () => {
  it('attest --push stores the attestation beside the image, as the oci backend does', async () => {
    const record = await signedEvent(signer);
    const input = simpleBuildRun({
      labels: { [TRIGGERS_EVENT_ID_LABEL]: record.eventId },
      annotations: { [EVENT_DIGEST_ANNOTATION]: record.digest },
      params: [
        { name: 'repo-url', value: 'https://github.com/tektoncd/pipeline.git' },
        { name: 'revision', value: COMMIT },
        { name: 'image', value: image },
      ],
      behaviour: simpleBuildBehaviour(COMMIT, digest),
    });
    const uid = fakeUid(`${input.namespace}/${input.name}`);
    const objects = simulatePipelineRun(input).final(uid);
    (objects.pipelineRun.metadata as Record<string, unknown>).uid = uid;
    writeFileSync(join(dir, 'pr.json'), JSON.stringify(objects.pipelineRun));
    writeFileSync(join(dir, 'trs.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.taskRuns }));
    writeFileSync(join(dir, 'event.json'), serializeRecord(record));
    const r = await runCli(['attest', '--pipelinerun', join(dir, 'pr.json'), '--taskruns', join(dir, 'trs.json'), '--event', join(dir, 'event.json'),
      '--key', keyPath, '--format', 'in-toto,tekton', '--push', '--insecure-registry', '--out', join(dir, 'att.jsonl')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`pushed in-toto: oci://${image}:sha256-${digest.slice(7)}\\.att#sha256:[0-9a-f]{64}`));
    assert.match(r.stderr, /not pushed tekton: /, 'a non in-toto format is skipped, as the backend does');
    const v = await runCli(['verify', '--key', pubPath, '--policy', policyPath, '--image', `${image}@${digest}`, '--insecure-registry']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
  });

  it('admission --dry-run admits a manifest of the attested image by tag (exit 0)', async () => {
    const r = await runCli(['admission', '--dry-run', '-f', manifest('app', `${image}:v1`), '--policy', policyPath, '--key', pubPath, '--insecure-registry']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ADMITTED Deployment prod\/app$/m);
  });

  it('admission --dry-run denies an unattested image and names the check (exit 1, --json too)', async () => {
    const other = await pushImage(registry, 'team/app', 'v2', 'unattested');
    const path = manifest('other', `${image}:v2`);
    const r = await runCli(['admission', '--dry-run', '-f', path, '--policy', policyPath, '--key', pubPath, '--insecure-registry']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /^DENIED Deployment prod\/other$/m);
    assert.match(r.stdout, new RegExp(`DENY  image ${image}:v2@${other} \\(policy .*\\): attestation: no attestation is stored`));
    const json = JSON.parse((await runCli(['admission', '--dry-run', '-f', path, '--policy', policyPath, '--key', pubPath, '--insecure-registry', '--json'])).stdout);
    assert.equal(json.admitted, false);
    assert.equal(json.workloads[0].findings[0].verdict.failures[0].name, 'attestation');
  });

  it('admission --dry-run without a workload, or without keys, is a usage error (exit 2)', async () => {
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
    assert.equal((await runCli(['admission', '--dry-run', '-f', empty, '--key', pubPath])).code, 2);
    assert.equal((await runCli(['admission', '--dry-run', '-f', manifest('k', `${image}:v1`)])).code, 2);
  });
});
