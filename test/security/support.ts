import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import type { KubeApiServer } from '../harness/kube/index.ts';
import { SECRETS } from '../interceptor/helpers/requests.ts';

/** The opt-in label a webhook Secret must carry. */
export const LABEL = { 'tekton-provenance.dev/webhook-secret': 'true' };

/**
 * The cluster an attacker probes: the genuine labelled webhook Secrets in `ci`, an UNLABELLED
 * Secret in `ci` holding a value the attacker knows (e.g. a registry token someone else
 * created), Secrets in `kube-system`, and a labelled Secret in `team-b` (a namespace the
 * attacker controls, for the trigger-pinning case).
 */
export function seedSecrets(kube: KubeApiServer): void {
  const put = (namespace: string, name: string, labels: Record<string, string>, value: string) =>
    kube.objects.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace, labels },
      type: 'Opaque',
      data: { secret: Buffer.from(value).toString('base64'), token: Buffer.from(value).toString('base64') },
    });
  put('ci', 'github-webhook', LABEL, SECRETS.github);
  put('ci', 'gitlab-webhook', LABEL, SECRETS.gitlab);
  put('ci', 'bitbucket-webhook', LABEL, SECRETS.bitbucket);
  put('ci', 'registry-token', {}, KNOWN_VALUE);
  put('kube-system', 'bootstrap-token', {}, KNOWN_VALUE);
  put('team-b', 'attacker-webhook', LABEL, KNOWN_VALUE);
  kube.objects.put({
    apiVersion: 'triggers.tekton.dev/v1alpha1',
    kind: 'ClusterInterceptor',
    metadata: { name: 'tekton-provenance' },
    spec: { clientConfig: { service: { name: 'tekton-provenance-interceptor', namespace: 'tekton-provenance', port: 8443 } } },
  });
}

/** A value the attacker knows (it is in an unlabelled Secret, or one they created). */
export const KNOWN_VALUE = 'attacker-knows-this-Kd82';

/** Collects a JSON-lines logger's output. */
export function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  return { out, text: () => text };
}

/** HTTP/1.1 over the signing socket with any headers (tools, curl, or an attacker). */
export function udsPost(
  socketPath: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; json: { error?: { code: string; message: string }; signed?: unknown; record?: unknown } }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method: 'POST', path: '/v1/events', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Tallies for docs/security.md: inputs tried and what came of them. */
export class Tally {
  tried = 0;
  acknowledged = 0;
  storedVerified = 0;
  storedUnverified = 0;

  line(suite: string): string {
    return `security ${suite}: ${this.tried} forged inputs, ${this.acknowledged} acknowledged as signed-verified, ${this.storedVerified} stored as verified, ${this.storedUnverified} stored as unverified (provider none)`;
  }
}
