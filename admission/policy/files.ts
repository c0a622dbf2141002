import { parseAllDocuments } from 'yaml';
import { admissionError } from '../errors.ts';
import { parseVerificationPolicy, POLICY_KIND } from './parse.ts';
import type { AdmissionPolicy, PolicyKeyRef } from './types.ts';

/**
 * Policies from YAML text (the dry run, local runs): VerificationPolicy objects as applied to
 * the cluster, or one flat policy (docs/policy.md) governing every image. A policy without
 * `spec.keys` takes `defaultKeys` (the command line's --key).
 */
export function policiesFromYaml(text: string, source: string, defaultKeys: readonly PolicyKeyRef[], secretNamespace: string): AdmissionPolicy[] {
  const docs = parseAllDocuments(text);
  const out: AdmissionPolicy[] = [];
  docs.forEach((d, i) => {
    if (d.errors.length > 0) throw admissionError('POLICY_INVALID', `${source}: document ${i + 1} is not valid YAML: ${d.errors[0]?.message}`);
    const doc = d.toJS({ maxAliasCount: 100 }) as { kind?: unknown; metadata?: { name?: string }; spec?: Record<string, unknown> } | null;
    if (doc === null || doc === undefined) return;
    const obj = doc.kind === POLICY_KIND ? doc : { metadata: { name: `${source}#${i + 1}` }, spec: doc as Record<string, unknown> };
    const spec = { ...(obj.spec ?? {}) };
    if (spec.keys === undefined && defaultKeys.length > 0) spec.keys = defaultKeys.map(toSpecKey);
    out.push(parseVerificationPolicy({ metadata: { name: obj.metadata?.name ?? `${source}#${i + 1}`, generation: 1 }, spec }, secretNamespace));
  });
  return out;
}

function toSpecKey(ref: PolicyKeyRef): Record<string, unknown> {
  if (ref.kind === 'pem') return { pem: ref.pem };
  if (ref.kind === 'kms') return { kms: ref.uri };
  if (ref.kind === 'keyless') {
    const { issuer, identity, identityRegExp } = ref.identity;
    return { keyless: { issuer, ...(identity ? { subject: identity } : {}), ...(identityRegExp ? { subjectRegExp: identityRegExp } : {}) } };
  }
  return { secretRef: { name: ref.name, namespace: ref.namespace, key: ref.key } };
}
