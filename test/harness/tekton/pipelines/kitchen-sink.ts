import type { PipelineSpec, RunInput } from '../types.ts';

/**
 * Every feature the simulator knows in one pipeline, for controller/normaliser edge cases:
 * array and object params/results, a when-skipped task (and a dependent skipped for missing
 * results), a flaky task with retries, a CustomRun, an inline taskSpec and `finally` tasks.
 */
export const KITCHEN_SINK_PIPELINE: PipelineSpec = {
  params: [
    { name: 'flags', type: 'array', default: ['--verbose', '--strict'] },
    { name: 'target', type: 'object', properties: { os: { type: 'string' }, arch: { type: 'string' } }, default: { os: 'linux', arch: 'amd64' } },
    { name: 'deploy', type: 'string', default: 'false' },
  ],
  tasks: [
    {
      name: 'prepare',
      displayName: 'Prepare the workspace',
      taskSpec: {
        params: [{ name: 'flags', type: 'array' }, { name: 'os', type: 'string' }],
        results: [{ name: 'files', type: 'array' }, { name: 'meta', type: 'object', properties: { version: { type: 'string' }, os: { type: 'string' } } }],
        steps: [{ name: 'prepare', image: 'alpine:3.20', args: ['$(params.flags[*])'] }],
      },
      params: [{ name: 'flags', value: ['$(params.flags[*])'] }, { name: 'os', value: '$(params.target.os)' }],
    },
    { name: 'flaky-test', runAfter: ['prepare'], retries: 2, taskRef: { name: 'unit-test', kind: 'Task' }, params: [{ name: 'files', value: '$(tasks.prepare.results.files)' }] },
    { name: 'approve', runAfter: ['prepare'], taskRef: { apiVersion: 'custom.tekton.dev/v1alpha1', kind: 'Approval', name: 'release-approval' }, params: [{ name: 'approvers', value: ['alice', 'bob'] }] },
    { name: 'deploy', runAfter: ['flaky-test', 'approve'], when: [{ input: '$(params.deploy)', operator: 'in', values: ['true'] }], taskRef: { name: 'deploy', kind: 'Task' } },
    { name: 'smoke', taskRef: { name: 'smoke', kind: 'Task' }, params: [{ name: 'url', value: '$(tasks.deploy.results.url)' }] },
  ],
  finally: [
    { name: 'notify', taskRef: { name: 'notify', kind: 'Task' }, params: [{ name: 'version', value: '$(tasks.prepare.results.meta.version)' }] },
    { name: 'report-deploy', taskRef: { name: 'notify', kind: 'Task' }, params: [{ name: 'url', value: '$(tasks.deploy.results.url)' }] },
  ],
  results: [
    { name: 'files', type: 'array', value: '$(tasks.prepare.results.files[*])' },
    { name: 'meta', type: 'object', value: '$(tasks.prepare.results.meta[*])' },
    { name: 'approved-by', value: '$(tasks.approve.results.approver)' },
    { name: 'deployed-url', value: '$(tasks.deploy.results.url)' },
  ],
};

export function kitchenSinkRun(over: Partial<RunInput> = {}): RunInput {
  return {
    name: 'kitchen-sink-run',
    namespace: 'default',
    pipelineName: 'kitchen-sink',
    pipeline: KITCHEN_SINK_PIPELINE,
    params: [{ name: 'flags', value: ['--fast'] }],
    behaviour: {
      prepare: { durationSeconds: 5, results: { files: ['a.go', 'b.go'], meta: { version: '1.2.3', os: '$(params.os)' } } },
      'flaky-test': { durationSeconds: 10, fail: 2 },
      approve: { durationSeconds: 30, results: { approver: 'alice' } },
      notify: { durationSeconds: 2 },
    },
    startTime: new Date('2026-11-28T23:00:00Z'),
    ...over,
  };
}
