import { clipLogFields } from '../../signer/limits/text.ts';

/**
 * Structured JSON log lines (one object per line). Callers pass codes, ids and messages,
 * never header values or secrets: nothing here filters, so nothing secret may be handed in.
 */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => {
    write(`${JSON.stringify({ level, time: new Date().toISOString(), component: 'interceptor', msg, ...clipLogFields(fields) })}\n`);
  };
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** For tests and embedding: keeps every line in memory. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(jsonLogger((line) => lines.push(line)), { lines });
}
