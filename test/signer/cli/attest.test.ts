import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runCli, type CliRun } from './run-cli.ts';
import { parseEnvelope } from '../../../signer/dsse/parse.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { parseRecord } from '../../../signer/events/record-codec.ts';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import { PublicKeyVerifier } from '../../../signer/keys/local.ts';
import { FIXTURES, fixtureText } from '../model/fixtures.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'attest-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const verifier = PublicKeyVerifier.fromPem(fixtureText('keys/attestation-signer.pub.pem'));
const F = (rel: string): string => `${FIXTURES}${rel}`;

const inProcess = (argv: string[]): Promise<CliRun> => runCli(['attest', ...argv], { cwd: ROOT });

describe('tkn-provenance attest', () => {
  it('signs exported objects end to end as a process (the controller code path)', async () => {
    const out = join(dir, 'att.jsonl');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        'signer/cli/tkn-provenance.ts', 'attest',
        '--pipelinerun', F('chains-pipeline/pipelinerun.json'),
        '--taskruns', F('chains-pipeline/taskruns.json'),
        '--event', F('events/push-event-record.json'),
        '--key', F('keys/attestation-signer.key.pem'),
        '--format', 'in-toto,slsa/v2alpha4', '--format', 'tekton',
        '--builder-id', 'https://example.com/ci',
        '--out', out, '--json',
      ],
      { cwd: ROOT },
    );
    const summary = JSON.parse(stdout);
    assert.equal(summary.event.state, 'found');
    assert.deepEqual(summary.incompleteTasks, []);
    assert.deepEqual(summary.attestations.map((a: { format: string }) => a.format), ['in-toto', 'slsa/v2alpha4', 'tekton']);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    const statement = JSON.parse(verifyEnvelope(parseEnvelope(lines[0]!), [verifier]).payload.toString());
    assert.equal(statement.predicate.builder.id, 'https://example.com/ci');
    assert.equal(statement.predicate.buildConfig.triggerEvent.state, 'found');
    assert.deepEqual(statement.predicate.buildConfig.tasks.map((t: { name: string }) => t.name), ['git-clone', 'build']);
    for (const line of lines) verifyEnvelope(parseEnvelope(line), [verifier]);
  });

  it('reads v1beta1 YAML exports and writes the envelope to stdout without --out', async () => {
    const r = await inProcess([
      '--pipelinerun', F('chains-pipeline/pipelinerun-v1beta1.json'),
      '--taskruns', F('chains-pipeline/taskruns-v1beta1.yaml'),
      '--key', F('keys/attestation-signer.key.pem'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    const statement = JSON.parse(verifyEnvelope(parseEnvelope(r.stdout.trim()), [verifier]).payload.toString());
    assert.equal(statement.predicate.buildConfig.triggerEvent.state, 'absent');
    assert.equal(statement.predicate.metadata.completeness.materials, false);
  });

  it('records TaskRuns that were not exported as incomplete tasks', async () => {
    const r = await inProcess(['--pipelinerun', F('chains-pipeline/pipelinerun.json'), '--key', F('keys/attestation-signer.key.pem'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).incompleteTasks.map((t: { name: string }) => t.name), ['git-clone', 'taskrun-build']);
  });

  it('finds the event in a SQLite event store (--store)', async () => {
    const db = join(dir, 'events.db');
    const store = new SqliteEventStore(db);
    await store.put(parseRecord(fixtureText('events/push-event-record.json')));
    await store.close();
    const r = await inProcess(['--pipelinerun', F('chains-pipeline/pipelinerun.json'), '--taskruns', F('chains-pipeline/taskruns.json'), '--store', db, '--key', F('keys/attestation-signer.key.pem'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).event.state, 'found');
  });

  it('usage errors exit 2 with a message naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['--key', F('keys/attestation-signer.key.pem')], /--pipelinerun is required/],
      [['--pipelinerun', F('chains-pipeline/pipelinerun.json')], /--key is required/],
      [['--pipelinerun', F('chains-pipeline/pipelinerun.json'), '--key', F('keys/attestation-signer.key.pem'), '--format', 'slsa/v9'], /unknown --format "slsa\/v9"/],
      [['--pipelinerun', F('chains-pipeline/taskruns.json'), '--key', F('keys/attestation-signer.key.pem')], /exactly one PipelineRun, found 0 \[WRONG_KIND\]/],
      [['--pipelinerun', join(dir, 'nope.yaml'), '--key', F('keys/attestation-signer.key.pem')], /cannot read .*nope\.yaml: ENOENT/],
      [['--pipelinerun', F('chains-pipeline/pipelinerun.json'), '--key', join(dir, 'no.key')], /does not exist/],
      [['--pipelinerun', F('chains-pipeline/pipelinerun.json'), '--key', F('keys/attestation-signer.key.pem'), '--event', F('chains-pipeline/pipelinerun.json')], /INVALID_EVENT_RECORD/],
      [['--pipelinerun', F('chains-pipeline/pipelinerun.json'), '--key', F('keys/attestation-signer.key.pem'), '--store', join(dir, 'typo.db')], /event store .*typo\.db does not exist/],
    ];
    for (const [argv, message] of cases) {
      const r = await inProcess(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.match(r.stderr, message);
    }
  });

  it('--deep-inspection reads the TaskRuns\' results, as Chains\' artifacts.pipelinerun.enable-deep-inspection', async () => {
    const args = ['--pipelinerun', F('chains/slsa-v2alpha4/pipelinerun1.json'), '--taskruns', F('chains/slsa-v2alpha4/taskrun1.json'), '--taskruns', F('chains/slsa-v2alpha4/taskrun2.json'),
      '--key', F('keys/attestation-signer.key.pem'), '--format', 'slsa/v2alpha4', '--json'];
    const names = async (extra: string[]): Promise<string[]> => JSON.parse((await inProcess([...args, ...extra])).stdout).attestations[0].subjects.map((s: { name: string }) => s.name);
    assert.deepEqual(await names([]), ['abc', 'test.io/test/image', 'index.docker.io/library/abc']);
    assert.deepEqual(await names(['--deep-inspection']), ['abc', 'test.io/test/image', 'index.docker.io/library/abc', 'gcr.io/my/image/fromstep3', 'gcr.io/my/image']);
  });
});
