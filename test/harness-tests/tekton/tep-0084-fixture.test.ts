import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureBytes } from '../../harness/fixtures/webhooks.ts';
import { tep0084Attestation } from '../../harness/fixtures/tep-0084-attestation.ts';

test('tep-0084-attestation.json is what the generator builds from the simulated simple-build run', () => {
  const stored = JSON.parse(fixtureBytes('tep-0084-attestation.json').toString('utf8'));
  assert.deepEqual(stored, tep0084Attestation(), 'regenerate: npx node test/harness/fixtures/tep-0084-attestation.ts > test/harness/fixtures/tep-0084-attestation.json');
  assert.deepEqual(Object.keys(stored), ['_type', 'predicateType', 'subject', 'predicate']);
  const tasks = stored.predicate.buildConfig.tasks as Array<{ name: string; after?: string[]; status: string }>;
  assert.deepEqual(tasks.map((t) => [t.name, t.after?.[0] ?? null, t.status]), [
    ['git-clone', null, 'Succeeded'],
    ['source-security-scan', 'git-clone', 'Succeeded'],
    ['image-build', 'source-security-scan', 'Succeeded'],
    ['image-security-scan', 'image-build', 'Succeeded'],
  ]);
  assert.deepEqual(stored.predicate.materials[0], { uri: 'git+https://github.com/tektoncd/pipeline.git', digest: { sha1: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' } });
});
