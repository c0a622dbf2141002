import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { TransparencyConfig } from '../config/types.ts';
import { Registry } from '../registry.ts';
import type { TransparencyLog } from './log.ts';
import { RekorClient } from './rekor-client.ts';
import { RekorTransparencyLog } from './rekor-log.ts';
import { HttpTransport, type TransportOptions } from '../remote/transport.ts';
import { readTrustedRoot } from './trusted-root.ts';

export interface TransparencyLogDeps {
  url: string;
  trustedRoot?: TrustedRoot;
  transport?: TransportOptions;
}

export type TransparencyLogFactory = (d: TransparencyLogDeps) => TransparencyLog;

/** Transparency logs by their `transparency.log` name (Rekor v1 today; Rekor v2 has no dsse). */
export const transparencyLogs = new Registry<TransparencyLogFactory>('transparency log')
  .register('rekor', (d) => new RekorTransparencyLog({
    client: new RekorClient(d.url, new HttpTransport(d.transport)),
    ...(d.trustedRoot ? { trustedRoot: d.trustedRoot } : {}),
  }));

/** The configured log, or undefined when `transparency.enabled` is false and nothing is signed keyless. */
export async function createTransparencyLog(c: TransparencyConfig, keyless = false, transport?: TransportOptions): Promise<TransparencyLog | undefined> {
  if (c.mode === 'false' && !keyless) return undefined;
  const trustedRoot = c.trustedRoot ? await readTrustedRoot(c.trustedRoot) : undefined;
  return transparencyLogs.get(c.log)({ url: c.url, ...(trustedRoot ? { trustedRoot } : {}), ...(transport ? { transport } : {}) });
}
