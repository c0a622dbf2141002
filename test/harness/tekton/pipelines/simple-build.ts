import type { PipelineSpec, RunInput, TaskBehaviour, TaskSpec } from '../types.ts';

/**
 * This project's variant of TEP-0084's running example: git-clone -> source-security-scan ->
 * image-build -> image-security-scan, the image built from the `clone-repo` dirpath that
 * git-clone filled from {repo-url, revision}. Unlike the TEP's own example (tep-0084.ts, exact)
 * it uses the four ways to reference a Task (bundle, cluster name, git resolver, bundles
 * resolver), current catalog versions (git-clone 0.9, buildah 0.6) and trivy; results follow
 * Chains type hinting (IMAGE_URL/IMAGE_DIGEST, CHAINS-GIT_URL/COMMIT).
 */
export const SIMPLE_BUILD_IMAGES = {
  gitInit: 'gcr.io/tekton-releases/github.com/tektoncd/pipeline/cmd/git-init:v0.40.2',
  trivy: 'docker.io/aquasec/trivy:0.45.1',
  buildah: 'quay.io/buildah/stable:v1.31.0',
} as const;

export const SIMPLE_BUILD_BUNDLES = {
  gitClone: 'gcr.io/tekton-releases/catalog/upstream/git-clone@sha256:0b7ba2fdd7f4b0e51ff2c32a8a2b5d0e3b5a3c9c26b7e1d4f0a6e8c2b1d3f5a7',
  imageScan: 'quay.io/tekton-provenance-examples/image-security-scan@sha256:5d2a8c0e4b6f1a3c5e7d9b0f2a4c6e8d0b1f3a5c7e9d2b4f6a8c0e1d3b5f7a9c',
} as const;

export const SIMPLE_BUILD_TASKS: Record<string, TaskSpec> = {
  'git-clone': {
    description: 'Clones a git repository into the output workspace.',
    params: [
      { name: 'url', type: 'string' },
      { name: 'revision', type: 'string', default: '' },
      { name: 'subdirectory', type: 'string', default: '' },
      { name: 'deleteExisting', type: 'string', default: 'true' },
    ],
    results: [{ name: 'commit', type: 'string' }, { name: 'url', type: 'string' }, { name: 'committer-date', type: 'string' }],
    workspaces: [{ name: 'output' }],
    steps: [{ name: 'clone', image: SIMPLE_BUILD_IMAGES.gitInit, script: '#!/usr/bin/env sh\nset -eu\n/ko-app/git-init -url="$(params.url)" -revision="$(params.revision)" -path="$(workspaces.output.path)/$(params.subdirectory)"\n' }],
  },
  'source-security-scan': {
    params: [{ name: 'dirpath', type: 'string' }, { name: 'severity', type: 'string', default: 'HIGH,CRITICAL' }],
    results: [{ name: 'SCAN_OUTPUT', type: 'string' }],
    workspaces: [{ name: 'source' }],
    steps: [{ name: 'trivy-fs', image: SIMPLE_BUILD_IMAGES.trivy, args: ['fs', '--exit-code', '1', '--severity', '$(params.severity)', '$(workspaces.source.path)/$(params.dirpath)'] }],
  },
  buildah: {
    params: [
      { name: 'IMAGE', type: 'string' },
      { name: 'CONTEXT', type: 'string', default: '.' },
      { name: 'DOCKERFILE', type: 'string', default: './Dockerfile' },
      { name: 'BUILDER_IMAGE', type: 'string', default: SIMPLE_BUILD_IMAGES.buildah },
    ],
    results: [{ name: 'IMAGE_DIGEST', type: 'string' }, { name: 'IMAGE_URL', type: 'string' }],
    workspaces: [{ name: 'source' }],
    steps: [
      { name: 'build-and-push', image: SIMPLE_BUILD_IMAGES.buildah, workingDir: '$(workspaces.source.path)', script: 'buildah bud -f $(params.DOCKERFILE) -t $(params.IMAGE) $(params.CONTEXT)\nbuildah push --digestfile /tmp/image-digest $(params.IMAGE) docker://$(params.IMAGE)\n' },
      { name: 'write-url', image: 'docker.io/library/bash:5.1.4@sha256:c523c636b722339f41b6a431b44588ab2f762c5de5ec3bd7964420ff982fb1d9', script: 'printf "%s" "$(params.IMAGE)" > "$(results.IMAGE_URL.path)"\n' },
    ],
  },
  'image-security-scan': {
    params: [{ name: 'image', type: 'string' }],
    results: [{ name: 'SCAN_OUTPUT', type: 'string' }],
    steps: [{ name: 'trivy-image', image: SIMPLE_BUILD_IMAGES.trivy, args: ['image', '--exit-code', '1', '$(params.image)'] }],
  },
};

