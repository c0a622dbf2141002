import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { runCli } from './run-cli.ts';
import { signEvent } from '../../../signer/events/sign-event.ts';
import { validateEventStatement } from '../../../signer/events/validate-statement.ts';
import { serializeRecord } from '../../../signer/events/record-codec.ts';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import { KubernetesSecretsEventStore } from '../../../signer/events/stores/kubernetes-secrets.ts';
import { startKubeApiServer } from '../../harness/kube/index.ts';
import { signEnvelope } from '../../../signer/dsse/sign.ts';
import type { SignedEventRecord } from '../../../signer/events/event-record.ts';
import type { EventPredicate } from '../../../signer/events/event-record.ts';
import { eventStatement, p256Signer, statementBytes } from '../events/event-fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'tp-verify-event-'));
const signer = p256Signer();
const other = p256Signer();
const BODY = '{"ref":"refs/heads/main","after":"6113728f27ae82c7b1a177c8d03f9e96e0adf246"}';
const f = (name: string) => join(dir, name);

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await runCli(['verify-event', ...argv], { cwd: dir });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

async function signed(body: string, patch: Partial<EventPredicate> = {}): Promise<SignedEventRecord> {
  const bytes = statementBytes(eventStatement(body, patch));
  return signEvent(bytes, validateEventStatement(bytes), signer);
}

