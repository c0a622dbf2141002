import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { ResourceInit } from '../../harness/kube/index.ts';

/** What a cluster with our CRD installed serves, beyond the API test server's defaults. */
export const ADMISSION_RESOURCES: ResourceInit[] = [
  { group: 'tekton-provenance.dev', version: 'v1alpha1', resource: 'verificationpolicies', kind: 'VerificationPolicy', namespaced: false, statusSubresource: false, crd: true },
  { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'mutatingwebhookconfigurations', kind: 'MutatingWebhookConfiguration', namespaced: false, statusSubresource: false, crd: false },
  { group: 'admissionregistration.k8s.io', version: 'v1', resource: 'validatingwebhookconfigurations', kind: 'ValidatingWebhookConfiguration', namespaced: false, statusSubresource: false, crd: false },
];

/** The shipped objects of manifests/admission/<file> (plain JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function shipped(file: string): any[] {
  const text = readFileSync(fileURLToPath(new URL(`../../../manifests/admission/${file}`, import.meta.url)), 'utf8');
  return parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o !== null);
}
