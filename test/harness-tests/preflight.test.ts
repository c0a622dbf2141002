// Issue 10 "also fix": npm test checks the programs the tests need before running anything,
// and a harness component that cannot start fails its suite at once instead of hanging.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PROGRAMS, missingMessage, missingPrograms } from '../preflight.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

test('missingPrograms names what is absent, with its Debian package', () => {
  const programs = [
    { name: 'sh', pkg: 'dash', usedBy: 'x' },
    { name: 'no-such-program-x', pkg: 'pkg-x', usedBy: 'the x test' },
    { name: '/nonexistent/docker-registry', pkg: 'docker-registry', usedBy: 'the registry' },
  ];
  const missing = missingPrograms(programs);
  assert.deepEqual(missing.map((p) => p.name), ['no-such-program-x', '/nonexistent/docker-registry']);
  assert.match(missingMessage(missing), /apt-get install -y --no-install-recommends pkg-x docker-registry/);
  assert.deepEqual(missingPrograms(PROGRAMS), [], 'this machine has everything the tests need');
});

test('npm test stops before running anything when a program is missing (exit 2)', () => {
  const r = spawnSync(process.execPath, ['test/run.ts', 'test/unit/dsse-smoke.test.ts'], {
    cwd: ROOT,
    env: { PATH: '/nonexistent', DOCKER_REGISTRY_BIN: '/nonexistent/docker-registry' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /\/nonexistent\/docker-registry \(Debian package docker-registry\)/);
  assert.match(r.stderr, /curl \(Debian package curl\)/);
  assert.doesNotMatch(r.stdout, /== tests/);
});

test('a world whose registry cannot start fails at once and leaves nothing open', () => {
  const script = `
    import { startWorld } from ${JSON.stringify(join(ROOT, 'test/signer/controller/setup.ts'))};
    try { await startWorld(); console.log('started?'); } catch (err) { console.log(err.code); }
  `;
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, DOCKER_REGISTRY_BIN: '/nonexistent/docker-registry' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'REGISTRY_BINARY_MISSING');
  assert.ok(Date.now() - started < 60_000, 'the process exited by itself: no server left open');
});
