import { EXIT_INVALID, EXIT_OK, UsageError, type Command } from '../../command.ts';
import { parseFlags, stringList } from '../../flags.ts';
import { isProvenanceError } from '../../../errors.ts';
import { verifyEvent } from '../../../events/verify-record.ts';
import { loadVerifiers } from '../../../keys/sources.ts';
import { resolveKeyRef } from '../../key-refs.ts';
import { STORE_FLAGS, summaries, withStore } from './shared.ts';

/** The checks a record must pass to be copied (authenticity may be false: still a record). */
const REQUIRED = new Set(['signature', 'predicate-type', 'statement', 'record']);

const command: Command = {
  name: 'events copy',
  summary: 'copy every record to another store',
  help: 'tkn-provenance events copy --store STORE --to STORE --key PUB [--key PUB...]',
  async run(argv, io) {
    const { values } = parseFlags(argv, { ...STORE_FLAGS, to: { type: 'string' }, key: { type: 'string', multiple: true } }, { maxPositionals: 0 });
    const keys = stringList(values, 'key');
    if (keys.length === 0) throw new UsageError('--key is required: every record is verified before it is copied');
    const verifiers = await loadVerifiers(keys.map((k) => resolveKeyRef(k, io.cwd)));
    const counts = { copied: 0, conflicts: 0, unverified: 0, missing: 0 };
    await withStore(values, io, (from) =>
      withStore(values, io, async (to) => {
        for await (const s of summaries(from)) {
          const record = await from.getByEventId(s.eventId);
          if (!record) {
            counts.missing++; // deleted (pruned) since it was listed
            continue;
          }
          const failed = verifyEvent({ envelope: record.envelope, record, verifiers }).checks.filter((c) => REQUIRED.has(c.name) && !c.ok);
          if (failed.length > 0) {
            counts.unverified++;
            io.stderr.write(`refused ${s.eventId}: ${failed.map((c) => `${c.name}: ${c.detail}`).join('; ')}\n`);
            continue;
          }
          try {
            await to.put(record); // the same record already there (a re-run) is a no-op
            counts.copied++;
          } catch (err) {
            if (!isProvenanceError(err, 'EVENT_CONFLICT')) throw err;
            counts.conflicts++;
            io.stderr.write(`refused ${s.eventId}: ${err.message}\n`);
            continue;
          }
          // Keep the retention state: an attested record stays attested (first mark wins).
          if (s.attestedAt && to.markAttested) await to.markAttested(s.eventId, s.attestedRun ?? '', new Date(s.attestedAt));
        }
      }, 'to', 'create'),
    );
    io.stdout.write(
      `copied ${counts.copied} (including any already there), conflicts ${counts.conflicts}, bad signature ${counts.unverified}, gone meanwhile ${counts.missing}\n`,
    );
    return counts.conflicts + counts.unverified > 0 ? EXIT_INVALID : EXIT_OK;
  },
};
export default command;
