import type { KeylessConfig } from '../config/types.ts';
import { FulcioClient } from './fulcio-client.ts';
import { KeylessSigner, type KeylessOptions } from './keyless-signer.ts';

/** The keyless signer `signers.x509.fulcio.*` describes, or undefined when off. */
export function createKeylessSigner(c: KeylessConfig, cache?: KeylessOptions['cache']): KeylessSigner | undefined {
  if (!c.enabled) return undefined;
  return new KeylessSigner({ fulcio: new FulcioClient(c.address), tokenFile: c.tokenFile, ...(c.issuer ? { issuer: c.issuer } : {}), ...(cache ? { cache } : {}) });
}
