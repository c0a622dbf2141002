/**
 * Writes the kubeconfig production code loads unchanged (`kc.loadFromFile(path)`): one cluster
 * (server URL, CA data for HTTPS), one user with a bearer token, one current context.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigFile {
  path: string;
  remove(): void;
}

export function writeKubeconfig(
  server: string,
  token: string,
  caPem: string | undefined,
  namespace: string,
): KubeconfigFile {
  const dir = mkdtempSync(join(tmpdir(), 'kube-api-test-'));
  const path = join(dir, 'kubeconfig');
  const cluster: Record<string, string | boolean> = { server };
  if (caPem !== undefined) cluster['certificate-authority-data'] = Buffer.from(caPem).toString('base64');
  // client-node v2 refuses plain http:// servers unless the cluster says insecure-skip-tls-verify.
  else cluster['insecure-skip-tls-verify'] = true;
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'test', cluster }],
    users: [{ name: 'test', user: { token } }],
    contexts: [{ name: 'test', context: { cluster: 'test', user: 'test', namespace } }],
    'current-context': 'test',
  };
  writeFileSync(path, stringify(doc), { mode: 0o600 });
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
