import { EXIT_INVALID, EXIT_OK, type Command } from '../../command.ts';
import { onePositional, parseFlags } from '../../flags.ts';
import { STORE_FLAGS, withStore } from './shared.ts';

const command: Command = {
  name: 'events get',
  summary: 'print one record as JSON',
  help: 'tkn-provenance events get --store STORE EVENT_ID',
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, STORE_FLAGS, { maxPositionals: 1 });
    const eventId = onePositional(positionals, 'EVENT_ID');
    return withStore(values, io, async (store) => {
      const record = await store.getByEventId(eventId);
      if (!record) {
        io.stderr.write(`tkn-provenance events get: no event ${eventId} in the store\n`);
        return EXIT_INVALID;
      }
      io.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
      return EXIT_OK;
    });
  },
};
export default command;
