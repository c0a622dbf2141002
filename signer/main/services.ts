import type { Logger } from '../server/logger.ts';

/** A long-running part of a process (the signing socket, later the attestation controller). */
export interface Service {
  name: string;
  /** Starts the service; resolves once it is ready, to a handle that stops it. */
  start(): Promise<{ stop(): Promise<void> }>;
}

export interface RunningServices {
  /** Stops every service in reverse start order (each once). */
  stop(): Promise<void>;
}

/**
 * Starts services in order; if one fails, the ones already started are stopped and the
 * error is rethrown, so a process never runs half-configured.
 */
export async function startServices(services: readonly Service[], log: Logger): Promise<RunningServices> {
  const started: Array<{ name: string; stop(): Promise<void> }> = [];
  try {
    for (const s of services) {
      const handle = await s.start();
      started.push({ name: s.name, stop: () => handle.stop() });
      log.info('service started', { service: s.name });
    }
  } catch (err) {
    await stopAll(started, log);
    throw err;
  }
  let stopping: Promise<void> | undefined;
  return { stop: () => (stopping ??= stopAll(started, log)) };
}

async function stopAll(started: Array<{ name: string; stop(): Promise<void> }>, log: Logger): Promise<void> {
  for (const s of [...started].reverse()) {
    try {
      await s.stop();
      log.info('service stopped', { service: s.name });
    } catch (err) {
      log.error('service failed to stop', { service: s.name, cause: (err as Error).message });
    }
  }
}

/** SIGINT/SIGTERM stop the services once; a second signal exits at once. */
export function stopOnSignals(running: RunningServices, log: Logger, onStopped: () => void): void {
  let signalled = false;
  const handler = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = true;
    log.info('shutting down', { signal });
    running.stop().then(onStopped, onStopped);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
