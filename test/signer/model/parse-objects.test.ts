import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { isProvenanceError } from '../../../signer/errors.ts';
import { parseKubeObjects } from '../../../signer/model/index.ts';
import { fixtureText, pipelineRunV1, taskRunsV1 } from './fixtures.ts';

const names = (objs: object[]): string[] => objs.map((o) => (o as { metadata: { name: string } }).metadata.name);

describe('parseKubeObjects', () => {
  it('reads one JSON object (kubectl get pipelinerun X -o json)', () => {
    assert.deepEqual(names(parseKubeObjects(fixtureText('chains-pipeline/pipelinerun.json'))), ['pipelinerun-build']);
  });

  it('flattens a List (kubectl get taskruns -o json)', () => {
    assert.deepEqual(names(parseKubeObjects(fixtureText('chains-pipeline/taskruns.json'))), ['git-clone', 'taskrun-build']);
  });

  it('reads multi-document YAML, skipping empty documents', () => {
    const text = `---\n${fixtureText('chains-pipeline/taskruns-v1beta1.yaml')}\n---\n`;
    assert.deepEqual(names(parseKubeObjects(text)), ['git-clone', 'taskrun-build']);
  });

  it('reads a YAML List (kubectl get -o yaml) and a JSON array', () => {
    const list = stringify({ apiVersion: 'v1', kind: 'List', items: [pipelineRunV1(), ...taskRunsV1()] });
    assert.deepEqual(names(parseKubeObjects(list)), ['pipelinerun-build', 'git-clone', 'taskrun-build']);
    assert.deepEqual(names(parseKubeObjects(JSON.stringify(taskRunsV1()))), ['git-clone', 'taskrun-build']);
  });

  it('refuses text that is neither JSON nor YAML objects', () => {
    for (const text of ['', 'just a string', '{"kind": "List", "items": [1]}', 'a: [1, 2\n']) {
      assert.throws(() => parseKubeObjects(text, 'pr.yaml'), (err: unknown) => isProvenanceError(err, 'UNPARSABLE_OBJECTS'), text);
    }
  });

  it('refuses hostile nesting before anything reads it', () => {
    const deep = '['.repeat(5000) + ']'.repeat(5000);
    assert.throws(() => parseKubeObjects(deep), (err: unknown) => isProvenanceError(err, 'TOO_DEEP'));
  });
});
