import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { isProvenanceError } from '../../../signer/errors.ts';
import { formats } from '../../../signer/formats/index.ts';
import { matchChildren, normaliseRun } from '../../../signer/model/index.ts';
import { typeHintSubjects } from '../../../signer/formats/index.ts';
import { pipelineRunV1, taskRunsV1, type Json } from './fixtures.ts';

/** Every [path] into a JSON value (objects and arrays), for targeted corruption. */
function paths(v: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const p = [...prefix, Array.isArray(v) ? Number(k) : k];
      out.push(p);
      paths(x, p, out);
    }
  }
  return out;
}

function setAt(root: Json, path: (string | number)[], value: unknown): void {
  let cur: Json = root;
  for (const k of path.slice(0, -1)) cur = cur[k as string];
  cur[path.at(-1) as string] = value;
}

const PR_PATHS = paths(pipelineRunV1());
const TR_PATHS = paths(taskRunsV1()[1]);

describe('normaliseRun on corrupted exports', () => {
  it('either reads the run and builds every format, or throws a coded ProvenanceError (never a TypeError)', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.nat(),
        fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.boolean(), fc.constant([]), fc.constant({}), fc.array(fc.string(), { maxLength: 3 })),
        (inTaskRun, index, value) => {
          const pr = pipelineRunV1();
          const trs = taskRunsV1();
          const targets = inTaskRun ? TR_PATHS : PR_PATHS;
          setAt(inTaskRun ? trs[1]! : pr, targets[index % targets.length]!, value);
          try {
            const run = normaliseRun(pr, matchChildren(pr, trs));
            for (const name of formats.names()) JSON.stringify(formats.get(name).build(run, { builderId: 'b', event: { state: 'absent', reason: 'r' } }));
          } catch (err) {
            assert.ok(isProvenanceError(err), `not a ProvenanceError: ${(err as Error).stack}`);
          }
        },
      ),
      { numRuns: 500, seed: 84 },
    );
  });

  it('subjects are always unique and carry well-formed lowercase digests, whatever the results say', () => {
    const name = fc.constantFrom('IMAGE_URL', 'IMAGE_DIGEST', 'IMAGES', 'a-IMAGE_URL', 'a-IMAGE_DIGEST', 'x-ARTIFACT_URI', 'x-ARTIFACT_DIGEST', 'o-ARTIFACT_OUTPUTS');
    const hex = fc.stringMatching(/^[0-9a-fA-F]{62,66}$/);
    const piece = fc.oneof(fc.constantFrom('reg.io/app', ' reg.io/app:v1 \n', 'ubuntu', '@', ',', '\n', 'sha256:', 'sha1:'), hex, fc.string({ maxLength: 8 }));
    const value = fc.oneof(fc.array(piece, { maxLength: 4 }).map((a) => a.join('')), fc.record({ uri: piece, digest: fc.array(piece, { maxLength: 3 }).map((a) => a.join('')) }));
    fc.assert(
      fc.property(fc.array(fc.record({ name, value }), { maxLength: 8 }), (results) => {
        const subjects = typeHintSubjects(results);
        const keys = subjects.map((s) => `${s.name}@${JSON.stringify(s.digest)}`);
        assert.equal(new Set(keys).size, keys.length);
        for (const s of subjects) {
          // Chains keeps *ARTIFACT_OUTPUTS URIs as written (not trimmed); names are never empty.
          assert.ok(s.name !== '');
          for (const [alg, h] of Object.entries(s.digest)) assert.match(h, alg === 'sha1' ? /^[0-9a-f]{40}$/ : alg === 'sha256' ? /^[0-9a-f]{64}$/ : /^[0-9a-f]+$/);
        }
      }),
      { numRuns: 1000, seed: 5 },
    );
  });
});
