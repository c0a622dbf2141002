import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { eventError } from './errors.ts';

const NS_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;

/**
 * A PipelineRun from `kubectl get -o json|yaml` output (a file), or live as `NS/NAME` through
 * a kubeconfig. A path that exists is always read as a file.
 */
export async function loadPipelineRun(
  ref: string,
  opts: { kubeconfig?: string; cwd?: string } = {},
): Promise<unknown> {
  const path = resolve(opts.cwd ?? process.cwd(), ref);
  if (existsSync(path)) return parseObjectFile(path);
  const m = NS_NAME.exec(ref);
  if (!m)
    throw eventError('INVALID_EVENT_RECORD', `--pipelinerun ${ref} is neither a file nor NAMESPACE/NAME`);
  const kc = new KubeConfig();
  if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
  else kc.loadFromDefault();
  const api = kc.makeApiClient(CustomObjectsApi);
  const [, namespace, , name] = m;
  try {
    return await api.getNamespacedCustomObject({
      group: 'tekton.dev',
      version: 'v1',
      namespace: namespace as string,
      plural: 'pipelineruns',
      name: name as string,
    });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    throw eventError(
      'STORE_UNAVAILABLE',
      `cannot get PipelineRun ${ref}: ${code === 404 ? 'not found' : `HTTP ${String(code)}`}`,
      err,
    );
  }
}

function parseObjectFile(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    return parseYaml(text, { maxAliasCount: 100 }) as unknown; // YAML is a superset of JSON
  } catch (err) {
    throw eventError(
      'INVALID_EVENT_RECORD',
      `${path} is neither JSON nor YAML: ${(err as Error).message}`,
      err,
    );
  }
}
