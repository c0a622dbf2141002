import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CoreV1Api } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterInterceptorObject } from './cluster-interceptor.ts';
import type { InterceptorRequest, InterceptorResponse } from './interceptor-request.ts';
import { makeTestCertificates, serviceDnsNames } from './test-ca.ts';

/**
 * Stand-ins for Triggers' core `github`, `gitlab` and `bitbucket` ClusterInterceptors (the
 * webhook checks only: eventTypes and secretRef; not addChangedFiles/githubOwners), so the
 * chained Trigger examples run end to end. Served over HTTPS on one port, path = provider,
 * as `tekton-triggers-core-interceptors.tekton-pipelines.svc`. Secrets are read like
 * Triggers' SecretGetter: Secret `secretName` in the trigger's namespace (from trigger_id),
 * `data[secretKey]`. Rejections are continue:false with gRPC code 9 (FailedPrecondition).
 */
export const CORE_INTERCEPTORS_SERVICE = { name: 'tekton-triggers-core-interceptors', namespace: 'tekton-pipelines' } as const;

interface SecretRef {
  secretName?: string;
  secretKey?: string;
}

const fail = (message: string, code = 9): InterceptorResponse => ({ continue: false, status: { code, message } });

function header(req: InterceptorRequest, name: string): string {
  const key = Object.keys(req.header ?? {}).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? (req.header?.[key]?.[0] ?? '') : '';
}

/** go-github's ValidateSignature: `sha1=`/`sha256=`/`sha512=` hex HMAC of the body, constant time. */
function validSignature(sig: string, body: Buffer, secret: Buffer): boolean {
  const [algo, hex] = sig.split('=', 2) as [string, string | undefined];
  if (!hex || !['sha1', 'sha256', 'sha512'].includes(algo)) return false;
  const want = createHmac(algo, secret).update(body).digest();
  const got = Buffer.from(hex, 'hex');
  return got.length === want.length && timingSafeEqual(got, want);
}

async function secret(kc: KubeConfig, req: InterceptorRequest, ref: SecretRef): Promise<Buffer> {
  const ns = /^namespaces\/([^/]+)\//.exec(req.context?.trigger_id ?? '')?.[1] ?? 'default';
  const s = await kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: ref.secretName ?? '', namespace: ns });
  return Buffer.from(s.data?.[ref.secretKey ?? ''] ?? '', 'base64');
}

type Provider = 'github' | 'gitlab' | 'bitbucket';

/** One provider's `Process`, in Triggers' order of checks. */
export async function processCore(provider: Provider, req: InterceptorRequest, kc: KubeConfig): Promise<InterceptorResponse> {
  const p = (req.interceptor_params ?? {}) as { eventTypes?: string[]; secretRef?: SecretRef };
  const body = Buffer.from(req.body ?? '', 'utf8');
  const eventHeader = { github: 'X-GitHub-Event', gitlab: 'X-GitLab-Event', bitbucket: 'X-Event-Key' }[provider];
  const checkEvent = (): InterceptorResponse | undefined =>
    p.eventTypes && !p.eventTypes.includes(header(req, eventHeader)) ? fail(`event type ${header(req, eventHeader)} is not allowed`) : undefined;
  if (provider === 'github') {
    if (header(req, 'Content-Type') === 'application/x-www-form-urlencoded') return fail('form parameter encoding not supported, please change the hook to send JSON payloads', 3);
    const bad = checkEvent();
    if (bad) return bad;
  }
  if (p.secretRef) {
    if (!p.secretRef.secretKey) return fail(`${provider} interceptor secretRef.secretKey is empty`);
    const key = await secret(kc, req, p.secretRef).catch(() => undefined);
    if (!key) return fail('error getting secret');
    if (provider === 'gitlab') {
      const token = Buffer.from(header(req, 'X-GitLab-Token'));
      if (token.length === 0) return fail('no X-GitLab-Token header set');
      if (token.length !== key.length || !timingSafeEqual(token, key)) return fail('Invalid X-GitLab-Token');
    } else {
      const sig = provider === 'github' ? header(req, 'X-Hub-Signature-256') || header(req, 'X-Hub-Signature') : header(req, 'X-Hub-Signature');
      if (!sig) return fail(provider === 'github' ? 'Must set X-Hub-Signature-256 or X-Hub-Signature header' : 'no X-Hub-Signature header set');
      if (!validSignature(sig, body, key)) return fail('payload signature check failed');
    }
  }
  return (provider === 'github' ? undefined : checkEvent()) ?? { continue: true };
}

export interface CoreInterceptors {
  /** `https://127.0.0.1:<port>`; provider paths `/github`, `/gitlab`, `/bitbucket`. */
  url: string;
  port: number;
  caPem: string;
  /** ClusterInterceptor objects (name = provider) pointing at this server through the service name. */
  clusterInterceptors(): ClusterInterceptorObject[];
  close(): Promise<void>;
}

/** Starts the stand-in core interceptors; `kc` is used to read webhook Secrets. */
export async function startCoreInterceptors(kc: KubeConfig): Promise<CoreInterceptors> {
  const certs = makeTestCertificates({ dnsNames: serviceDnsNames(CORE_INTERCEPTORS_SERVICE.name, CORE_INTERCEPTORS_SERVICE.namespace) });
  const server = createServer({ cert: certs.certPem, key: certs.keyPem, minVersion: 'TLSv1.2' }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const provider = (req.url ?? '').replace(/^\//, '') as Provider;
      if (!['github', 'gitlab', 'bitbucket'].includes(provider)) return void res.writeHead(404).end();
      let parsed: InterceptorRequest;
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as InterceptorRequest;
      } catch {
        return void res.writeHead(400).end('bad request');
      }
      processCore(provider, parsed, kc).then(
        (answer) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer)),
        (err: Error) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(fail(err.message, 13))),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    caPem: certs.caPem,
    clusterInterceptors: () =>
      (['github', 'gitlab', 'bitbucket'] as const).map((name) => ({
        apiVersion: 'triggers.tekton.dev/v1alpha1',
        kind: 'ClusterInterceptor',
        metadata: { name, labels: { 'server/type': 'https' } },
        spec: { clientConfig: { caBundle: Buffer.from(certs.caPem).toString('base64'), service: { ...CORE_INTERCEPTORS_SERVICE, path: name, port } } },
      })),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
