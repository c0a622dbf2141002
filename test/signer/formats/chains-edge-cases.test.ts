import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runFromExports } from '../../../signer/attest/exported-run.ts';
import type { TektonRun } from '../../../signer/model/index.ts';
import { fixtureText, type Json } from '../model/fixtures.ts';
import { CHAINS, attest } from './chains-compare.ts';

// Corner cases read from Chains' code (pkg/artifacts, slsa/extract, slsa/internal/*), on top
// of its slsa-v2alpha4 fixtures: each states what Chains does and checks we do the same.
const H = '827521c857fdcd4374f4da5442fbae2edb01e7fbae285c3ec15673d4c1daecb7';
const H2 = 'd4b63d3e24d6eef04a6dc0795cf8a73470688803d97c52cffa3c8d4efd3397b6';

function run(edit: (pr: Json, trs: Json[]) => void): TektonRun {
  const pr = JSON.parse(fixtureText(`${CHAINS}slsa-v2alpha4/pipelinerun1.json`)) as Json;
  const trs = ['taskrun1.json', 'taskrun2.json'].map((f) => JSON.parse(fixtureText(`${CHAINS}slsa-v2alpha4/${f}`)) as Json);
  edit(pr, trs);
  return runFromExports(JSON.stringify(pr), trs.map((t) => JSON.stringify(t)));
}

const results = (...rs: [string, unknown][]) => (pr: Json): void => {
  pr.status.results = rs.map(([name, value]) => ({ name, value }));
};

async function statement(r: TektonRun, format: string, deep = false): Promise<Json> {
  return (await attest(r, format, { deep })).statement;
}

describe('CHAINS-GIT_URL (attest.SPDXGit)', () => {
  for (const [url, uri] of [
    ['https://git.test.com', 'git+https://git.test.com.git'],
    ['git+https://git.test.com/x.git', 'git+https://git.test.com/x.git'], // was git+git+https://...
    ['https://git.test.com/x.git', 'git+https://git.test.com/x.git'],
  ]) {
    it(`${url} -> ${uri}, in every format`, async () => {
      const r = run(results(['CHAINS-GIT_URL', url], ['CHAINS-GIT_COMMIT', 'abcd']));
      const v02 = await statement(r, 'in-toto');
      assert.deepEqual(v02.predicate.materials.filter((m: Json) => m.digest.sha1 === 'abcd').map((m: Json) => m.uri), [uri]);
      const v1 = await statement(r, 'slsa/v2alpha4');
      assert.deepEqual(v1.predicate.buildDefinition.resolvedDependencies.filter((d: Json) => d.digest?.sha1 === 'abcd').map((d: Json) => d.uri), [uri]);
    });
  }
});

describe('image names (go-containerregistry name.NewDigest)', () => {
  for (const [url, name] of [
    ['docker.io/library/ubuntu', 'index.docker.io/library/ubuntu'],
    ['docker.io/ubuntu', 'index.docker.io/library/ubuntu'],
    ['ubuntu:22.04', 'index.docker.io/library/ubuntu'],
    ['docker.io/tektoncd/pipeline', 'index.docker.io/tektoncd/pipeline'],
    ['reg.io:5000/team/app:v1', 'reg.io:5000/team/app'],
  ]) {
    it(`IMAGE_URL ${url} -> subject ${name} in every format`, async () => {
      const r = run(results(['IMAGE_URL', url], ['IMAGE_DIGEST', `sha256:${H}`]));
      for (const f of ['in-toto', 'slsa/v2alpha3', 'slsa/v2alpha4']) assert.deepEqual((await statement(r, f)).subject, [{ name, digest: { sha256: H } }], f);
      assert.deepEqual((await attest(r, 'tekton', { deep: false })).subjects, [{ name, digest: { sha256: H } }]);
    });
  }

  it('refuses what name.NewDigest refuses: uppercase hex, other algorithms, uppercase repositories', async () => {
    for (const [url, digest] of [['reg.io/app', `sha256:${H.toUpperCase()}`], ['reg.io/app', `sha512:${H}${H}`], ['Reg.io/App', `sha256:${H}`]]) {
      assert.deepEqual((await statement(run(results(['IMAGE_URL', url], ['IMAGE_DIGEST', digest])), 'in-toto')).subject, [], `${url} ${digest}`);
    }
  });

  it('IMAGES: commas and newlines, spaces trimmed, entries without a digest skipped, duplicates once', async () => {
    const r = run(results(['IMAGES', ` reg.io/a@sha256:${H},\nreg.io/b:tag@sha256:${H2}\nreg.io/c:latest,, reg.io/a@sha256:${H}\n`]));
    assert.deepEqual((await statement(r, 'slsa/v2alpha4')).subject, [{ name: 'reg.io/a', digest: { sha256: H } }, { name: 'reg.io/b', digest: { sha256: H2 } }]);
  });

  it('step images stay as the kubelet wrote them (Chains fromImageID: only docker-pullable:// removed)', async () => {
    const r = run((_pr, trs) => (trs[1]!.status.steps[0].imageID = `docker.io/library/alpine@sha256:${H2}`));
    const uris = (await statement(r, 'in-toto')).predicate.materials.map((m: Json) => m.uri);
    assert.ok(uris.includes('oci://docker.io/library/alpine'), uris.join(' '));
  });
});

