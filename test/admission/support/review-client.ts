import { randomUUID } from 'node:crypto';
import { request } from 'node:https';

export interface Workload {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

export interface ReviewAnswer {
  httpStatus: number;
  uid: string;
  allowed: boolean;
  message: string;
  warnings: string[];
  patch: Array<{ op: string; path: string; value: string }>;
  ms: number;
}

const RESOURCE: Record<string, { group: string; resource: string }> = {
  Pod: { group: '', resource: 'pods' },
  Deployment: { group: 'apps', resource: 'deployments' },
  StatefulSet: { group: 'apps', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', resource: 'daemonsets' },
  ReplicaSet: { group: 'apps', resource: 'replicasets' },
  Job: { group: 'batch', resource: 'jobs' },
  CronJob: { group: 'batch', resource: 'cronjobs' },
};

/** The AdmissionReview v1 body the API server posts for a CREATE (fields as kube-apiserver fills them). */
export function admissionReview(obj: Workload, opts: { operation?: string; uid?: string } = {}): object {
  const { group, resource } = RESOURCE[obj.kind] ?? { group: '', resource: obj.kind.toLowerCase() };
  const gvk = { group, version: 'v1', kind: obj.kind };
  const gvr = { group, version: 'v1', resource };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: opts.uid ?? randomUUID(),
      kind: gvk, resource: gvr, requestKind: gvk, requestResource: gvr,
      name: obj.metadata.name, namespace: obj.metadata.namespace,
      operation: opts.operation ?? 'CREATE',
      userInfo: { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] },
      object: obj, oldObject: null, dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions' },
    },
  };
}

/**
 * Posts an AdmissionReview over HTTPS the way kube-apiserver does: to the Service's DNS name
 * (here resolved to 127.0.0.1, the name checked against the cert), trusting only the
 * caBundle of the webhook configuration, with `?timeout=10s` on the path.
 */
export function postReview(target: { port: number; caBundle: string; serviceHost: string }, path: '/mutate' | '/validate', body: object | Buffer, timeoutMs = 10_000): Promise<ReviewAnswer> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port: target.port, servername: target.serviceHost, method: 'POST',
      path: `${path}?timeout=${Math.round(timeoutMs / 1000)}s`,
      ca: Buffer.from(target.caBundle, 'base64').toString('utf8'),
      headers: { 'content-type': 'application/json', accept: 'application/json, */*', 'content-length': bytes.length },
      timeout: timeoutMs + 2000,
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const json = JSON.parse(text) as { response?: { uid: string; allowed: boolean; status?: { message?: string }; warnings?: string[]; patch?: string } };
        const r = json.response;
        resolve({
          httpStatus: res.statusCode ?? 0,
          uid: r?.uid ?? '',
          allowed: r?.allowed ?? false,
          message: r?.status?.message ?? text,
          warnings: r?.warnings ?? [],
          patch: r?.patch ? JSON.parse(Buffer.from(r.patch, 'base64').toString('utf8')) : [],
          ms: Date.now() - started,
        });
      });
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error('review timed out')));
    req.once('error', reject);
    req.end(bytes);
  });
}

/** What the API server does with a mutating answer: apply the JSON patch (our ops are `replace`). */
export function applyPatch<T extends object>(obj: T, patch: ReviewAnswer['patch']): T {
  const copy = structuredClone(obj) as Record<string, unknown>;
  for (const op of patch) {
    if (op.op !== 'replace') throw new Error(`unexpected op ${op.op}`);
    const keys = op.path.split('/').slice(1);
    const last = keys.pop() as string;
    let node = copy as Record<string, unknown>;
    for (const k of keys) node = node[k] as Record<string, unknown>;
    if (!(last in node)) throw new Error(`replace of a missing ${op.path}`);
    node[last] = op.value;
  }
  return copy as T;
}

export function deployment(name: string, namespace: string, images: string[], extra: Record<string, unknown> = {}): Workload {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: {
      replicas: 1, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })), ...extra } },
    },
  };
}
