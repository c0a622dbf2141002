import { resolve } from 'node:path';
import { backupSqliteFile } from '../../events/stores/sqlite-backup.ts';
import { EXIT_OK, type Command } from '../command.ts';
import { parseFlags, stringFlag } from '../flags.ts';

const HELP = `tkn-provenance backup-events: copy a live SQLite event store, safely

Usage:
  tkn-provenance backup-events --store PATH --out FILE

Uses SQLite's online backup through a read-only connection: one consistent copy, including
the records still in PATH-wal (a plain cp or kubectl cp of PATH alone loses them), while the
signer keeps writing. FILE is checked (SQLite integrity check) and never overwritten. Works for
attestations.db too.

Flags:
  --store PATH   the SQLite file (the signer's events.db; in the pod
                 /var/lib/tekton-provenance/events.db)
  --out FILE     where to write the copy (must not exist)

Exit: 0 copied, 2 usage error or the store cannot be read.

Examples:
  tkn-provenance backup-events --store .state/events.db --out events-$(date +%F).db
  kubectl -n tekton-provenance exec deploy/tekton-provenance -c signer -- node signer/cli/tkn-provenance.ts \\
    backup-events --store /var/lib/tekton-provenance/events.db --out /var/lib/tekton-provenance/backup.db
`;

const FLAGS = { store: { type: 'string' }, out: { type: 'string' } } as const;

const command: Command = {
  name: 'backup-events',
  summary: 'copy a live SQLite event store (online backup, WAL included)',
  help: HELP,
  async run(argv, io) {
    const { values } = parseFlags(argv, FLAGS, { maxPositionals: 0 });
    const store = resolve(io.cwd, stringFlag(values, 'store', true));
    const out = resolve(io.cwd, stringFlag(values, 'out', true));
    const result = await backupSqliteFile(store, out);
    const what = result.events === undefined ? 'database' : `${result.events} event record(s)`;
    io.stdout.write(`backed up ${what} (${result.bytes} bytes) to ${out}\n`);
    return EXIT_OK;
  },
};

export default command;
