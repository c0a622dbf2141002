import type { Command } from '../../command.ts';

/** `tkn-provenance events <name>`: one module each, loaded when used. */
export const SUBCOMMANDS: Record<string, { summary: string; usage: string[]; load: () => Promise<Command> }> = {
  ls: {
    summary: 'list the records (id, digest, stored, bytes, attested by run)',
    usage: ['ls --store STORE [--limit N] [--json]'],
    load: async () => (await import('./ls.ts')).default,
  },
  get: {
    summary: 'print one record as JSON',
    usage: ['get --store STORE EVENT_ID'],
    load: async () => (await import('./get.ts')).default,
  },
  prune: {
    summary: 'delete expired records now, as the signer does on its timer',
    usage: ['prune --store STORE [--dry-run] [--attested 7d] [--unclaimed 30d] [--batch 100]'],
    load: async () => (await import('./prune.ts')).default,
  },
  copy: {
    summary: 'copy every record to another store, verifying each signature; re-runnable',
    usage: ['copy --store STORE --to STORE --key PUB [--key PUB...]'],
    load: async () => (await import('./copy.ts')).default,
  },
};
