import { fail, pass, type CheckResult } from '../check.ts';
import type { TrustedTaskRule, TrustedTasksPolicy } from '../policy/policy.ts';
import { stripTag } from '../policy/parse-policy.ts';
import type { TaskView } from '../run-view.ts';

/**
 * Every executed task must match an allow-list entry. A bundle must be pinned by digest,
 * and a failed task fails the check unless the policy allows failures: a run whose
 * `image-build` failed did not build the image the attestation names.
 */
export function checkTrustedTasks(tasks: TaskView[], policy: TrustedTasksPolicy): CheckResult[] {
  if (tasks.length === 0) return [fail('trusted-tasks', 'the attestation lists no tasks')];
  return tasks.map((task) => checkTask(task, policy));
}

function checkTask(task: TaskView, policy: TrustedTasksPolicy): CheckResult {
  const name = `task ${task.name}`;
  const bundle = task.ref.bundle ? splitBundle(task.ref.bundle) : undefined;
  if (bundle && !bundle.digest && policy.requirePinnedBundles) {
    return fail(name, `bundle ${task.ref.bundle} is not pinned by digest`);
  }
  if (task.status && task.status !== 'Succeeded' && !policy.allowFailed) {
    return fail(name, `task ${describe(task)} ended ${task.status}`);
  }
  const rule = policy.allow.find((r) => matches(task, r, bundle));
  if (!rule) return fail(name, `untrusted task: ${describe(task)} matches no trustedTasks.allow entry`);
  return pass(name, `${describe(task)} is trusted`);
}

function matches(task: TaskView, rule: TrustedTaskRule, bundle?: { repo: string; digest?: string }): boolean {
  if (rule.pipelineTasks && !rule.pipelineTasks.includes(task.name)) return false;
  if (rule.name !== undefined && rule.name !== task.ref.name) return false;
  if (rule.kind !== undefined && rule.kind !== (task.ref.kind ?? 'Task')) return false;
  if (rule.bundle !== undefined) {
    if (!bundle || bundle.repo !== rule.bundle || bundle.digest !== rule.bundleDigest) return false;
  }
  if (rule.sourceUri !== undefined) {
    if (!task.source || task.source.uri !== rule.sourceUri) return false;
    if (rule.sourceDigest !== undefined) {
      const [alg, hex] = rule.sourceDigest.split(':') as [string, string];
      if (task.source.digest[alg] !== hex) return false;
    }
  }
  return true;
}

/** `repo[:tag][@sha256:hex]` -> repository and digest. */
export function splitBundle(ref: string): { repo: string; digest?: string } {
  const at = ref.indexOf('@');
  if (at < 0) return { repo: stripTag(ref) };
  return { repo: stripTag(ref.slice(0, at)), digest: ref.slice(at + 1) };
}

function describe(task: TaskView): string {
  const ref = task.ref;
  const what = ref.bundle
    ? `${ref.name ?? '?'} from bundle ${ref.bundle}`
    : ref.resolver
      ? `${ref.resolver} resolver${ref.name ? ` ${ref.name}` : ''}`
      : `${ref.kind ?? 'Task'}/${ref.name ?? '(inline)'}`;
  const source = task.source ? `, source ${task.source.uri}@${Object.entries(task.source.digest).map(([a, h]) => `${a}:${h}`).join(',')}` : '';
  return `"${task.name}" (${what}${source})`;
}
