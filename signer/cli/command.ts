/** Streams and environment a command runs with; tests pass their own. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The terminal input for prompts (keygen --cosign); absent or not a TTY: no prompting. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  /** How the user called the CLI, for usage text: `tkn provenance` as a tkn plugin. */
  program?: 'tkn provenance' | 'tkn-provenance';
}

/** Exit codes shared by every command: 0 ok/valid, 1 invalid (a check failed), 2 usage error. */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** One `tkn-provenance <name>` subcommand. `help` is printed for --help and holds examples. */
export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** A usage error: the CLI prints the message and the command's help hint, exit 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
