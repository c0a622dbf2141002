import { isProvenanceError } from '../../signer/errors.ts';
import { parsePolicy } from '../../signer/verify/policy/parse-policy.ts';
import { identityFromPolicy } from '../../signer/transparency/identity.ts';
import { admissionError } from '../errors.ts';
import type { AdmissionPolicy, LabelSelector, PolicyKeyRef, TrustedRootRef } from './types.ts';

export const POLICY_GROUP = 'tekton-provenance.dev';
export const POLICY_VERSION = 'v1alpha1';
export const POLICY_PLURAL = 'verificationpolicies';
export const POLICY_KIND = 'VerificationPolicy';

/** The fields the webhook adds to docs/policy.md's spec; the rest goes to the verify parser. */
export const ADMISSION_KEYS = ['images', 'namespaceSelector', 'keys', 'trustedRootRef', 'mode'];
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

interface PolicyObject {
  metadata?: { name?: string; uid?: string; generation?: number };
  spec?: Record<string, unknown>;
}

/**
 * A VerificationPolicy object -> AdmissionPolicy. Strict like the file parser: an unknown
 * field or a wrong type is POLICY_INVALID naming the field, never a quietly weaker policy.
 * `defaultSecretNamespace` is where a `secretRef` without namespace is read (our namespace).
 */
export function parseVerificationPolicy(obj: PolicyObject, defaultSecretNamespace: string): AdmissionPolicy {
  const name = obj.metadata?.name ?? '';
  const spec = { ...(obj.spec ?? {}) };
  const where = `VerificationPolicy ${name}`;
  const images = stringList(spec.images ?? ['**'], `${where}: spec.images`);
  if (images.length === 0) throw invalid(`${where}: spec.images must list at least one glob`);
  const mode = spec.mode ?? 'enforce';
  if (mode !== 'enforce' && mode !== 'warn') throw invalid(`${where}: spec.mode must be enforce or warn, got ${JSON.stringify(mode)}`);
  const namespaceSelector = parseSelector(spec.namespaceSelector, `${where}: spec.namespaceSelector`);
  const keys = parseKeys(spec.keys, defaultSecretNamespace, `${where}: spec.keys`);
  const trustedRootRef = parseTrustedRootRef(spec.trustedRootRef, `${where}: spec.trustedRootRef`);
  if (keys.filter((k) => k.kind === 'keyless').length > 1) throw invalid(`${where}: spec.keys may hold one keyless entry (use subjectRegExp to allow several subjects)`);
  if (keys.some((k) => k.kind === 'keyless') && !trustedRootRef) {
    throw invalid(`${where}: a keyless key needs spec.trustedRootRef (the trusted_root.json its certificates chain to)`);
  }
  const rest = Object.fromEntries(Object.entries(spec).filter(([k]) => !ADMISSION_KEYS.includes(k)));
  let policy;
  try {
    policy = parsePolicy(JSON.stringify(rest));
  } catch (err) {
    throw invalid(`${where}: ${isProvenanceError(err) ? err.message : String(err)}`);
  }
  return {
    name,
    uid: obj.metadata?.uid ?? '',
    generation: obj.metadata?.generation ?? 0,
    images,
    namespaceSelector,
    keys,
    ...(trustedRootRef ? { trustedRootRef } : {}),
    mode,
    policy,
  };
}

/** Parses, or keeps the object as an invalid policy that denies what it governs (fail closed). */
export function parseOrInvalid(obj: PolicyObject, defaultSecretNamespace: string): AdmissionPolicy {
  try {
    return parseVerificationPolicy(obj, defaultSecretNamespace);
  } catch (err) {
    const spec = (obj.spec ?? {}) as { images?: unknown; namespaceSelector?: unknown };
    const images = Array.isArray(spec.images) && spec.images.every((g) => typeof g === 'string') ? (spec.images as string[]) : ['**'];
    let namespaceSelector: LabelSelector = {};
    try {
      namespaceSelector = parseSelector(spec.namespaceSelector, '');
    } catch {
      // an unreadable selector: govern every namespace (fail closed)
    }
    return {
      name: obj.metadata?.name ?? '',
      uid: obj.metadata?.uid ?? '',
      generation: obj.metadata?.generation ?? 0,
      images,
      namespaceSelector,
      keys: [],
      mode: 'enforce',
      policy: { event: { required: true, providers: [], triggers: [] }, bindings: [] },
      invalid: (err as Error).message,
    };
  }
}

