import { clipLogFields } from '../limits/text.ts';

/**
 * Structured logs: one JSON object per line. Callers pass facts (event id, digest, code),
 * never payloads, keys or headers, so nothing secret can reach a log line.
 */
export type LogFields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

/** A logger writing JSON lines to `out` (stderr by default), tagged with `component`. */
export function jsonLogger(component: string, out: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string, msg: string, fields: LogFields = {}) => {
    out.write(`${JSON.stringify({ time: new Date().toISOString(), level, component, msg, ...clipLogFields(fields) })}\n`);
  };
  return {
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
  };
}

/** Discards everything (tests that do not look at logs). */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
