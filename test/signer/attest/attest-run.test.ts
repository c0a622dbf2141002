import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { attestRun } from '../../../signer/attest/index.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { isProvenanceError } from '../../../signer/errors.ts';
import { validateStatement } from '../../../signer/intoto/validate.ts';
import { LocalSigner, PublicKeyVerifier } from '../../../signer/keys/local.ts';
import { fixtureText } from '../model/fixtures.ts';
import { FOUND, chainsRun } from '../formats/run-fixtures.ts';

const signer = LocalSigner.fromPem(fixtureText('keys/attestation-signer.key.pem'));
const verifier = PublicKeyVerifier.fromPem(fixtureText('keys/attestation-signer.pub.pem'));

/** DSSE PAE written out here, independently of signer/dsse/pae.ts. */
function pae(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
}

describe('attestRun: build -> serialise once -> sign', () => {
  it('signs one attestation per format; the envelope carries exactly the returned payload bytes', async () => {
    const out = await attestRun(chainsRun(), { formats: ['in-toto', 'slsa/v2alpha4', 'tekton'], signer, event: FOUND() });
    assert.deepEqual(out.map((a) => a.format), ['in-toto', 'slsa/v2alpha4', 'tekton']);
    for (const a of out) {
      assert.equal(Buffer.from(a.envelope.payload, 'base64').equals(a.payload), true);
      assert.equal(a.envelope.payloadType, a.payloadType);
      const verified = verifyEnvelope(a.envelope, [verifier], { payloadType: a.payloadType });
      assert.deepEqual(verified.keyids, [signer.keyid]);
      assert.deepEqual(a.subjects.map((s) => s.name), ['test.io/test/image']);
    }
    const [intoto, v1, tekton] = out;
    assert.deepEqual(JSON.parse(intoto!.payload.toString()), intoto!.statement);
    validateStatement(JSON.parse(intoto!.payload.toString()), { predicateType: 'https://slsa.dev/provenance/v0.2' });
    validateStatement(JSON.parse(v1!.payload.toString()), { predicateType: 'https://slsa.dev/provenance/v1' });
    assert.equal(tekton!.statement, undefined);
    assert.equal(tekton!.payloadType, 'application/vnd.tekton-provenance.pipelinerun-status+json');
  });

  it('verifies with an independent implementation (openssl over a hand-built PAE)', async () => {
    const [a] = await attestRun(chainsRun(), { formats: ['in-toto'], signer, event: FOUND() });
    const dir = mkdtempSync(join(tmpdir(), 'attest-'));
    try {
      writeFileSync(join(dir, 'pae'), pae(a!.payloadType, Buffer.from(a!.envelope.payload, 'base64')));
      writeFileSync(join(dir, 'sig'), Buffer.from(a!.envelope.signatures[0]!.sig, 'base64'));
      writeFileSync(join(dir, 'pub.pem'), fixtureText('keys/attestation-signer.pub.pem'));
      const res = execFileSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'sig'), join(dir, 'pae')]);
      assert.match(res.toString(), /Verified OK/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('applies builder id and each SLSA version its own build type, and dedupes repeated formats', async () => {
    const out = await attestRun(chainsRun(), {
      formats: ['in-toto', 'in-toto', 'slsa/v2alpha4'],
      signer,
      event: FOUND(),
      builderId: 'https://example.com/builder',
      buildType: 'https://tekton.dev/chains/v2/slsa-tekton',
      inTotoBuildType: 'https://example.com/type',
    });
    assert.equal(out.length, 2);
    const p = out[0]!.statement!.predicate as { builder: { id: string }; buildType: string };
    assert.equal(p.builder.id, 'https://example.com/builder');
    assert.equal(p.buildType, 'https://example.com/type');
    const v1 = out[1]!.statement!.predicate as { buildDefinition: { buildType: string } };
    assert.equal(v1.buildDefinition.buildType, 'https://tekton.dev/chains/v2/slsa-tekton');
  });

  it("Chains' builddefinition.buildtype (SLSA v1.0) does not change the in-toto (v0.2) buildType", async () => {
    const [a] = await attestRun(chainsRun(), { formats: ['in-toto'], signer, event: FOUND(), buildType: 'https://tekton.dev/chains/v2/slsa' });
    const p = a!.statement!.predicate as { buildType: string };
    // Chains' default (the run's group/version/kind); it was TEP-0084's URI before, now opt-in below.
    assert.equal(p.buildType, 'tekton.dev/v1/PipelineRun');
  });

  it('artifacts.pipelinerun.in-toto.buildtype sets the TEP-0084 value for the v0.2 format', async () => {
    const [a] = await attestRun(chainsRun(), { formats: ['in-toto'], signer, event: FOUND(), inTotoBuildType: 'https://tekton.dev/attestations/chains/pipelinerun@v2' });
    assert.equal((a!.statement!.predicate as { buildType: string }).buildType, 'https://tekton.dev/attestations/chains/pipelinerun@v2');
  });

  it('is deterministic: the same run gives the same payload bytes', async () => {
    const a = await attestRun(chainsRun(), { formats: ['slsa/v2alpha4'], signer, event: FOUND() });
    const b = await attestRun(chainsRun(), { formats: ['slsa/v2alpha4'], signer, event: FOUND() });
    assert.equal(a[0]!.payload.equals(b[0]!.payload), true);
  });

  it('still attests a run without type-hinted results (no subjects), as Chains does', async () => {
    const run = chainsRun((pr) => (pr.status.results = pr.status.results.filter((r: { name: string }) => !/IMAGE_|ARTIFACT_OUTPUTS/.test(r.name))));
    const [a] = await attestRun(run, { formats: ['in-toto'], signer, event: FOUND() });
    assert.deepEqual(a!.subjects, []);
    assert.deepEqual(a!.statement!.subject, []);
    verifyEnvelope(a!.envelope, [verifier]);
  });

  it('refuses an unknown format with UNKNOWN_PLUGIN before signing anything', async () => {
    let signed = 0;
    const counting = { keyid: signer.keyid, publicKey: signer.publicKey, algorithm: signer.algorithm, sign: async (d: Buffer) => (signed++, signer.sign(d)) };
    await assert.rejects(attestRun(chainsRun(), { formats: ['in-toto', 'slsa/v9'], signer: counting, event: FOUND() }), (err: unknown) => isProvenanceError(err, 'UNKNOWN_PLUGIN') && /slsa\/v9/.test((err as Error).message));
    assert.equal(signed, 0);
  });
});
