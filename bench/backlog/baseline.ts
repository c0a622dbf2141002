// The bench's baseline, measured in the same run: what one thread does for the same runs with
// no API server, no watch and no storage (normalise + attest + sign from objects in memory).
import { createPrivateKey } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { attestRun } from '../../signer/attest/attest-run.ts';
import { LocalSigner } from '../../signer/keys/local.ts';
import { matchChildren, normaliseRun } from '../../signer/model/index.ts';
import { instantiate } from './fixture.ts';

export async function baselineRunsPerSecond(template: string, keyPem: string, iterations = 200): Promise<number> {
  const signer = new LocalSigner(createPrivateKey(keyPem));
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const { pipelineRun, taskRuns } = instantiate(template, `baseline-${i}`, new Date());
    (pipelineRun['metadata'] as Record<string, unknown>)['uid'] = `uid-${i}`;
    const run = normaliseRun(pipelineRun, matchChildren(pipelineRun, taskRuns));
    await attestRun(run, { formats: ['in-toto'], signer, event: { state: 'absent', reason: 'bench' } });
  }
  return iterations / ((performance.now() - started) / 1000);
}