function parseKeys(value: unknown, defaultNamespace: string, where: string): PolicyKeyRef[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(`${where} must list at least one key (pem, secretRef, kms or keyless)`);
  return value.map((entry, i) => {
    const at = `${where}[${i}]`;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw invalid(`${at} must be a mapping`);
    const e = entry as Record<string, unknown>;
    const kinds = Object.keys(e);
    if (kinds.length !== 1) throw invalid(`${at} must have exactly one of pem, secretRef, kms, keyless (got ${kinds.join(', ') || 'none'})`);
    if (typeof e.pem === 'string') {
      if (!e.pem.includes('-----BEGIN')) throw invalid(`${at}.pem is not a PEM public key`);
      return { kind: 'pem', pem: e.pem };
    }
    if (typeof e.kms === 'string') {
      if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(e.kms)) throw invalid(`${at}.kms must be a KMS URI such as awskms:///alias/name`);
      return { kind: 'kms', uri: e.kms };
    }
    if (e.secretRef !== null && typeof e.secretRef === 'object' && !Array.isArray(e.secretRef)) {
      const r = e.secretRef as Record<string, unknown>;
      const extra = Object.keys(r).filter((k) => !['name', 'namespace', 'key'].includes(k));
      if (extra.length > 0) throw invalid(`${at}.secretRef: unknown field(s) ${extra.join(', ')} (allowed: name, namespace, key)`);
      if (typeof r.name !== 'string' || r.name === '') throw invalid(`${at}.secretRef.name is required`);
      for (const k of ['namespace', 'key']) if (r[k] !== undefined && typeof r[k] !== 'string') throw invalid(`${at}.secretRef.${k} must be a string`);
      return { kind: 'secretRef', name: r.name, namespace: (r.namespace as string | undefined) ?? defaultNamespace, key: (r.key as string | undefined) ?? 'cosign.pub' };
    }
    if (e.keyless !== null && typeof e.keyless === 'object' && !Array.isArray(e.keyless)) return parseKeyless(e.keyless as Record<string, unknown>, `${at}.keyless`);
    throw invalid(`${at}: unknown key kind ${kinds[0]} (known: pem, secretRef, kms, keyless)`);
  });
}

/**
 * `keyless: {issuer, subject | subjectRegExp}`: policy-controller's keyless identity, checked as
 * cosign's --certificate-oidc-issuer and --certificate-identity(-regexp). Both halves are
 * required: a certificate from the right issuer for anyone, or for this subject from any
 * issuer, proves nothing.
 */
function parseKeyless(k: Record<string, unknown>, at: string): PolicyKeyRef {
  const extra = Object.keys(k).filter((x) => !['issuer', 'subject', 'subjectRegExp'].includes(x));
  if (extra.length > 0) throw invalid(`${at}: unknown field(s) ${extra.join(', ')} (allowed: issuer, subject, subjectRegExp)`);
  if (typeof k.issuer !== 'string' || k.issuer === '') throw invalid(`${at}.issuer is required (the OIDC issuer URL of the signing identity)`);
  const subject = typeof k.subject === 'string' && k.subject !== '' ? k.subject : undefined;
  const subjectRegExp = typeof k.subjectRegExp === 'string' && k.subjectRegExp !== '' ? k.subjectRegExp : undefined;
  if ((subject === undefined) === (subjectRegExp === undefined)) throw invalid(`${at} needs exactly one of subject, subjectRegExp`);
  if (subjectRegExp !== undefined) {
    try {
      new RegExp(subjectRegExp);
    } catch (err) {
      throw invalid(`${at}.subjectRegExp: ${(err as Error).message}`);
    }
  }
  return { kind: 'keyless', identity: identityFromPolicy({ issuer: k.issuer, ...(subject ? { subject } : {}), ...(subjectRegExp ? { subjectRegExp } : {}) }) };
}

function parseTrustedRootRef(value: unknown, where: string): TrustedRootRef | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${where} must be {name, key}`);
  const r = value as Record<string, unknown>;
  const extra = Object.keys(r).filter((k) => k !== 'name' && k !== 'key');
  if (extra.length > 0) throw invalid(`${where}: unknown field(s) ${extra.join(', ')} (allowed: name, key; the ConfigMap is in the webhook's namespace)`);
  if (typeof r.name !== 'string' || r.name === '') throw invalid(`${where}.name is required`);
  if (r.key !== undefined && typeof r.key !== 'string') throw invalid(`${where}.key must be a string`);
  return { name: r.name, key: (r.key as string | undefined) ?? 'trusted_root.json' };
}

function parseSelector(value: unknown, where: string): LabelSelector {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`${where} must be a label selector`);
  const v = value as Record<string, unknown>;
  const extra = Object.keys(v).filter((k) => k !== 'matchLabels' && k !== 'matchExpressions');
  if (extra.length > 0) throw invalid(`${where}: unknown field(s) ${extra.join(', ')}`);
  const out: LabelSelector = {};
  if (v.matchLabels !== undefined) {
    const labels = v.matchLabels as Record<string, unknown>;
    if (labels === null || typeof labels !== 'object' || Object.values(labels).some((x) => typeof x !== 'string')) {
      throw invalid(`${where}.matchLabels must map label names to strings`);
    }
    out.matchLabels = labels as Record<string, string>;
  }
  if (v.matchExpressions !== undefined) {
    if (!Array.isArray(v.matchExpressions)) throw invalid(`${where}.matchExpressions must be a list`);
    out.matchExpressions = v.matchExpressions.map((e: unknown, i) => {
      const x = (e ?? {}) as Record<string, unknown>;
      if (typeof x.key !== 'string' || !OPERATORS.includes(x.operator as string)) {
        throw invalid(`${where}.matchExpressions[${i}] needs key and operator (${OPERATORS.join(', ')})`);
      }
      const values = x.values === undefined ? [] : stringList(x.values, `${where}.matchExpressions[${i}].values`);
      return { key: x.key, operator: x.operator as 'In', values };
    });
  }
  return out;
}

function stringList(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(`${where} must be a list of strings`);
  return value as string[];
}

function invalid(message: string) {
  return admissionError('POLICY_INVALID', message);
}
