import { EXIT_OK, UsageError, type Command } from '../../command.ts';
import { boolFlag, parseFlags, stringFlag } from '../../flags.ts';
import { eventError } from '../../../events/errors.ts';
import { cutoffs, retentionFrom } from '../../../events/retention/policy.ts';
import { STORE_FLAGS, withStore } from './shared.ts';

const command: Command = {
  name: 'events prune',
  summary: 'delete expired records now',
  help: 'tkn-provenance events prune --store STORE [--dry-run] [--attested 7d] [--unclaimed 30d] [--batch 100]',
  async run(argv, io) {
    const { values } = parseFlags(
      argv,
      { ...STORE_FLAGS, 'dry-run': { type: 'boolean' }, attested: { type: 'string' }, unclaimed: { type: 'string' }, batch: { type: 'string' } },
      { maxPositionals: 0 },
    );
    let policy;
    try {
      policy = retentionFrom({ attested: stringFlag(values, 'attested'), unclaimed: stringFlag(values, 'unclaimed'), batch: stringFlag(values, 'batch') });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const dryRun = boolFlag(values, 'dry-run');
    await withStore(values, io, async (store) => {
      if (!store.prune) throw eventError('STORE_CONFIG', 'this event store has no retention');
      const cut = cutoffs(policy, new Date());
      let records = 0;
      let bytes = 0;
      // A dry run deletes nothing, so it is one listing; a real run goes batch by batch (bounded).
      for (let i = 0; i < (dryRun ? 1 : 1_000_000); i++) {
        const r = await store.prune({ ...cut, limit: dryRun ? 1_000_000 : policy.batchSize, dryRun });
        for (const id of r.eventIds) io.stdout.write(`${dryRun ? 'would delete' : 'deleted'} ${id}\n`);
        records += r.records;
        bytes += r.bytes;
        if (r.records < policy.batchSize) break;
      }
      io.stdout.write(`${dryRun ? 'would delete' : 'deleted'} ${records} record(s), ${bytes} bytes\n`);
    }, 'store', dryRun ? 'read' : 'write');
    return EXIT_OK;
  },
};
export default command;
