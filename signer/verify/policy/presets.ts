import type { BindingRule } from './policy.ts';

/**
 * Ready-made bindings between a run and the webhook that triggered it, for the common
 * Tekton catalog conventions (params `git-url`/`git-revision`, Chains' CHAINS-GIT_* materials).
 * Rules whose run side is absent are skipped (optional), so one preset fits pipelines that
 * name only some of them; a preset still fails when a present value disagrees.
 */
export const BINDING_PRESETS: Record<string, BindingRule[]> = {
  'github-push': [
    rule('param git-url = repository.clone_url', { kind: 'param', name: 'git-url' }, 'repository.clone_url', 'git-url'),
    rule('param git-repo = repository.clone_url', { kind: 'param', name: 'git-repo' }, 'repository.clone_url', 'git-url'),
    rule('param git-revision = after', { kind: 'param', name: 'git-revision' }, 'after', 'git-commit'),
    rule('material git-url = repository.clone_url', { kind: 'material', name: 'git-url' }, 'repository.clone_url', 'git-url'),
    rule('material git-commit = after', { kind: 'material', name: 'git-commit' }, 'after', 'git-commit'),
  ],
  'github-pull-request': [
    rule('param git-url = pull_request.head.repo.clone_url', { kind: 'param', name: 'git-url' }, 'pull_request.head.repo.clone_url', 'git-url'),
    rule('param git-repo = pull_request.head.repo.clone_url', { kind: 'param', name: 'git-repo' }, 'pull_request.head.repo.clone_url', 'git-url'),
    rule('param git-revision = pull_request.head.sha', { kind: 'param', name: 'git-revision' }, 'pull_request.head.sha', 'git-commit'),
    rule('material git-url = pull_request.head.repo.clone_url', { kind: 'material', name: 'git-url' }, 'pull_request.head.repo.clone_url', 'git-url'),
    rule('material git-commit = pull_request.head.sha', { kind: 'material', name: 'git-commit' }, 'pull_request.head.sha', 'git-commit'),
  ],
  'gitlab-push': [
    rule('param git-url = project.git_http_url', { kind: 'param', name: 'git-url' }, 'project.git_http_url', 'git-url'),
    rule('param git-repo = project.git_http_url', { kind: 'param', name: 'git-repo' }, 'project.git_http_url', 'git-url'),
    rule('param git-revision = checkout_sha', { kind: 'param', name: 'git-revision' }, 'checkout_sha', 'git-commit'),
    rule('material git-url = project.git_http_url', { kind: 'material', name: 'git-url' }, 'project.git_http_url', 'git-url'),
    rule('material git-commit = checkout_sha', { kind: 'material', name: 'git-commit' }, 'checkout_sha', 'git-commit'),
  ],
};

function rule(name: string, run: BindingRule['run'], event: string, compare: BindingRule['compare']): BindingRule {
  return { name, run, event, compare, optional: true };
}
