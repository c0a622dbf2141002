import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../harness/kube/index.ts';
import { SIMPLE_BUILD_POLICY } from '../../signer/verify/chain-fixture.ts';

/**
 * The e2e suite's simple-build policy as a VerificationPolicy object, with the admission
 * fields: the trusted key inline, the images it governs, its mode.
 */
export function verificationPolicy(name: string, opts: { keyPem: string; images: string[]; mode?: 'enforce' | 'warn'; namespaceSelector?: object }): KubeObject {
  const base = parseYaml(SIMPLE_BUILD_POLICY) as { spec: Record<string, unknown> };
  return {
    apiVersion: 'tekton-provenance.dev/v1alpha1',
    kind: 'VerificationPolicy',
    metadata: { name },
    spec: {
      images: opts.images,
      keys: [{ pem: opts.keyPem }],
      mode: opts.mode ?? 'enforce',
      ...(opts.namespaceSelector ? { namespaceSelector: opts.namespaceSelector } : {}),
      ...base.spec,
    },
  } as KubeObject;
}
