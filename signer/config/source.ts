import { CoreV1Api, makeInformer, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { CHAINS_CONFIGMAP_NAME, CONFIGMAP_NAME, parseConfig, type ConfigSources } from './parse.ts';
import type { ProvenanceConfig } from './types.ts';

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** Reads both ConfigMaps once (absent = empty) and validates them: the start-up check. */
export async function loadConfig(kc: KubeConfig, namespace: string): Promise<ProvenanceConfig> {
  const core = kc.makeApiClient(CoreV1Api);
  const read = async (name: string): Promise<Record<string, string> | undefined> => {
    try {
      return (await core.readNamespacedConfigMap({ name, namespace })).data ?? {};
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
  };
  const [ours, chains] = await Promise.all([read(CONFIGMAP_NAME), read(CHAINS_CONFIGMAP_NAME)]);
  return parseConfig({ ours, chains });
}

export interface ConfigWatch {
  stop(): Promise<void>;
}

/**
 * Watches both ConfigMaps and calls `onChange` with each new valid config. An invalid edit
 * keeps the running config (the controller must not stop attesting over a typo) and is
 * reported through `onInvalid` so it surfaces as a Kubernetes Event and a log line.
 */
export async function watchConfig(
  kc: KubeConfig,
  namespace: string,
  onChange: (config: ProvenanceConfig) => void,
  onInvalid: (err: unknown) => void,
): Promise<ConfigWatch> {
  const core = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${namespace}/configmaps`, () =>
    core.listNamespacedConfigMap({ namespace }),
  );
  let last = '';
  const recompute = (): void => {
    const sources: ConfigSources = {};
    for (const cm of informer.list(namespace)) {
      if (cm.metadata?.name === CONFIGMAP_NAME) sources.ours = cm.data ?? {};
      if (cm.metadata?.name === CHAINS_CONFIGMAP_NAME) sources.chains = cm.data ?? {};
    }
    const key = JSON.stringify(sources);
    if (key === last) return;
    last = key;
    try {
      onChange(parseConfig(sources));
    } catch (err) {
      onInvalid(err);
    }
  };
  const relevant = (cm: V1ConfigMap): void => {
    const name = cm.metadata?.name;
    if (name === CONFIGMAP_NAME || name === CHAINS_CONFIGMAP_NAME) recompute();
  };
  informer.on('add', relevant);
  informer.on('update', relevant);
  informer.on('delete', relevant);
  informer.on('error', () => {
    // The informer stops on error; restart it after a pause (bounded by stop()).
    if (!stopped) setTimeout(() => { if (!stopped) informer.start().catch(onInvalid); }, 1000).unref();
  });
  let stopped = false;
  await informer.start();
  last = ''; // the first recompute after start reports the current state
  recompute();
  return {
    async stop() {
      stopped = true;
      await informer.stop();
    },
  };
}
