import { TlsManager, type TlsManagerOptions } from './manager.ts';

/** What an HTTPS server serves: the cert and key, and the issuing CA when we manage it. */
export interface ServingCert {
  cert: string;
  key: string;
  /** The issuing CA when we manage it (absent for explicit PEMs). */
  ca?: string;
}

/** The serving cert, whatever its origin, and notice when it changes (interceptor and admission webhook). */
export interface TlsSource {
  current(): ServingCert;
  onChange(listener: (cert: ServingCert) => void): void;
  stop(): void;
}

/** Explicit PEMs: never change, nothing to stop. */
export function pemTlsSource(cert: string, key: string): TlsSource {
  const serving = { cert, key };
  return { current: () => serving, onChange: () => undefined, stop: () => undefined };
}

/** A cert we manage (signer/tls/manager.ts): started here (fails loudly: no cert, no server), then renewed. */
export async function managedTlsSource(opts: TlsManagerOptions): Promise<TlsSource> {
  const manager = new TlsManager(opts);
  await manager.start();
  const toServing = (): ServingCert => {
    const b = manager.current();
    return { cert: b.serverCert, key: b.serverKey, ca: b.caCert };
  };
  return {
    current: toServing,
    onChange: (listener) => manager.onChange(() => listener(toServing())),
    stop: () => manager.stop(),
  };
}
