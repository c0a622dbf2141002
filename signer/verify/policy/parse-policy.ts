import { parse as parseYaml } from 'yaml';
import { parsePath } from '../json-path.ts';
import type { BindingRule, Policy, RunSelector, TrustedTaskRule, TrustedTasksPolicy } from './policy.ts';
import { asArray, asObject, enumList, invalid, onlyKeys, optBool, optString, stringList, type Obj } from './policy-fields.ts';
import { BINDING_PRESETS } from './presets.ts';

/** The fields of a policy's spec (the admission CRD's schema names the same; a test keeps them equal). */
export const TOP_KEYS = ['builderId', 'maxAge', 'event', 'bindings', 'trustedTasks', 'transparency'];
/** The fields of `event:` (likewise named by the CRD's schema). */
export const EVENT_KEYS = ['required', 'providers', 'triggers', 'identity', 'transparency'];
const OBJECT_KEYS = ['apiVersion', 'kind', 'metadata', 'spec'];
/** The webhook providers an event record can name (interceptor/webhooks; test/signer/verify/policy.test.ts keeps them equal). */
export const EVENT_PROVIDERS = ['github', 'gitlab', 'bitbucket', 'none'] as const;

/**
 * Parses a policy YAML document (flat, or a `kind: VerificationPolicy` object with `spec`).
 * An empty document is an error: the default policy is what verify uses WITHOUT `--policy`,
 * and `{}` asks for it explicitly; a file that lost its content must not verify anything.
 */
