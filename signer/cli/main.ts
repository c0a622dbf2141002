import { EXIT_OK, EXIT_USAGE, type CliIO } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { errorLine } from './error-line.ts';
import { paintFor } from './colour.ts';
import { programName } from './program-name.ts';
import { closest } from './suggest.ts';
import { PACKAGE_VERSION } from '../package-version.ts';

const topHelp = (program: string) => `${program}: signed provenance for Tekton, from webhook to image

Usage:
  tkn-provenance <command> [flags]      (as a tkn plugin: tkn provenance <command> [flags])

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(17)}${c.summary}`)
  .join('\n')}
  version          print the version (also --version)

Run "${program} <command> --help" for a command's flags and examples.
`;

/** Dispatches argv to a subcommand; returns the process exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const program = io.program ?? 'tkn-provenance';
  // Help texts are written for the bin; as a tkn plugin the user typed `tkn provenance`.
  const say = (text: string) => (program === 'tkn-provenance' ? text : text.replaceAll('tkn-provenance ', `${program} `));
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(say(topHelp(program)));
    return name === undefined ? EXIT_USAGE : 0;
  }
  if (name === 'version' || name === '--version') {
    const json = rest.includes('--json');
    io.stdout.write(json ? `${JSON.stringify({ version: PACKAGE_VERSION, node: process.version })}\n` : `${program} ${PACKAGE_VERSION} (Node.js ${process.version})\n`);
    return EXIT_OK;
  }
  const json = rest.includes('--json');
  const entry = COMMANDS[name];
  if (!entry) {
    const guess = closest(name, [...Object.keys(COMMANDS), 'version']);
    const message = `unknown command "${name}"${guess ? `; did you mean "${guess}"?` : ''}`;
    return fail(io, { program, command: undefined, json, code: 'USAGE', message, usage: true });
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(say(command.help.endsWith('\n') ? command.help : `${command.help}\n`));
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (io.env.TKN_PROVENANCE_DEBUG) io.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    return fail(io, { program, command: name, json, ...errorLine(err) });
  }
}

interface Failure {
  program: string;
  command: string | undefined;
  json: boolean;
  code: string;
  message: string;
  usage: boolean;
}

/**
 * Every error ends here: one line on stderr, `[CODE]` last, exit 2 (1 is kept for "a check
 * failed"). Under --json a script reads the same as an object on stdout.
 */
function fail(io: CliIO, f: Failure): number {
  const prefix = f.command ? `${f.program} ${f.command}` : f.program;
  const paint = paintFor(io.stderr, io.env);
  io.stderr.write(`${prefix}: ${paint.fail('error')}: ${f.message} [${f.code}]\n`);
  if (f.usage) io.stderr.write(`Run "${prefix} --help" for usage.\n`);
  if (f.json) io.stdout.write(`${JSON.stringify({ error: { code: f.code, message: f.message, exit: EXIT_USAGE } })}\n`);
  return EXIT_USAGE;
}

/** The process entry: real streams, the caller's name, and no stack trace escaping. */
export async function runCli(argv: string[]): Promise<number> {
  const io: CliIO = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    program: programName(process.env, process.argv[1]),
  };
  // Errors thrown later by a running server (serve) still end as one coded line.
  process.on('uncaughtException', (err) => {
    process.exit(fail(io, { program: io.program as string, command: argv[0], json: argv.includes('--json'), ...errorLine(err) }));
  });
  return main(argv, io);
}
