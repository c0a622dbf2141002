import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { Registry } from '../registry.ts';
import type { TransparencyLog } from './log.ts';
import { RekorClient } from './rekor-client.ts';
import { RekorTransparencyLog } from './rekor-log.ts';
import { HttpTransport, type TransportOptions } from './transport.ts';

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
