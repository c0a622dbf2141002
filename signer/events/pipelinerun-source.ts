import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { eventError } from './errors.ts';

const NS_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;

/**
 * A PipelineRun from `kubectl get -o json|yaml` output (a file), or live as `NS/NAME` through
 * a kubeconfig. A path that exists is always read as a file.
 */
export async function loadPipelineRun(
  ref: string,
  opts: { kubeconfig?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<unknown> {
  const path = resolve(opts.cwd ?? process.cwd(), ref);
  if (existsSync(path)) return parseObjectFile(path);
  const m = NS_NAME.exec(ref);
  if (!m)
    throw eventError('INVALID_EVENT_RECORD', `--pipelinerun ${ref} is neither a file nor NAMESPACE/NAME`);
  const kc = kubeConfig(opts.kubeconfig, ref, opts.env ?? process.env);
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
    // An HTTP answer has a numeric code; a connection failure (ECONNREFUSED, TLS) only a message.
    const why = code === 404 ? 'not found' : typeof code === 'number' ? `HTTP ${code}` : (err as Error).message;
    throw eventError('STORE_UNAVAILABLE', `cannot get PipelineRun ${ref} from ${kc.getCurrentCluster()?.server ?? '?'}: ${why}`, err);
  }
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * The kubeconfig client-node would use, or an error naming what is missing: without one,
 * client-node silently falls back to http://localhost:8080 and the failure reads "HTTP undefined".
 */
function kubeConfig(path: string | undefined, ref: string, env: NodeJS.ProcessEnv): KubeConfig {
  const kc = new KubeConfig();
  const home = env.HOME ?? '';
  const fallback = !path && !env.KUBECONFIG && !existsSync(join(home, '.kube', 'config')) && !existsSync(SERVICE_ACCOUNT_TOKEN);
  if (fallback) {
    throw eventError('STORE_CONFIG', `--pipelinerun ${ref}: no kubeconfig (KUBECONFIG is unset, there is no ~/.kube/config and this is not a pod): pass --kubeconfig FILE, set KUBECONFIG, or give a file from kubectl get pipelinerun -o yaml`);
  }
  try {
    // client-node's loadFromDefault reads process.env itself: resolve the file here.
    const file = path ?? env.KUBECONFIG?.split(':')[0] ?? (existsSync(join(home, '.kube', 'config')) ? join(home, '.kube', 'config') : undefined);
    if (file) kc.loadFromFile(file);
    else kc.loadFromCluster();
  } catch (err) {
    throw eventError('STORE_CONFIG', `cannot read the kubeconfig ${path ?? env.KUBECONFIG ?? '~/.kube/config'}: ${(err as Error).message}`, err);
  }
  if (!kc.getCurrentCluster()) throw eventError('STORE_CONFIG', `the kubeconfig ${path ?? env.KUBECONFIG ?? '~/.kube/config'} has no current context with a cluster`);
  return kc;
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
