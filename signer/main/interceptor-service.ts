import {
  startInterceptor,
  type InterceptorOptions,
  type RunningInterceptor,
} from '../../interceptor/index.ts';
import type { Service } from './services.ts';

/** The interceptor (helper-owned `interceptor/`) as a Service; `onStarted` gets its URL and CA. */
export function interceptorService(
  opts: InterceptorOptions,
  onStarted: (i: RunningInterceptor) => void,
): Service {
  return {
    name: 'interceptor',
    async start() {
      const running = await startInterceptor(opts);
      onStarted(running);
      return { stop: () => running.close() };
    },
  };
}
