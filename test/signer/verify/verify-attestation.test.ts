import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyAttestation } from '../../../signer/verify/verify-attestation.ts';
import { parsePolicy } from '../../../signer/verify/policy/parse-policy.ts';
import { attest, IMAGE, IMAGE_DIGEST, newSigner, signedEvent, simpleBuild, SIMPLE_BUILD_POLICY, verifierOf } from './chain-fixture.ts';

const policy = parsePolicy(SIMPLE_BUILD_POLICY);

test('the TEP-0084 simple-build chain verifies end to end in both SLSA formats', async () => {
  const signer = newSigner();
  const record = await signedEvent(signer);
  const atts = await attest(simpleBuild(record), signer, { state: 'found', record });
  assert.equal(atts.length, 2);
  for (const att of atts) {
    const report = verifyAttestation(att.format, att.envelope, {
      keys: [verifierOf(signer)],
      policy,
      image: { repository: IMAGE, digest: IMAGE_DIGEST },
    });
    const failed = report.checks.filter((c) => c.status === 'fail');
    assert.deepEqual(failed, [], `${att.format}: ${JSON.stringify(failed)}`);
    const names = report.checks.map((c) => c.name);
    for (const n of ['signature', 'statement', 'subject', 'event signature', 'event digest', 'event authenticity', 'builder']) {
      assert.ok(names.includes(n), `${att.format} reports ${n}`);
    }
    assert.equal(report.checks.filter((c) => c.name.startsWith('task ')).length, 4);
    assert.equal(report.checks.filter((c) => c.name.startsWith('binding ') && c.status === 'pass').length, 4, att.format);
  }
});

test('a run without images (no subjects) verifies as a run record, but never for an image', async () => {
  const signer = newSigner();
  const record = await signedEvent(signer);
  const run = simpleBuild(record);
  run.pipelineRun.results = run.pipelineRun.results.filter((r) => !/IMAGE_/.test(r.name));
  const [att] = await attest(run, signer, { state: 'found', record }, ['in-toto']);
  const asRecord = verifyAttestation('no-images', att!.envelope, { keys: [verifierOf(signer)], policy });
  assert.deepEqual(asRecord.checks.filter((c) => c.status === 'fail'), []);
  const forImage = verifyAttestation('no-images', att!.envelope, { keys: [verifierOf(signer)], policy, image: { repository: IMAGE, digest: IMAGE_DIGEST } });
  assert.equal(forImage.ok, false);
  assert.match(forImage.checks.find((c) => c.name === 'statement')!.message, /no subjects/);
});
