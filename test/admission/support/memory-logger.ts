import { Writable } from 'node:stream';
import { jsonLogger, type Logger } from '../../../signer/server/logger.ts';

/** The webhook's JSON logger writing into memory, for assertions on log lines. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return Object.assign(jsonLogger('admission', out), { lines });
}