export const SIMPLE_BUILD_PIPELINE: PipelineSpec = {
  description: 'TEP-0084 example: clone, scan the source, build the image, scan the image.',
  params: [
    { name: 'repo-url', type: 'string' },
    { name: 'revision', type: 'string', default: 'main' },
    { name: 'image', type: 'string' },
    { name: 'dirpath', type: 'string', default: 'clone-repo' },
  ],
  workspaces: [{ name: 'shared' }],
  tasks: [
    {
      name: 'git-clone',
      taskRef: { name: 'git-clone', kind: 'Task', bundle: SIMPLE_BUILD_BUNDLES.gitClone },
      params: [{ name: 'url', value: '$(params.repo-url)' }, { name: 'revision', value: '$(params.revision)' }, { name: 'subdirectory', value: '$(params.dirpath)' }],
      workspaces: [{ name: 'output', workspace: 'shared' }],
    },
    {
      name: 'source-security-scan',
      runAfter: ['git-clone'],
      taskRef: { name: 'source-security-scan', kind: 'Task' },
      params: [{ name: 'dirpath', value: '$(params.dirpath)' }],
      workspaces: [{ name: 'source', workspace: 'shared' }],
    },
    {
      name: 'image-build',
      runAfter: ['source-security-scan'],
      taskRef: { resolver: 'git', params: [{ name: 'url', value: 'https://github.com/tektoncd/catalog.git' }, { name: 'revision', value: 'c7a3bd3f1f0b9c1cc6b8e1c1c2f23d7a5e8f0a91' }, { name: 'pathInRepo', value: 'task/buildah/0.6/buildah.yaml' }] },
      params: [{ name: 'IMAGE', value: '$(params.image)' }, { name: 'CONTEXT', value: '$(params.dirpath)' }],
      workspaces: [{ name: 'source', workspace: 'shared' }],
    },
    {
      name: 'image-security-scan',
      runAfter: ['image-build'],
      taskRef: { resolver: 'bundles', params: [{ name: 'bundle', value: SIMPLE_BUILD_BUNDLES.imageScan }, { name: 'name', value: 'image-security-scan' }, { name: 'kind', value: 'task' }] },
      params: [{ name: 'image', value: '$(tasks.image-build.results.IMAGE_URL)@$(tasks.image-build.results.IMAGE_DIGEST)' }],
    },
  ],
  results: [
    { name: 'IMAGE_URL', value: '$(tasks.image-build.results.IMAGE_URL)' },
    { name: 'IMAGE_DIGEST', value: '$(tasks.image-build.results.IMAGE_DIGEST)' },
    { name: 'CHAINS-GIT_URL', value: '$(tasks.git-clone.results.url)' },
    { name: 'CHAINS-GIT_COMMIT', value: '$(tasks.git-clone.results.commit)' },
  ],
};

/** Default behaviour: everything succeeds, with realistic results. */
export function simpleBuildBehaviour(commit = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', imageDigest = `sha256:${'4e'.repeat(32)}`): Record<string, TaskBehaviour> {
  return {
    'git-clone': { durationSeconds: 8, results: { commit, url: '$(params.url)', 'committer-date': '1764370800' } },
    'source-security-scan': { durationSeconds: 20, results: { SCAN_OUTPUT: '{"vulnerabilities":{"critical":0,"high":0,"medium":2,"low":5,"unknown":0},"tool":"trivy"}' } },
    'image-build': {
      durationSeconds: 60,
      results: { IMAGE_DIGEST: imageDigest, IMAGE_URL: '$(params.IMAGE)' },
      refSource: { uri: 'git+https://github.com/tektoncd/catalog.git', digest: { sha1: 'c7a3bd3f1f0b9c1cc6b8e1c1c2f23d7a5e8f0a91' }, entryPoint: 'task/buildah/0.6/buildah.yaml' },
    },
    'image-security-scan': { durationSeconds: 15, results: { SCAN_OUTPUT: '{"vulnerabilities":{"critical":0,"high":0,"medium":1,"low":3,"unknown":0},"tool":"trivy"}' } },
  };
}

/** A ready RunInput for simple-build; override any field. */
export function simpleBuildRun(over: Partial<RunInput> = {}): RunInput {
  return {
    name: 'simple-build-run-x7k2p',
    namespace: 'default',
    pipelineName: 'simple-build',
    pipeline: SIMPLE_BUILD_PIPELINE,
    params: [
      { name: 'repo-url', value: 'https://github.com/tektoncd/pipeline.git' },
      { name: 'revision', value: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' },
      { name: 'image', value: 'registry.example.com/demo/app' },
    ],
    tasks: { ...SIMPLE_BUILD_TASKS, 'image-build': SIMPLE_BUILD_TASKS['buildah'] as TaskSpec },
    behaviour: simpleBuildBehaviour(),
    startTime: new Date('2026-11-28T23:00:00Z'),
    ...over,
  };
}