describe('*ARTIFACT_OUTPUTS type hints (artifacts.IsBuildArtifact)', () => {
  const bpNames = async (r: TektonRun, f: string, deep = false): Promise<string[]> => (await statement(r, f, deep)).predicate.runDetails.byproducts.map((b: Json) => b.name).filter((n: string) => !n.startsWith('pipelineTask/'));

  it('marked and valid: a v2alpha4 subject (and its image name), never a byproduct; v2alpha3 and in-toto count it without the mark', async () => {
    const r = run(results(['x-ARTIFACT_OUTPUTS', { uri: 'reg.io/out', digest: `sha256:${H}`, isBuildArtifact: 'true' }], ['y-ARTIFACT_OUTPUTS', { uri: 'reg.io/unmarked', digest: `sha256:${H2}` }]));
    assert.deepEqual((await statement(r, 'slsa/v2alpha4')).subject, [{ name: 'reg.io/out', digest: { sha256: H } }]);
    assert.deepEqual(await bpNames(r, 'slsa/v2alpha4'), ['pipelineRunResults/pipelinerun-build/y-ARTIFACT_OUTPUTS']);
    const both = [{ name: 'reg.io/out', digest: { sha256: H } }, { name: 'reg.io/unmarked', digest: { sha256: H2 } }];
    assert.deepEqual((await statement(r, 'in-toto')).subject, both);
    assert.deepEqual((await statement(r, 'slsa/v2alpha3')).subject, both);
    assert.deepEqual(await bpNames(r, 'slsa/v2alpha3'), ['pipelineRunResults/x-ARTIFACT_OUTPUTS', 'pipelineRunResults/y-ARTIFACT_OUTPUTS']);
  });

  it('marked but malformed, or not an object: neither subject nor v2alpha4 byproduct (Chains reports an error and skips it)', async () => {
    const r = run(results(['bad-ARTIFACT_OUTPUTS', { uri: 'def', digest: 'sha256:', isBuildArtifact: 'true' }], ['str-ARTIFACT_OUTPUTS', 'reg.io/x']));
    assert.deepEqual((await statement(r, 'slsa/v2alpha4')).subject, []);
    assert.deepEqual(await bpNames(r, 'slsa/v2alpha4'), []);
  });

  it('a sha1 or sha512 build artifact is a subject by its URI, not an image (name.NewDigest is sha256 only)', async () => {
    const sha1 = H2.slice(0, 40);
    const r = run(results(['x-ARTIFACT_OUTPUTS', { uri: 'pkg:npm/app@1', digest: `sha1:${sha1}`, isBuildArtifact: 'true' }]));
    assert.deepEqual((await statement(r, 'slsa/v2alpha4')).subject, [{ name: 'pkg:npm/app@1', digest: { sha1 } }]);
  });

  it('the same artifact from two results is one subject (AppendSubjects merges equal name + digest)', async () => {
    const r = run(results(['a-ARTIFACT_URI', 'file.tgz'], ['a-ARTIFACT_DIGEST', `sha256:${H}`], ['b-ARTIFACT_OUTPUTS', { uri: 'file.tgz', digest: `sha256:${H}` }]));
    assert.deepEqual((await statement(r, 'in-toto')).subject, [{ name: 'file.tgz', digest: { sha256: H } }]);
  });

  it('step results are read only with deep inspection (v2alpha4 subjects and stepResults byproducts)', async () => {
    const r = run(results());
    assert.deepEqual((await statement(r, 'slsa/v2alpha4')).subject, []);
    assert.deepEqual((await statement(r, 'slsa/v2alpha4', true)).subject.map((s: Json) => s.name), ['gcr.io/my/image/fromstep3', 'gcr.io/my/image']);
    assert.ok((await bpNames(r, 'slsa/v2alpha4', true)).includes('stepResults/taskrun-build/step1_result1'));
    assert.ok(!(await bpNames(r, 'slsa/v2alpha3', true)).some((n) => n.startsWith('stepResults/') || n.startsWith('taskRunResults/')));
  });
});

describe('remote StepActions (resolveddependencies.fromRemoteStepActions)', () => {
  it('v2alpha4 lists stepAction/<step> for each step with a refSource, even when another dependency has the same uri and digest; v2alpha3 does not', async () => {
    const src = { uri: 'git+https://github.com/test', digest: { sha1: 'ab123' }, entryPoint: 'stepaction.yaml' };
    const r = run((_pr, trs) => (trs[0]!.status.steps[0].provenance = { refSource: src }));
    const deps = async (f: string): Promise<Json[]> => (await statement(r, f)).predicate.buildDefinition.resolvedDependencies;
    const v4 = await deps('slsa/v2alpha4');
    assert.deepEqual(v4.filter((d) => d.name?.startsWith('stepAction/')), [{ name: 'stepAction/step1', uri: src.uri, digest: src.digest }]);
    assert.equal(v4.filter((d) => d.uri === src.uri && d.digest?.sha1 === 'ab123').length, 2, 'kept next to the pipelineTask with the same source');
    assert.deepEqual((await deps('slsa/v2alpha3')).filter((d) => d.name?.startsWith('stepAction/')), []);
  });
});