let record: SignedEventRecord;
before(async () => {
  writeFileSync(f('signing.pub'), signer.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(f('other.pub'), other.publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(f('payload.json'), BODY);
  writeFileSync(f('tampered.json'), BODY.replace('main', 'evil'));
  record = await signed(BODY);
  writeFileSync(f('record.json'), serializeRecord(record));
  writeFileSync(f('envelope.json'), JSON.stringify(record.envelope));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a record verifies against the key and the original payload bytes', async () => {
  const r = await run('--key', 'signing.pub', '--payload', 'payload.json', 'record.json');
  assert.equal(r.code, 0, r.out + r.err);
  for (const name of ['signature', 'predicate-type', 'statement', 'record', 'payload', 'authenticity']) {
    assert.match(r.out, new RegExp(`^PASS ${name}`, 'm'));
  }
  assert.match(r.out, new RegExp(`^VERIFIED: event ${record.eventId} \\(${record.digest}\\)$`, 'm'));
});

test('a bare DSSE envelope verifies too; --json reports every check', async () => {
  const r = await run('--key', 'other.pub', '--key', 'signing.pub', '--json', 'envelope.json');
  assert.equal(r.code, 0);
  const json = JSON.parse(r.out) as {
    verified: boolean;
    eventId: string;
    digest: string;
    checks: { name: string; ok: boolean }[];
  };
  assert.equal(json.verified, true);
  assert.equal(json.digest, record.digest);
  assert.deepEqual(
    json.checks.map((c) => c.name),
    ['signature', 'predicate-type', 'statement', 'authenticity'],
  );
});

test('wrong key, tampered payload, failed authenticity and a foreign predicate each fail (exit 1)', async () => {
  const wrongKey = await run('--key', 'other.pub', 'record.json');
  assert.equal(wrongKey.code, 1);
  assert.match(wrongKey.out, /^FAIL signature .*\[(BAD_SIGNATURE|UNKNOWN_KEY)\]/m);
  assert.match(wrongKey.out, /^NOT VERIFIED/m);

  const tampered = await run('--key', 'signing.pub', '--payload', 'tampered.json', 'record.json');
  assert.equal(tampered.code, 1);
  assert.match(tampered.out, /^FAIL payload/m);

  const unverified = await signed(BODY, {
    authenticity: {
      provider: 'gitlab',
      verified: false,
      method: 'shared-token X-Gitlab-Token',
      checkedBy: 'x',
    },
  });
  writeFileSync(f('unverified.json'), serializeRecord(unverified));
  const r3 = await run('--key', 'signing.pub', 'unverified.json');
  assert.equal(r3.code, 1);
  assert.match(r3.out, /^FAIL authenticity +NOT verified: gitlab: the check did not pass/m);

  const foreign = await signEnvelope(
    'application/vnd.in-toto+json',
    statementBytes({ ...eventStatement(BODY), predicateType: 'https://slsa.dev/provenance/v1' }),
    [signer],
  );
  writeFileSync(f('foreign.json'), JSON.stringify(foreign));
  const r4 = await run('--key', 'signing.pub', 'foreign.json');
  assert.equal(r4.code, 1);
  assert.match(r4.out, /^FAIL predicate-type/m);

  // A record whose outer fields disagree with what was signed:
  writeFileSync(f('relabelled.json'), serializeRecord({ ...record, eventId: 'another-event' }));
  const r5 = await run('--key', 'signing.pub', 'relabelled.json');
  assert.equal(r5.code, 1);
  assert.match(r5.out, /^FAIL record +record eventId another-event/m);
});

test('provider none, and checks that were not the signer\'s own, fail whatever words they carry', async () => {
  const cases: Array<[string, EventPredicate['authenticity'], RegExp]> = [
    ['none', { provider: 'none', verified: false, method: 'none', checkedBy: '' }, /provider none: nobody here checked/],
    // What versions before the signer-side check signed for whoever asked:
    ['delegated', { provider: 'none', verified: true, method: 'delegated', checkedBy: 'github' }, /provider none/],
    ['interceptor', { provider: 'github', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: 'tekton-provenance-interceptor' }, /not established by the signer/],
  ];
  for (const [name, authenticity, why] of cases) {
    writeFileSync(f(`${name}.json`), serializeRecord(await signed(BODY, { authenticity })));
    const r = await run('--key', 'signing.pub', `${name}.json`);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /^FAIL authenticity +NOT verified: /m);
    assert.match(r.out, why);
  }
});

test('from a PipelineRun (kubectl -o yaml file) and the SQLite store', async () => {
  const store = new SqliteEventStore(f('events.db'));
  await store.put(record);
  await store.close();
  const pr = (annotations: Record<string, string>) => ({
    apiVersion: 'tekton.dev/v1',
    kind: 'PipelineRun',
    metadata: {
      name: 'build-x7k2p',
      namespace: 'ci',
      labels: { 'triggers.tekton.dev/triggers-eventid': record.eventId },
      annotations,
    },
  });
  const good = {
    'tekton-provenance.dev/event-digest': record.digest,
    'tekton-provenance.dev/event-signature': record.envelope.signatures[0]?.sig ?? '',
  };
  writeFileSync(f('pr.yaml'), toYaml(pr(good)));
  const r = await run(
    '--key',
    'signing.pub',
    '--payload',
    'payload.json',
    '--pipelinerun',
    'pr.yaml',
    '--store',
    'events.db',
  );
  assert.equal(r.code, 0, r.out + r.err);
  assert.match(r.out, /^PASS run-digest/m);
  assert.match(r.out, /^PASS run-signature/m);
  assert.match(r.out, /^PASS run-event-id/m);

  writeFileSync(
    f('pr-bad.json'),
    JSON.stringify(pr({ ...good, 'tekton-provenance.dev/event-signature': 'AAAA' })),
  );
  const bad = await run('--key', 'signing.pub', '--pipelinerun', 'pr-bad.json', '--store', 'events.db');
  assert.equal(bad.code, 1);
  assert.match(bad.out, /^FAIL run-signature/m);
});

test('usage errors exit 2', async () => {
  assert.equal((await run('record.json')).code, 2, 'no --key');
  assert.equal((await run('--key', 'signing.pub')).code, 2, 'no record');
  assert.equal((await run('--key', 'missing.pub', 'record.json')).code, 2);
  assert.equal((await run('--key', 'signing.pub', 'missing.json')).code, 2);
  assert.equal((await run('--key', 'signing.pub', '--pipelinerun', 'pr.yaml', '--store', 'nope.db')).code, 2);
  writeFileSync(f('garbage.json'), '{"payloadType": 1}');
  const garbage = await run('--key', 'signing.pub', 'garbage.json');
  assert.equal(garbage.code, 2);
  assert.match(garbage.err, /MALFORMED_ENVELOPE/);
});

test('live PipelineRun (NS/NAME) with the kubernetes-secrets store', async () => {
  const kube = await startKubeApiServer();
  try {
    const store = KubernetesSecretsEventStore.create({
      namespace: 'tekton-provenance',
      kubeConfig: kube.kubeConfig(),
    });
    await store.put(record);
    kube.objects.put({
      apiVersion: 'tekton.dev/v1',
      kind: 'PipelineRun',
      metadata: {
        name: 'build-live1',
        namespace: 'ci',
        labels: { 'triggers.tekton.dev/triggers-eventid': record.eventId },
        annotations: {
          'tekton-provenance.dev/event-digest': record.digest,
          'tekton-provenance.dev/event-signature': record.envelope.signatures[0]?.sig ?? '',
        },
      },
      spec: {},
    });
    const args = ['--key', 'signing.pub', '--payload', 'payload.json', '--pipelinerun', 'ci/build-live1'];
    const store2 = ['--store', 'kubernetes-secrets://tekton-provenance', '--kubeconfig', kube.kubeconfigPath];
    const r = await run(...args, ...store2);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^PASS run-signature/m);
    const missing = await run('--key', 'signing.pub', '--pipelinerun', 'ci/nope', ...store2);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /not found/);
  } finally {
    await kube.close();
  }
});
