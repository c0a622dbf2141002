import { EXIT_USAGE, type Command } from '../command.ts';

// Placeholder: replaced by the command's implementation.
const command: Command = {
  name: 'verify-event',
  summary: 'not built yet',
  help: 'tkn-provenance verify-event: not built yet',
  async run(_argv, io) {
    io.stderr.write('tkn-provenance verify-event: not built yet\n');
    return EXIT_USAGE;
  },
};
export default command;
