import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildArtifactSubjects, typeHintSubjects as subjectsFromResults } from '../../../signer/formats/index.ts';
import { parseImageRef } from '../../../signer/formats/shared/image-ref.ts';

const H1 = '827521c857fdcd4374f4da5442fbae2edb01e7fbae285c3ec15673d4c1daecb7';
const H2 = 'd4b63d3e24d6eef04a6dc0795cf8a73470688803d97c52cffa3c8d4efd3397b6';
const r = (name: string, value: string | Record<string, string>) => ({ name, value });

describe('subjects by Chains type hinting', () => {
  it('pairs *IMAGE_URL with *IMAGE_DIGEST by prefix', () => {
    const got = subjectsFromResults([
      r('IMAGE_URL', 'reg.io/app'),
      r('IMAGE_DIGEST', `sha256:${H1}`),
      r('sidecar-IMAGE_URL', 'reg.io/side'),
      r('sidecar-IMAGE_DIGEST', `sha256:${H2}`),
      r('lonely-IMAGE_URL', 'reg.io/lonely'),
    ]);
    assert.deepEqual(got, [
      { name: 'reg.io/app', digest: { sha256: H1 } },
      { name: 'reg.io/side', digest: { sha256: H2 } },
    ]);
  });

  it('tolerates whitespace, newlines and tags; drops the tag from the name', () => {
    const got = subjectsFromResults([r('IMAGE_URL', '  reg.io:5000/team/app:v1.2\n'), r('IMAGE_DIGEST', `\nsha256:${H1}  \n`)]);
    assert.deepEqual(got, [{ name: 'reg.io:5000/team/app', digest: { sha256: H1 } }]);
  });

  // Was accepted and lowercased before; Chains (go-containerregistry, go-digest) refuses it.
  it('refuses uppercase hex, as go-digest does', () => {
    assert.deepEqual(subjectsFromResults([r('IMAGE_URL', 'reg.io/app'), r('IMAGE_DIGEST', `sha256:${H1.toUpperCase()}`)]), []);
  });

  it('reads IMAGES as a comma or newline list of digest references, skipping entries without one', () => {
    const got = subjectsFromResults([r('IMAGES', `reg.io/a@sha256:${H1},\n reg.io/b:tag@sha256:${H2}\nreg.io/c:latest\n\n`)]);
    assert.deepEqual(got, [
      { name: 'reg.io/a', digest: { sha256: H1 } },
      { name: 'reg.io/b', digest: { sha256: H2 } },
    ]);
  });

  it('reads *ARTIFACT_URI/*ARTIFACT_DIGEST pairs and *ARTIFACT_OUTPUTS objects', () => {
    const got = subjectsFromResults([
      r('pkg-ARTIFACT_URI', ' pkg:npm/app@1.0.0 '),
      r('pkg-ARTIFACT_DIGEST', `sha256:${H1}`),
      r('img-ARTIFACT_OUTPUTS', { uri: 'reg.io/out', digest: `sha256:${H2}` }),
      r('bad-ARTIFACT_OUTPUTS', { uri: 'def', digest: 'sha256:' }),
      r('nouri-ARTIFACT_OUTPUTS', { digest: `sha256:${H2}` }),
      r('img-ARTIFACT_INPUTS', { uri: 'abc', digest: `sha256:${H2}` }),
    ]);
    assert.deepEqual(got, [
      { name: 'pkg:npm/app@1.0.0', digest: { sha256: H1 } },
      { name: 'reg.io/out', digest: { sha256: H2 } },
    ]);
  });

  it('refuses malformed digests (wrong length, non-hex, unknown algorithm)', () => {
    for (const d of [`sha256:${H1.slice(1)}`, `sha256:${'g'.repeat(64)}`, `md5:${H1.slice(0, 32)}`, H1, 'sha256']) {
      assert.deepEqual(subjectsFromResults([r('IMAGE_URL', 'reg.io/app'), r('IMAGE_DIGEST', d)]), [], d);
    }
  });

  it('lists each subject once', () => {
    const got = subjectsFromResults([
      r('IMAGE_URL', 'reg.io/app:1'),
      r('IMAGE_DIGEST', `sha256:${H1}`),
      r('IMAGES', `reg.io/app:2@sha256:${H1}`),
      r('x-ARTIFACT_OUTPUTS', { uri: 'reg.io/app', digest: `sha256:${H1}` }),
    ]);
    assert.deepEqual(got, [{ name: 'reg.io/app', digest: { sha256: H1 } }]);
  });
});

describe('v2alpha4 build-artifact subjects (Chains SubjectsFromBuildArtifact)', () => {
  it('counts *ARTIFACT_OUTPUTS only with isBuildArtifact "true", also as a normalised image name', () => {
    const got = buildArtifactSubjects([
      r('a-ARTIFACT_OUTPUTS', { uri: 'abc', digest: `sha256:${H1}`, isBuildArtifact: 'true' }),
      r('b-ARTIFACT_OUTPUTS', { uri: 'reg.io/not-marked', digest: `sha256:${H2}` }),
      r('c-ARTIFACT_OUTPUTS', { uri: 'pkg:npm/x@1', digest: `sha1:${H2.slice(0, 40)}`, isBuildArtifact: 'true' }),
      r('d-ARTIFACT_URI', 'reg.io/uri'),
      r('d-ARTIFACT_DIGEST', `sha256:${H2}`),
    ]);
    assert.deepEqual(got, [
      { name: 'abc', digest: { sha256: H1 } },
      { name: 'pkg:npm/x@1', digest: { sha1: H2.slice(0, 40) } },
      { name: 'index.docker.io/library/abc', digest: { sha256: H1 } },
    ]);
  });

  it('merges a subject seen twice with one common digest (Chains AppendSubjects)', () => {
    const got = subjectsFromResults([
      r('x-ARTIFACT_OUTPUTS', { uri: 'file', digest: `sha256:${H1}` }),
      r('y-ARTIFACT_URI', 'file'),
      r('y-ARTIFACT_DIGEST', `sha256:${H1}`),
    ]);
    assert.deepEqual(got, [{ name: 'file', digest: { sha256: H1 } }]);
  });
});

describe('image references', () => {
  it('rename docker.io to index.docker.io and add library/ to one-part names there', () => {
    assert.equal(parseImageRef('docker.io/x')?.repository, 'index.docker.io/library/x');
    assert.equal(parseImageRef('docker.io/tektoncd/pipeline:v1')?.repository, 'index.docker.io/tektoncd/pipeline');
    assert.equal(parseImageRef('index.docker.io/ubuntu')?.repository, 'index.docker.io/library/ubuntu');
    assert.equal(parseImageRef('ubuntu')?.repository, 'index.docker.io/library/ubuntu');
    assert.equal(parseImageRef('Reg.io/App'), undefined, 'repositories are lowercase');
  });

  it('normalise Docker Hub short names as go-containerregistry does (cosign looks them up so)', () => {
    assert.equal(parseImageRef('ubuntu:22.04')?.repository, 'index.docker.io/library/ubuntu');
    assert.equal(parseImageRef('tektoncd/pipeline')?.repository, 'index.docker.io/tektoncd/pipeline');
    assert.equal(parseImageRef('localhost/app')?.repository, 'localhost/app');
    assert.equal(parseImageRef('127.0.0.1:5000/app:v1')?.repository, '127.0.0.1:5000/app');
  });

  it('strip runtime prefixes from kubelet imageIDs', () => {
    assert.deepEqual(parseImageRef(`docker-pullable://gcr.io/t/t@sha256:${H2}`), { repository: 'gcr.io/t/t', digest: { sha256: H2 } });
  });
});
