import { readFileSync } from 'node:fs';
import type { ParamSpec, ParamValue, PipelineSpec, RunInput, TaskSpec } from '../types.ts';

/**
 * TEP-0084's own example, exactly: the `simple-build` Pipeline given in the TEP (lcarva's
 * minimal-container build: git-clone Task, trivy-scanner bundles, the buildah ClusterTask) and
 * the run behind its example attestation (tekton/community teps/0084-endtoend-provenance-collection.md,
 * kept verbatim in test/harness/fixtures/tep-0084-example-attestation.json). Task specs (step
 * names, images, scripts, args, param defaults) are read back from that attestation, so nothing
 * is invented; times, results and digests reproduce it.
 *
 * `simpleBuildRun()` (simple-build.ts) is this project's own variant of the same flow, used by
 * most tests; this one is for comparing against the upstream example.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const TEP_0084_EXAMPLE_ATTESTATION: Json = JSON.parse(
  readFileSync(new URL('../../fixtures/tep-0084-example-attestation.json', import.meta.url), 'utf8'),
);

export const TEP_0084_PIPELINE: PipelineSpec = {
  params: [
    { name: 'git-repo', type: 'string', description: 'Repository URL to clone from.' },
    { name: 'git-revision', type: 'string', default: 'main', description: 'Revision to checkout. (branch, tag, sha, ref, etc...)' },
    { name: 'output-image', type: 'string', description: 'Reference of the image the pipeline will produce.' },
  ],
  workspaces: [{ name: 'shared' }],
  tasks: [
    { name: 'git-clone', taskRef: { kind: 'Task', name: 'git-clone' }, params: [{ name: 'url', value: '$(params.git-repo)' }, { name: 'revision', value: '$(params.git-revision)' }], workspaces: [{ name: 'output', workspace: 'shared' }] },
    {
      name: 'source-security-scan',
      runAfter: ['git-clone'],
      taskRef: { name: 'trivy-scanner', bundle: 'gcr.io/tekton-releases/catalog/upstream/trivy-scanner:0.1' },
      params: [{ name: 'ARGS', value: ['filesystem'] }, { name: 'IMAGE_PATH', value: '.' }],
      workspaces: [{ name: 'manifest-dir', workspace: 'shared' }],
    },
    {
      name: 'image-build',
      runAfter: ['source-security-scan'],
      taskRef: { kind: 'ClusterTask', name: 'buildah' },
      params: [{ name: 'IMAGE', value: '$(params.output-image)' }, { name: 'STORAGE_DRIVER', value: 'vfs' }],
      workspaces: [{ name: 'source', workspace: 'shared' }],
    },
    {
      name: 'image-security-scan',
      taskRef: { name: 'trivy-scanner', bundle: 'gcr.io/tekton-releases/catalog/upstream/trivy-scanner@sha256:e4c2916f25ce2d42ec7016c3dc3392e527442c307f43aae3ea63f4622ee5cfe4' },
      params: [{ name: 'ARGS', value: ['image'] }, { name: 'IMAGE_PATH', value: '$(tasks.image-build.results.IMAGE_URL)' }],
      workspaces: [{ name: 'manifest-dir', workspace: 'shared' }],
    },
  ],
  results: [
    { name: 'IMAGE_URL', description: 'Reference of the image the pipeline will produce.', value: '$(tasks.image-build.results.IMAGE_URL)' },
    { name: 'IMAGE_DIGEST', description: 'Digest of the image the pipeline will produce.', value: '$(tasks.image-build.results.IMAGE_DIGEST)' },
    { name: 'CHAINS-GIT_URL', description: 'Repository URL used for buiding the image.', value: '$(tasks.git-clone.results.url)' },
    { name: 'CHAINS-GIT_COMMIT', description: 'Repository commit used for building the image.', value: '$(tasks.git-clone.results.commit)' },
  ],
};

/** A Task spec rebuilt from one `buildConfig.tasks[]` entry of the example attestation. */
function taskSpecFrom(entry: Json, provided: string[]): TaskSpec {
  const params: ParamSpec[] = Object.entries(entry['invocation']['parameters'] as Record<string, string>).map(([name, quoted]) => {
    const value = JSON.parse(quoted) as ParamValue; // Chains of 2022 JSON-quoted every value
    const type = Array.isArray(value) ? 'array' : 'string';
    return provided.includes(name) ? { name, type } : { name, type, default: value };
  });
  return {
    params,
    results: ((entry['results'] ?? []) as Json[]).map((r) => ({ name: r['name'], type: 'string' as const })),
    steps: (entry['steps'] as Json[]).map((s) => ({
      name: s['environment']['container'],
      image: s['environment']['image'],
      script: s['entryPoint'],
      ...(s['arguments'] ? { args: s['arguments'] } : {}),
    })),
  };
}

const entries = (): Json[] => TEP_0084_EXAMPLE_ATTESTATION['predicate']['buildConfig']['tasks'];
const entry = (name: string): Json => entries().find((t) => t['name'] === name) as Json;

/** The run behind TEP-0084's example attestation (v1beta1 era; pass `apiVersion` to choose). */
export function tep0084ExampleRun(over: Partial<RunInput> = {}): RunInput {
  const result = (task: string, name: string): string => (entry(task)['results'] as Json[]).find((r) => r['name'] === name)?.['value'];
  return {
    name: 'simple-build-run',
    namespace: 'default',
    pipelineName: 'simple-build',
    pipeline: TEP_0084_PIPELINE,
    params: [
      { name: 'git-repo', value: 'https://github.com/lcarva/minimal-container' },
      { name: 'output-image', value: 'registry.example.com/minimal-container/min:latest' },
    ],
    tasks: {
      'git-clone': taskSpecFrom(entry('git-clone'), ['url', 'revision']),
      'trivy-scanner': taskSpecFrom(entry('source-security-scan'), ['ARGS', 'IMAGE_PATH']),
      buildah: taskSpecFrom(entry('image-build'), ['IMAGE', 'STORAGE_DRIVER']),
    },
    behaviour: {
      'git-clone': { durationSeconds: 8, results: { commit: result('git-clone', 'commit'), url: result('git-clone', 'url') } },
      'source-security-scan': { delaySeconds: 1, durationSeconds: 10 },
      'image-build': { durationSeconds: 11, results: { IMAGE_DIGEST: result('image-build', 'IMAGE_DIGEST'), IMAGE_URL: result('image-build', 'IMAGE_URL') } },
      'image-security-scan': { durationSeconds: 12 },
    },
    startTime: new Date(TEP_0084_EXAMPLE_ATTESTATION['predicate']['metadata']['buildStartedOn']),
    completionDelaySeconds: 0,
    ...over,
  };
}
