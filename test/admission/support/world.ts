import { memoryLogger } from './memory-logger.ts';
import { startAdmission, type RunningAdmission } from '../../../admission/index.ts';
import type { LocalSigner } from '../../../signer/keys/local.ts';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube/index.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/index.ts';
import { newSigner } from '../../signer/verify/chain-fixture.ts';
import { ADMISSION_RESOURCES, shipped } from './cluster.ts';
import { postReview, type ReviewAnswer } from './review-client.ts';

export const SYSTEM_NS = 'tekton-provenance';
export const ENFORCED_NS = 'shop';
export const OPEN_NS = 'sandbox';
const SERVICE_HOST = 'tekton-provenance-admission.tekton-provenance.svc';

export interface AdmissionWorld {
  kube: KubeApiServer;
  registry: TestRegistry;
  admission: RunningAdmission;
  logs: string[];
  trusted: LocalSigner;
  trustedPem: string;
  /** Sends a review the way the API server does, trusting the caBundle now in the webhook configuration. */
  review(path: '/mutate' | '/validate', body: object | Buffer): Promise<ReviewAnswer>;
  close(): Promise<void>;
}

/**
 * The API test server with our CRD and the shipped webhook configurations, Debian's
 * docker-registry, and the webhook server running against both with a TLS Secret and caBundle
 * managed as in a cluster. Namespace `shop` is labelled for enforcement, `sandbox` is not.
 */
export async function startAdmissionWorld(opts: { timeoutMs?: number } = {}): Promise<AdmissionWorld> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const kube = await startKubeApiServer({ namespace: SYSTEM_NS, resources: ADMISSION_RESOURCES });
    closers.push(() => kube.close());
    for (const o of [...shipped('50-webhooks.yaml'), ...shipped('10-serviceaccount.yaml'), ...shipped('20-rbac.yaml')]) kube.objects.put(o);
    kube.objects.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ENFORCED_NS, labels: { 'tekton-provenance.dev/enforce': 'true' } } });
    kube.objects.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: OPEN_NS } });
    kube.objects.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system', labels: { 'tekton-provenance.dev/enforce': 'true' } } });
    const registry = await startRegistry();
    closers.push(() => registry.close());
    const logger = memoryLogger();
    const admission = await startAdmission({
      // As deployed: the webhook's own ServiceAccount, authorized only by manifests/admission/20-rbac.yaml.
      host: '127.0.0.1', port: 0, namespace: SYSTEM_NS, kubeConfig: kube.kubeconfigFor({ serviceAccount: `${SYSTEM_NS}/tekton-provenance-admission` }).kubeConfig(),
      tls: { kind: 'secret' }, insecureRegistry: true, logger,
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
    closers.push(() => admission.close());
    const trusted = newSigner();
    const trustedPem = trusted.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const caBundle = () => {
      const cfg = kube.objects.get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', '', 'tekton-provenance-admission') as unknown as { webhooks: Array<{ clientConfig: { caBundle: string } }> };
      return cfg.webhooks[0]!.clientConfig.caBundle;
    };
    return {
      kube, registry, admission, logs: logger.lines, trusted, trustedPem,
      review: (path, body) => postReview({ port: admission.port, caBundle: caBundle(), serviceHost: SERVICE_HOST }, path, body),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Polls (bounded) until `fn` holds: for effects that travel through a watch. */
export async function eventually(fn: () => Promise<boolean> | boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (let i = 0; i < 10_000 && Date.now() < until; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} did not hold within ${timeoutMs} ms`);
}
