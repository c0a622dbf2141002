import { configError } from './errors.ts';
import { IGNORED_CHAINS_KEYS, KEY_SPECS } from './keys.ts';
import type { ProvenanceConfig } from './types.ts';

/** Our ConfigMap; Chains' `chains-config` is read too so a Chains user's settings carry over. */
export const CONFIGMAP_NAME = 'tekton-provenance-config';
export const CHAINS_CONFIGMAP_NAME = 'chains-config';

/** Where each data map came from; ours wins over Chains' key by key. */
export interface ConfigSources {
  ours?: Record<string, string>;
  chains?: Record<string, string>;
}

function emptyConfig(): ProvenanceConfig {
  return {
    formats: [], storage: [], signer: { kind: 'x509', ref: '', explicit: false }, builderId: '', buildType: undefined, inTotoBuildType: undefined, deepInspection: false,
    oci: { repository: undefined, insecure: false, encoding: 'dsse', credentialsSecret: undefined },
    tekton: { maxAnnotationBytes: 0 }, sqlite: { path: '' },
    controller: { workers: 0, maxRetries: 0, backoffBaseMs: 0, backoffMaxMs: 0, childGraceMs: 0, namespaces: [] },
    transparency: { mode: 'false', url: '', log: 'rekor', trustedRoot: undefined, events: false },
    keyless: { enabled: false, address: '', issuer: undefined, tokenFile: '' },
    ignoredKeys: [],
  };
}

/**
 * Validates and merges the ConfigMaps into a config. An unknown key in OUR ConfigMap is an
 * error (a typo must not silently fall back to a default); in `chains-config` it is ignored
 * (newer Chains versions add keys) and listed in `ignoredKeys`.
 */
export function parseConfig(sources: ConfigSources): ProvenanceConfig {
  const known = new Set(KEY_SPECS.map((s) => s.key));
  const ignored = new Set(IGNORED_CHAINS_KEYS);
  const config = emptyConfig();
  for (const key of Object.keys(sources.ours ?? {})) {
    if (!known.has(key) && !ignored.has(key)) {
      throw configError('UNKNOWN_KEY', `${CONFIGMAP_NAME}: unknown key "${key}" (see docs/config.md for the keys)`);
    }
  }
  const merged: Record<string, string> = { ...sources.chains, ...sources.ours };
  config.ignoredKeys = Object.keys(merged).filter((k) => !known.has(k)).sort();
  // The table is ordered so that the signer kind is set before its key reference.
  for (const spec of KEY_SPECS) spec.apply(config, merged[spec.key] ?? spec.default);
  config.signer.explicit = config.signer.kind === 'kms' || merged['signers.x509.path'] !== undefined;
  checkRequired(config);
  return config;
}

function checkRequired(config: ProvenanceConfig): void {
  if (config.signer.kind === 'kms' && config.signer.ref === '') {
    throw configError('MISSING_KEY', 'signers.kms.kmsref is required when artifacts.pipelinerun.signer is kms');
  }
  if (config.storage.includes('sqlite') && config.sqlite.path === '') {
    throw configError('MISSING_KEY', 'storage.sqlite.path must name a file when the sqlite backend is configured');
  }
  if (config.controller.backoffMaxMs < config.controller.backoffBaseMs) {
    throw configError('INVALID_VALUE', 'controller.backoff-max must not be below controller.backoff-base');
  }
}
