import { UsageError, type Command } from '../../command.ts';
import { SUBCOMMANDS } from './subcommands.ts';

const HELP = `tkn-provenance events: administer an event store

Usage:
  tkn-provenance events <subcommand> --store STORE [flags]

Subcommands:
${Object.entries(SUBCOMMANDS)
  .map(([name, s]) => `  ${name.padEnd(8)}${s.summary}\n${s.usage.map((u) => `            ${u}`).join('\n')}`)
  .join('\n')}

STORE is a SQLite file (events.db), postgres://USER@HOST:PORT/DB?sslmode=... (password from
the URL, TEKTON_PROVENANCE_POSTGRES_PASSWORD_FILE or PGPASSWORD), or k8s://NAMESPACE (the
kubernetes-secrets store, read through --kubeconfig / KUBECONFIG).

Exit: 0 done, 1 something was refused (a conflict, a bad signature) or not found, 2 usage.

Examples:
  tkn-provenance events ls --store /var/lib/tekton-provenance/events.db
  tkn-provenance events prune --dry-run --store k8s://tekton-provenance
  tkn-provenance events copy --store events.db --to postgres://signer@db:5432/provenance --key cosign.pub
`;

/**
 * A dispatcher: each subcommand is its own module listed in subcommands.ts (add a line
 * there to add one, e.g. a backup); they share the --store reference (store-ref.ts).
 */
const command: Command = {
  name: 'events',
  summary: 'list, read, prune and copy signed event records in an event store',
  help: HELP,
  async run(argv, io) {
    const [name, ...rest] = argv;
    if (name === undefined) throw new UsageError(`missing subcommand (${Object.keys(SUBCOMMANDS).join(', ')})`);
    const entry = SUBCOMMANDS[name];
    if (!entry) throw new UsageError(`unknown subcommand "${name}" (${Object.keys(SUBCOMMANDS).join(', ')})`);
    return (await entry.load()).run(rest, io);
  },
};
export default command;
