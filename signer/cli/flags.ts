import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.ts';
import { closest } from './suggest.ts';

/** The option table every command hands to `parseFlags` (node:util parseArgs format). */
export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed flags: string / boolean / string[] (for `multiple: true`) values by flag name. */
export type Flags = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface ParsedArgs {
  values: Flags;
  positionals: string[];
}

/**
 * Strict node:util parseArgs, with every parse problem (unknown flag, missing value)
 * turned into a UsageError so main() prints it with the help hint and exits 2.
 */
export function parseFlags(
  argv: string[],
  options: FlagSpec,
  opts: { maxPositionals?: number } = {},
): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(parseProblem(err as Error & { code?: string }, options));
  }
  const positionals = parsed.positionals;
  if (opts.maxPositionals !== undefined && positionals.length > opts.maxPositionals) {
    throw new UsageError(`unexpected argument(s): ${positionals.slice(opts.maxPositionals).join(' ')}`);
  }
  return { values: parsed.values as Flags, positionals };
}

/** node:util's parse error as one short line; an unknown flag names the closest known one. */
function parseProblem(err: Error & { code?: string }, options: FlagSpec): string {
  const unknown = /^Unknown option '([^']+)'/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown) {
    const known = [...Object.keys(options).map((n) => `--${n}`), '--help'];
    const guess = closest(unknown, known);
    return `unknown flag ${unknown}${guess ? `; did you mean ${guess}?` : ''}`;
  }
  const missing = /^Option '(-[^ ']+)[^']*' argument missing/.exec(err.message)?.[1];
  if (missing) return `${missing} needs a value`;
  return err.message;
}

/** A string flag's value, or undefined; throws a UsageError when `required` and absent. */
export function stringFlag(values: Flags, name: string, required?: false): string | undefined;
export function stringFlag(values: Flags, name: string, required: true): string;
export function stringFlag(values: Flags, name: string, required = false): string | undefined {
  const v = values[name];
  const value = Array.isArray(v) ? v[v.length - 1] : v;
  if (typeof value === 'string' && value !== '') return value;
  if (required) throw new UsageError(`--${name} is required`);
  return undefined;
}

/** All values of a repeatable string flag (`multiple: true`), in order. */
export function stringList(values: Flags, name: string): string[] {
  const v = values[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
}

/** A boolean flag (absent = false). */
export function boolFlag(values: Flags, name: string): boolean {
  return values[name] === true;
}

/** Exactly one positional argument, named `what` in the usage error. */
export function onePositional(positionals: string[], what: string): string {
  if (positionals.length === 0) throw new UsageError(`missing ${what}`);
  if (positionals.length > 1) throw new UsageError(`expected one ${what}, got ${positionals.length}`);
  return positionals[0] as string;
}
