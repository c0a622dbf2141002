import { EXIT_USAGE, type Command } from '../command.ts';

// Placeholder: replaced by the command's implementation.
const command: Command = {
  name: 'attest',
  summary: 'not built yet',
  help: 'tkn-provenance attest: not built yet',
  async run(_argv, io) {
    io.stderr.write('tkn-provenance attest: not built yet\n');
    return EXIT_USAGE;
  },
};
export default command;