export function parsePolicy(text: string): Policy {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw invalid(`policy is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) {
    throw invalid('the policy file is empty: write `{}` for the default policy, or run verify without --policy');
  }
  const spec = policyFields(asObject(doc, 'policy'));
  return {
    builderId: optString(spec.builderId, 'builderId'),
    maxAgeMs: spec.maxAge === undefined ? undefined : parseDuration(spec.maxAge),
    event: parseEventPolicy(spec.event),
    bindings: parseBindings(spec.bindings),
    trustedTasks: spec.trustedTasks === undefined ? undefined : parseTrustedTasks(spec.trustedTasks),
    ...(spec.transparency === undefined ? {} : { transparency: parseTransparency(spec.transparency) }),
  };
}

/**
 * The policy fields of either form. In the object form every policy field must be under
 * `spec:`; one beside it or under `metadata:` (an indentation slip) would otherwise be
 * dropped unread, so it is an error saying where it belongs.
 */
function policyFields(doc: Obj): Obj {
  const isObject = 'spec' in doc;
  if (doc.metadata !== undefined) {
    const meta = asObject(doc.metadata, 'metadata');
    const misplaced = Object.keys(meta).find((k) => TOP_KEYS.includes(k));
    if (misplaced) throw invalid(`metadata.${misplaced}: policy fields are read under ${isObject ? 'spec:' : 'the top level'}, not under metadata:`);
    // Any other ObjectMeta field (uid, resourceVersion... of a `kubectl get -o yaml`) is Kubernetes', not ours.
  }
  if (doc.kind !== undefined && doc.kind !== 'VerificationPolicy') throw invalid(`kind must be VerificationPolicy, got ${JSON.stringify(doc.kind)}`);
  if (doc.apiVersion !== undefined && !String(doc.apiVersion).startsWith('tekton-provenance.dev/')) {
    throw invalid(`apiVersion must be tekton-provenance.dev/v1alpha1, got ${JSON.stringify(doc.apiVersion)}`);
  }
  if (!isObject) {
    const flat = { ...doc };
    for (const k of ['apiVersion', 'kind', 'metadata']) delete flat[k];
    onlyKeys(flat, TOP_KEYS, 'policy');
    return flat;
  }
  const beside = Object.keys(doc).find((k) => !OBJECT_KEYS.includes(k));
  if (beside) {
    const hint = TOP_KEYS.includes(beside) ? 'policy fields next to spec: are not read; indent it under spec:' : `unknown field (allowed beside spec: ${OBJECT_KEYS.join(', ')})`;
    throw invalid(`${beside}: ${hint}`);
  }
  const spec = asObject(doc.spec, 'spec');
  onlyKeys(spec, TOP_KEYS, 'spec');
  return spec;
}

/** The policy used when none is given: signatures, statement and a verified event. */
export function defaultPolicy(): Policy {
  return { event: { required: true, providers: [], triggers: [] }, bindings: [] };
}

function parseEventPolicy(value: unknown): Policy['event'] {
  const o = value === undefined ? {} : asObject(value, 'event');
  if (o.trustedDelegates !== undefined) {
    // Removed on purpose: delegated (`provider: none`) events are unverified and never pass.
    throw invalid(
      'event.trustedDelegates is no longer supported: provider none events are recorded as unverified and no policy accepts them; have tekton-provenance check the webhook (provider github/gitlab/bitbucket)',
    );
  }
  onlyKeys(o, EVENT_KEYS, 'event');
  const triggers = stringList(o.triggers, 'event.triggers');
  for (const t of triggers) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(t)) {
      throw invalid(`event.triggers: ${JSON.stringify(t.slice(0, 100))} is not <namespace>/<trigger name>`);
    }
  }
  return {
    required: optBool(o.required, 'event.required') ?? true,
    providers: enumList(o.providers, EVENT_PROVIDERS, 'event.providers'),
    triggers,
    ...(o.identity === undefined ? {} : { identity: parseIdentity(o.identity, 'event.identity') }),
    ...(o.transparency === undefined ? {} : { transparency: parseTransparency(o.transparency, 'event.transparency') }),
  };
}

/** A certificate identity as cosign pins one: subject (SAN) exactly or by RegExp, and the OIDC issuer. */
function parseIdentity(value: unknown, where: string): NonNullable<Policy['event']['identity']> {
  const o = asObject(value, where);
  onlyKeys(o, ['subject', 'subjectRegExp', 'issuer'], where);
  const subject = optString(o.subject, `${where}.subject`);
  const subjectRegExp = optString(o.subjectRegExp, `${where}.subjectRegExp`);
  const issuer = optString(o.issuer, `${where}.issuer`);
  if (!issuer) throw invalid(`${where}.issuer (the certificate's OIDC issuer) is required`);
  if ((subject === undefined) === (subjectRegExp === undefined)) throw invalid(`${where}: exactly one of subject, subjectRegExp is required`);
  if (subjectRegExp !== undefined) {
    try {
      new RegExp(subjectRegExp);
    } catch (err) {
      throw invalid(`${where}.subjectRegExp: ${(err as Error).message}`);
    }
  }
  return { issuer, ...(subject !== undefined ? { subject } : {}), ...(subjectRegExp !== undefined ? { subjectRegExp } : {}) };
}

function parseBindings(value: unknown): BindingRule[] {
  if (value === undefined) return [];
  const o = asObject(value, 'bindings');
  onlyKeys(o, ['presets', 'rules'], 'bindings');
  const rules: BindingRule[] = [];
  for (const name of stringList(o.presets, 'bindings.presets')) {
    const preset = BINDING_PRESETS[name];
    if (!preset) throw invalid(`bindings.presets: unknown preset "${name}" (known: ${Object.keys(BINDING_PRESETS).join(', ')})`);
    rules.push(...preset);
  }
  const list = o.rules === undefined ? [] : asArray(o.rules, 'bindings.rules');
  list.forEach((r, i) => rules.push(parseRule(asObject(r, `bindings.rules[${i}]`), `bindings.rules[${i}]`)));
  // `bindings:` that binds nothing is a slip (a list emptied, a key misspelt), not a choice.
  if (rules.length === 0) throw invalid('bindings: lists no presets and no rules (remove bindings:, or name what to bind)');
  return rules;
}

function parseRule(o: Obj, where: string): BindingRule {
  onlyKeys(o, ['name', 'param', 'result', 'material', 'event', 'compare', 'optional'], where);
  const selectors = (['param', 'result', 'material'] as const).filter((k) => o[k] !== undefined);
  if (selectors.length !== 1) throw invalid(`${where}: exactly one of param, result, material is required`);
  const kind = selectors[0] as 'param' | 'result' | 'material';
  const target = optString(o[kind], `${where}.${kind}`) as string;
  if (kind === 'material' && target !== 'git-url' && target !== 'git-commit') {
    throw invalid(`${where}.material must be git-url or git-commit`);
  }
  const run = { kind, name: target } as RunSelector;
  const event = optString(o.event, `${where}.event`);
  if (!event) throw invalid(`${where}.event (a path into the event body) is required`);
  if (!event.startsWith('header.')) parsePath(event);
  const compare = optString(o.compare, `${where}.compare`) ?? 'exact';
  if (!['exact', 'git-url', 'git-commit'].includes(compare)) throw invalid(`${where}.compare must be exact, git-url or git-commit`);
  return {
    name: optString(o.name, `${where}.name`) ?? `${kind} ${target} = ${event}`,
    run,
    event,
    compare: compare as BindingRule['compare'],
    optional: optBool(o.optional, `${where}.optional`) ?? false,
  };
}

function parseTrustedTasks(value: unknown): TrustedTasksPolicy {
  const o = asObject(value, 'trustedTasks');
  onlyKeys(o, ['allow', 'allowFailed', 'requirePinnedBundles'], 'trustedTasks');
  const allow = asArray(o.allow === undefined ? [] : o.allow, 'trustedTasks.allow').map((r, i) => parseTaskRule(asObject(r, `trustedTasks.allow[${i}]`), `trustedTasks.allow[${i}]`));
  return {
    allow,
    allowFailed: optBool(o.allowFailed, 'trustedTasks.allowFailed') ?? false,
    requirePinnedBundles: optBool(o.requirePinnedBundles, 'trustedTasks.requirePinnedBundles') ?? true,
  };
}

function parseTaskRule(o: Obj, where: string): TrustedTaskRule {
  onlyKeys(o, ['name', 'kind', 'bundle', 'source', 'sourceDigest', 'pipelineTasks'], where);
  const rule: TrustedTaskRule = {};
  const name = optString(o.name, `${where}.name`);
  if (name) rule.name = name;
  const kind = optString(o.kind, `${where}.kind`);
  if (kind) rule.kind = kind;
  const bundle = optString(o.bundle, `${where}.bundle`);
  if (bundle) {
    const at = bundle.indexOf('@');
    if (at < 0 || !/^sha256:[0-9a-f]{64}$/.test(bundle.slice(at + 1))) {
      throw invalid(`${where}.bundle must be pinned by digest (repo@sha256:<64 hex>), got "${bundle}"`);
    }
    rule.bundle = stripTag(bundle.slice(0, at));
    rule.bundleDigest = bundle.slice(at + 1);
  }
  const source = optString(o.source, `${where}.source`);
  if (source) rule.sourceUri = source;
  const sourceDigest = optString(o.sourceDigest, `${where}.sourceDigest`);
  if (sourceDigest) {
    if (!/^(sha1:[0-9a-f]{40}|sha256:[0-9a-f]{64})$/.test(sourceDigest)) throw invalid(`${where}.sourceDigest must be sha1:<40 hex> or sha256:<64 hex>`);
    rule.sourceDigest = sourceDigest;
  }
  if (o.pipelineTasks !== undefined) rule.pipelineTasks = stringList(o.pipelineTasks, `${where}.pipelineTasks`);
  if (!rule.name && !rule.bundle && !rule.sourceUri) throw invalid(`${where} must set at least one of name, bundle, source`);
  return rule;
}

/** `repo:tag` -> `repo` (a registry port `host:5000/repo` is kept). */
export function stripTag(ref: string): string {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(0, colon) : ref;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7 };

/** "90m", "720h", "30d" -> milliseconds. */
export function parseDuration(value: unknown): number {
  const m = typeof value === 'string' ? DURATION.exec(value.trim()) : null;
  if (!m) throw invalid(`maxAge "${String(value)}" is not a duration like 90m, 720h or 30d`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] as number);
}

function parseTransparency(value: unknown, where = 'transparency'): 'required' | 'optional' {
  if (value !== 'required' && value !== 'optional') throw invalid(`${where} must be required or optional`);
  return value;
}
