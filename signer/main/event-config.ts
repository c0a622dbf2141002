import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configError } from '../config/errors.ts';
import { parseConfig } from '../config/parse.ts';
import type { ProvenanceConfig } from '../config/types.ts';

/**
 * The config the event signer reads at start-up (keyless, transparency.events): a file in the
 * ConfigMap's `data` form (`--config` / TEKTON_PROVENANCE_CONFIG_FILE, no cluster needed),
 * else, in a cluster, the ConfigMaps the controller reads. Undefined: neither (events are
 * signed by the process key and not logged). Changes apply at the next start.
 */
export async function loadEventConfig(file: string | undefined, cluster: (() => Promise<ProvenanceConfig>) | undefined): Promise<ProvenanceConfig | undefined> {
  if (file) return parseConfig({ ours: readDataFile(file) });
  return cluster?.();
}

function readDataFile(file: string): Record<string, string> {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: 10 });
  } catch (err) {
    throw configError('INVALID_VALUE', `config file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  // A ConfigMap manifest, or its bare `data` map.
  const data = doc && typeof doc === 'object' && 'data' in doc ? (doc as { data: unknown }).data : doc ?? {};
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw configError('INVALID_VALUE', `config file ${file}: not a map of keys to values`);
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)]));
}
