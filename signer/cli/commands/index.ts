import type { Command } from '../command.ts';

/** Every subcommand, loaded lazily so `--help` and small commands start fast. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  keygen: { summary: 'generate a signing key pair', load: async () => (await import('./keygen.ts')).default },
  sign: { summary: 'sign a file as a DSSE envelope', load: async () => (await import('./sign.ts')).default },
  'verify-envelope': {
    summary: 'verify a DSSE envelope against public keys',
    load: async () => (await import('./verify-envelope.ts')).default,
  },
  serve: {
    summary: 'run the interceptor and the signer on embedded defaults',
    load: async () => (await import('./serve.ts')).default,
  },
  'verify-event': {
    summary: 'verify a signed trigger event record offline',
    load: async () => (await import('./verify-event.ts')).default,
  },
  attest: {
    summary: 'build and sign an attestation from exported PipelineRun/TaskRuns',
    load: async () => (await import('./attest.ts')).default,
  },
  verify: {
    summary: 'verify the whole chain: event -> PipelineRun -> tasks -> image',
    load: async () => (await import('./verify.ts')).default,
  },
  inspect: { summary: 'summarise an attestation', load: async () => (await import('./inspect.ts')).default },
  events: {
    summary: 'list, read, prune and copy records in an event store',
    load: async () => (await import('./events/index.ts')).default,
  },
  admission: {
    summary: 'admission webhook: pin images to digests, admit only verified chains',
    load: async () => (await import('./admission.ts')).default,
  },
  'backup-events': {
    summary: 'copy a live SQLite event store (online backup, WAL included)',
    load: async () => (await import('./backup-events.ts')).default,
  },
};
