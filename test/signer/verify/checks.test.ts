import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTrustedTasks } from '../../../signer/verify/checks/trusted-tasks.ts';
import { checkBindings, normaliseGitUrl } from '../../../signer/verify/checks/bindings.ts';
import { checkSubject } from '../../../signer/verify/checks/subject.ts';
import { parsePolicy } from '../../../signer/verify/policy/parse-policy.ts';
import type { RunView, TaskView } from '../../../signer/verify/run-view.ts';

const D1 = '1'.repeat(64);
const D2 = '2'.repeat(64);

function task(name: string, ref: TaskView['ref'], extra: Partial<TaskView> = {}): TaskView {
  return { name, status: 'Succeeded', after: [], ref, images: [], results: {}, params: {}, ...extra };
}

function run(extra: Partial<RunView> = {}): RunView {
  return {
    predicateType: 'https://slsa.dev/provenance/v0.2',
    subjects: [{ name: 'registry.example/app', digest: { sha256: D1 } }],
    params: { 'git-url': 'https://github.com/org/app', 'git-revision': 'abc1234' },
    results: {},
    tasks: [],
    materials: [{ uri: 'git+https://github.com/org/app.git', digest: { sha1: 'abc1234' } }],
    event: { state: 'absent', reason: 'test' },
    ...extra,
  };
}

const policy = parsePolicy(`
trustedTasks:
  allow:
    - name: git-clone
      bundle: reg.example/catalog/git-clone@sha256:${D1}
    - name: buildah
      kind: Task
`).trustedTasks!;

test('trusted tasks: pinned bundles and names pass; an injected task, a swapped digest, an unpinned bundle and a failure are named', () => {
  const results = checkTrustedTasks(
    [
      task('clone', {
        name: 'git-clone',
        kind: 'Task',
        bundle: `reg.example/catalog/git-clone:0.9@sha256:${D1}`,
      }),
      task('build', { name: 'buildah', kind: 'Task' }),
      task('mine', { name: 'inject-miner', kind: 'Task' }),
      task('clone2', {
        name: 'git-clone',
        kind: 'Task',
        bundle: `reg.example/catalog/git-clone@sha256:${D2}`,
      }),
      task('clone3', { name: 'git-clone', kind: 'Task', bundle: 'reg.example/catalog/git-clone:latest' }),
      task('build2', { name: 'buildah', kind: 'Task' }, { status: 'Failed' }),
    ],
    policy,
  );
  assert.deepEqual(
    results.map((r) => r.status),
    ['pass', 'pass', 'fail', 'fail', 'fail', 'fail'],
  );
  assert.match(results[2]!.message, /untrusted task: "mine" \(Task\/inject-miner\)/);
  assert.match(results[3]!.message, /untrusted task.*sha256:2222/);
  assert.match(results[4]!.message, /not pinned by digest/);
  assert.match(results[5]!.message, /ended Failed/);
});

test('bindings compare run params and git materials with the event body', () => {
  const rules = parsePolicy('bindings: {presets: [github-push]}').bindings;
  const body = { repository: { clone_url: 'https://github.com/org/app.git' }, after: 'abc1234' };
  const ok = checkBindings(run(), { body, headers: {} }, rules);
  assert.deepEqual(
    ok.map((r) => r.status),
    ['pass', 'skip', 'pass', 'pass', 'pass', 'skip'],
  );
  assert.match(ok[5]!.message, /WARNING: only 4 of 5 bindings checked; skipped, not in the run: param git-repo/);
  const tampered = checkBindings(
    run({ params: { 'git-url': 'https://github.com/evil/app', 'git-revision': 'abc1234' } }),
    { body, headers: {} },
    rules,
  );
  assert.equal(tampered[0]!.status, 'fail');
  assert.match(
    tampered[0]!.message,
    /param git-url is "https:\/\/github.com\/evil\/app" but the event's repository.clone_url/,
  );
  const noEvent = checkBindings(run(), undefined, rules);
  assert.equal(noEvent[0]!.status, 'fail');
  assert.match(noEvent[0]!.message, /no verified event/);
});

test('git URLs normalise scheme/host case, .git and trailing slashes', () => {
  assert.equal(normaliseGitUrl('HTTPS://GitHub.com/Org/App.git/'), 'https://github.com/Org/App');
  assert.equal(normaliseGitUrl('git+https://github.com/org/app.git'), 'https://github.com/org/app');
});

test('subject: the admitted image must be a subject, by digest and repository', () => {
  assert.equal(
    checkSubject(run(), { repository: 'registry.example/app', digest: `sha256:${D1}` }).status,
    'pass',
  );
  const replay = checkSubject(run(), { repository: 'registry.example/app', digest: `sha256:${D2}` });
  assert.equal(replay.status, 'fail');
  assert.match(replay.message, /is not a subject/);
  assert.equal(
    checkSubject(run(), { repository: 'registry.example/other', digest: `sha256:${D1}` }).status,
    'fail',
  );
});
