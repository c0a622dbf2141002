import { SIMPLE_BUILD_BUNDLES } from '../../harness/tekton/index.ts';

/**
 * The policy an auditor of the TEP-0084 simple-build pipeline writes (docs/policy.md): a
 * GitHub-authenticated push, run params and the cloned commit bound to the event, the four
 * tasks pinned (bundle digest, cluster Task by name, git resolver source at a commit), the
 * controller's builder id and a freshness limit.
 */
export function simpleBuildPolicy(builderId: string, opts: { maxAge?: string } = { maxAge: '1h' }): string {
  return `apiVersion: tekton-provenance.dev/v1alpha1
kind: VerificationPolicy
metadata:
  name: simple-build
spec:
  builderId: ${builderId}
${opts.maxAge ? `  maxAge: ${opts.maxAge}\n` : ''}  event:
    required: true
    providers: [github]
  bindings:
    rules:
      - param: repo-url
        event: repository.clone_url
        compare: git-url
      - param: revision
        event: after
        compare: git-commit
      - material: git-url
        event: repository.clone_url
        compare: git-url
      - material: git-commit
        event: after
        compare: git-commit
  trustedTasks:
    requirePinnedBundles: true
    allow:
      - name: git-clone
        bundle: ${SIMPLE_BUILD_BUNDLES.gitClone}
      - name: source-security-scan
        kind: Task
        pipelineTasks: [source-security-scan]
      - source: git+https://github.com/tektoncd/catalog.git
        sourceDigest: sha1:c7a3bd3f1f0b9c1cc6b8e1c1c2f23d7a5e8f0a91
        pipelineTasks: [image-build]
      - name: image-security-scan
        bundle: ${SIMPLE_BUILD_BUNDLES.imageScan}
`;
}
