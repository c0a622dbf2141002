import type { BindingRule } from './policy.ts';

/**
 * Ready-made bindings between a run and the webhook that triggered it, for the common
 * Tekton catalog conventions (params `git-url`/`git-revision`, Chains' CHAINS-GIT_* materials).
 * Rules whose run side is absent are skipped (optional), so one preset fits pipelines that
 * name only some of them; a preset still fails when a present value disagrees.
 */
export const BINDING_PRESETS: Record<string, BindingRule[]> = {
  'github-push': gitBindings('repository.clone_url', 'after'),
  'github-pull-request': gitBindings('pull_request.head.repo.clone_url', 'pull_request.head.sha'),
  'gitlab-push': gitBindings('project.git_http_url', 'checkout_sha'),
};

/**
 * The five rules every preset has: the catalog's repository params (`git-url`, `git-repo`)
 * and Chains' git-url material bind to the event's clone URL; `git-revision` and the
 * git-commit material bind to its commit.
 */
function gitBindings(repoUrl: string, commit: string): BindingRule[] {
  return [
    rule(`param git-url = ${repoUrl}`, { kind: 'param', name: 'git-url' }, repoUrl, 'git-url'),
    rule(`param git-repo = ${repoUrl}`, { kind: 'param', name: 'git-repo' }, repoUrl, 'git-url'),
    rule(`param git-revision = ${commit}`, { kind: 'param', name: 'git-revision' }, commit, 'git-commit'),
    rule(`material git-url = ${repoUrl}`, { kind: 'material', name: 'git-url' }, repoUrl, 'git-url'),
    rule(`material git-commit = ${commit}`, { kind: 'material', name: 'git-commit' }, commit, 'git-commit'),
  ];
}

function rule(name: string, run: BindingRule['run'], event: string, compare: BindingRule['compare']): BindingRule {
  return { name, run, event, compare, optional: true };
}
