import { fail, pass, skip, type CheckResult } from '../check.ts';
import { readPath } from '../json-path.ts';
import type { BindingRule } from '../policy/policy.ts';
import type { RunView } from '../run-view.ts';

/** The event as bindings see it: the parsed webhook body and its recorded headers. */
export interface EventInputs {
  body: unknown;
  headers: Record<string, string[]>;
}

/** Each rule: a value of the run must equal a value of the event that triggered it. */
export function checkBindings(run: RunView, event: EventInputs | undefined, rules: BindingRule[]): CheckResult[] {
  const results = rules.map((rule) => checkRule(run, event, rule));
  return rules.length === 0 ? results : [...results, summarise(rules, results)];
}

/**
 * One line that says how much the bindings really checked. A policy that asked for bindings
 * and had every one skipped (all optional, none declared by the run: a pipeline whose params
 * the presets do not know) checked nothing, so it fails instead of reading as VERIFIED.
 */
function summarise(rules: BindingRule[], results: CheckResult[]): CheckResult {
  const skipped = rules.filter((_, i) => results[i]?.status === 'skip').map(describeRun);
  const names = [...new Set(skipped)].join(', ');
  if (skipped.length === rules.length) {
    return fail('bindings', `every binding was skipped: the run has none of ${names}; name the run's own params in bindings.rules (docs/policy.md)`);
  }
  const checked = rules.length - skipped.length;
  if (skipped.length > 0) return skip('bindings', `WARNING: only ${checked} of ${rules.length} bindings checked; skipped, not in the run: ${names}`);
  return pass('bindings', `all ${rules.length} bindings checked`);
}

function checkRule(run: RunView, event: EventInputs | undefined, rule: BindingRule): CheckResult {
  const name = `binding ${rule.name}`;
  const runValue = readRun(run, rule);
  if (runValue === undefined) {
    return rule.optional ? skip(name, 'the run does not declare it') : fail(name, `the run has no ${describeRun(rule)}`);
  }
  if (!event) return fail(name, 'no verified event to bind to');
  const eventValue = readEvent(event, rule.event);
  if (typeof eventValue !== 'string' && typeof eventValue !== 'number') {
    return fail(name, `the event has no value at ${rule.event}`);
  }
  if (rule.compare === 'git-commit' && !isCommit(runValue)) {
    // Said first: "is abcd but the event's after is abcd" would hide the real reason.
    return fail(name, `${describeRun(rule)} "${runValue}" is not a commit id (compare git-commit needs 7 to 64 hex characters, so a branch or tag never matches)`);
  }
  const ok = same(runValue, String(eventValue), rule.compare);
  return ok
    ? pass(name, `${describeRun(rule)} "${runValue}" matches the event`)
    : fail(name, `${describeRun(rule)} is "${runValue}" but the event's ${rule.event} is "${String(eventValue)}"`);
}

function readRun(run: RunView, rule: BindingRule): string | undefined {
  const sel = rule.run;
  const value = sel.kind === 'param' ? run.params[sel.name] : sel.kind === 'result' ? run.results[sel.name] : readMaterial(run, sel.name);
  return typeof value === 'string' ? value : undefined;
}

/**
 * Chains records the built source (CHAINS-GIT_URL/COMMIT) as `git+<url>.git` with a sha1
 * digest. Task and pipeline definitions fetched by the git resolver are git materials too;
 * they are told apart by being some task's recorded source.
 */
function readMaterial(run: RunView, which: 'git-url' | 'git-commit'): string | undefined {
  const definitions = new Set(run.tasks.filter((t) => t.source).map((t) => `${t.source?.uri}@${t.source?.digest.sha1 ?? ''}`));
  const sources = run.materials.filter((m) => m.uri.startsWith('git+') && m.digest.sha1 && !definitions.has(`${m.uri}@${m.digest.sha1}`));
  const git = sources.find((m) => m.name === 'inputs/result') ?? sources.find((m) => m.name === undefined);
  if (!git) return undefined;
  return which === 'git-url' ? git.uri.slice(4) : git.digest.sha1;
}

function readEvent(event: EventInputs, path: string): unknown {
  if (path.startsWith('header.')) {
    const wanted = path.slice(7).toLowerCase();
    const key = Object.keys(event.headers).find((k) => k.toLowerCase() === wanted);
    return key ? event.headers[key]?.[0] : undefined;
  }
  return readPath(event.body, path);
}

function same(a: string, b: string, compare: BindingRule['compare']): boolean {
  if (compare === 'git-url') return normaliseGitUrl(a) === normaliseGitUrl(b);
  if (compare === 'git-commit') return a.trim().toLowerCase() === b.trim().toLowerCase() && isCommit(a);
  return a === b;
}

function isCommit(value: string): boolean {
  return /^[0-9a-f]{7,64}$/i.test(value.trim());
}

/** `https://GitHub.com/org/repo.git/` and `https://github.com/org/repo` are the same repository. */
export function normaliseGitUrl(url: string): string {
  let u = url.trim().replace(/^git\+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
  const m = /^([a-z]+:\/\/)([^/]+)(.*)$/i.exec(u);
  if (m) u = `${(m[1] as string).toLowerCase()}${(m[2] as string).toLowerCase()}${m[3] as string}`;
  return u;
}

function describeRun(rule: BindingRule): string {
  return `${rule.run.kind} ${rule.run.name}`;
}
