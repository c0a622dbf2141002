import { EXIT_USAGE, UsageError, type CliIO } from './command.ts';
import { COMMANDS } from './commands/index.ts';
import { isProvenanceError } from '../errors.ts';

const TOP_HELP = `tkn-provenance: signed provenance for Tekton, from webhook to image

Usage:
  tkn-provenance <command> [flags]      (as a tkn plugin: tkn provenance <command> [flags])

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(17)}${c.summary}`)
  .join('\n')}

Run "tkn-provenance <command> --help" for a command's flags and examples.
`;

/** Dispatches argv to a subcommand; returns the process exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(TOP_HELP);
    return name === undefined ? EXIT_USAGE : 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.stderr.write(`tkn-provenance: unknown command "${name}"\n\n${TOP_HELP}`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help.endsWith('\n') ? command.help : `${command.help}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`tkn-provenance ${name}: ${err.message}\nRun "tkn-provenance ${name} --help" for usage.\n`);
      return EXIT_USAGE;
    }
    if (isProvenanceError(err)) {
      io.stderr.write(`tkn-provenance ${name}: ${err.message} [${err.code}]\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
