import { EXIT_OK, UsageError, type Command } from '../../command.ts';
import { boolFlag, parseFlags, stringFlag } from '../../flags.ts';
import { STORE_FLAGS, summaries, withStore } from './shared.ts';

const command: Command = {
  name: 'events ls',
  summary: 'list the records',
  help: 'tkn-provenance events ls --store STORE [--limit N] [--json]',
  async run(argv, io) {
    const { values } = parseFlags(argv, { ...STORE_FLAGS, limit: { type: 'string' }, json: { type: 'boolean' } }, { maxPositionals: 0 });
    const limitText = stringFlag(values, 'limit');
    const limit = limitText === undefined ? 10_000_000 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`--limit ${limitText}: not a whole number above 0`);
    const json = boolFlag(values, 'json');
    await withStore(values, io, async (store) => {
      if (!json) io.stdout.write(`${'EVENT ID'.padEnd(40)} ${'DIGEST'.padEnd(19)} ${'STORED'.padEnd(24)} ${'BYTES'.padStart(9)} ATTESTED\n`);
      for await (const s of summaries(store, limit)) {
        if (json) io.stdout.write(`${JSON.stringify(s)}\n`);
        else {
          const attested = s.attestedAt ? `${s.attestedAt} run ${s.attestedRun ?? '?'}` : '-';
          io.stdout.write(`${s.eventId.padEnd(40)} ${s.digest.slice(0, 19).padEnd(19)} ${s.storedAt.padEnd(24)} ${String(s.bytes).padStart(9)} ${attested}\n`);
        }
      }
    });
    return EXIT_OK;
  },
};
export default command;
