import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXIT_OK, UsageError, type CliIO, type Command } from '../command.ts';
import { boolFlag, parseFlags, stringFlag, stringList, type Flags } from '../flags.ts';
import { OciAttestationStorage } from '../../storage/oci/backend.ts';
import { parseDockerConfig } from '../../storage/oci/credentials.ts';
import { isNotApplicable } from '../../storage/errors.ts';
import { attestRun } from '../../attest/attest-run.ts';
import { resolveEventLink } from '../../attest/event-link.ts';
import { lookupsOver, runFromExports } from '../../attest/exported-run.ts';
import type { SignedAttestation } from '../../attest/types.ts';
import { serializeEnvelope } from '../../dsse/sign.ts';
import { parseRecordDocument } from '../../events/record-codec.ts';
import { SqliteEventStore } from '../../events/stores/sqlite.ts';
import type { EventLink } from '../../attest/types.ts';
import type { TektonRun } from '../../model/types.ts';
import { formats } from '../../formats/registry.ts';
import { loadSigner } from '../../keys/sources.ts';
import { resolveKeyRef } from '../key-refs.ts';
import { writeOutputFile } from '../files.ts';

const HELP = `tkn-provenance attest: build and sign a PipelineRun attestation offline

Usage:
  tkn-provenance attest --pipelinerun FILE [--taskruns FILE...] [--event FILE | --store PATH] --key KEY
                        [--format F...] [--builder-id ID] [--build-type T] [--deep-inspection]
                        [--out FILE] [--json]

Reads what \`kubectl get -o json|yaml\` writes (single objects, Lists, multi-document YAML),
pairs the TaskRuns with the PipelineRun's status.childReferences, finds the trigger event
(--event: the signed event record as the event store keeps it) and signs one attestation per
format: the same code path as the controller, for backfilling old runs and for debugging.
Children not given (deleted TaskRuns, CustomRuns) are recorded as incomplete tasks.

Flags:
  --pipelinerun FILE   the PipelineRun (the file may also hold its TaskRuns)
  --taskruns FILE      TaskRuns (repeatable; each file may be a List)
  --event FILE         the signed event record (JSON); without it the event is "absent"
  --store PATH         or: look the event up in a SQLite event store (events.db), read only
  --key KEY            signing key: PEM/cosign key file, Chains secret dir, awskms://...
                       (cosign keys read COSIGN_PASSWORD)
  --format F           in-toto (default), slsa/v1, slsa/v2alpha4, slsa/v2alpha3, tekton;
                       repeatable or comma-separated
  --builder-id ID      predicate builder id (default https://tekton.dev/chains/v2)
  --build-type T       override the format's default buildType
  --deep-inspection    read the TaskRuns' results too (subjects, inputs, byproducts), as
                       Chains' artifacts.pipelinerun.enable-deep-inspection does
  --out FILE           write the DSSE envelope(s) there, one JSON line per format
                       (default: stdout)
  --json               print a JSON summary (with envelopes unless --out) instead
  --push               also store each in-toto attestation beside its image subjects in their
                       registry, exactly as the controller's oci backend does (cosign .att)
  --attestation-repository REPO   push there instead (storage.oci.repository)
  --insecure-registry  plain http to the registry
  --registry-config FILE   docker config.json with registry credentials for --push

Exit: 0 signed (and pushed; also when TaskRuns are missing: a warning on stderr names them,
and the attestation records them as incomplete, reason not-exported), 2 usage or unreadable
input or a failed push.

Examples:
  kubectl get pipelinerun build-x7k2p -o yaml > pr.yaml
  kubectl get taskruns -l tekton.dev/pipelineRun=build-x7k2p -o yaml > trs.yaml
  tkn-provenance attest --pipelinerun pr.yaml --taskruns trs.yaml --event event.json \\
      --key cosign.key --format in-toto,slsa/v2alpha4 --out build-x7k2p.intoto.jsonl
`;

const FLAGS = {
  pipelinerun: { type: 'string' },
  taskruns: { type: 'string', multiple: true },
  event: { type: 'string' },
  store: { type: 'string' },
  key: { type: 'string' },
  format: { type: 'string', multiple: true },
  'builder-id': { type: 'string' },
  'build-type': { type: 'string' },
  'deep-inspection': { type: 'boolean' },
  out: { type: 'string' },
  json: { type: 'boolean' },
  push: { type: 'boolean' },
  'attestation-repository': { type: 'string' },
  'insecure-registry': { type: 'boolean' },
  'registry-config': { type: 'string' },
} as const;

const command: Command = {
  name: 'attest',
  summary: 'build and sign an attestation from exported PipelineRun/TaskRuns',
  help: HELP,
  async run(argv, io) {
    const { values } = parseFlags(argv, FLAGS, { maxPositionals: 0 });
    const path = (p: string): string => resolve(io.cwd, p);
    const prFile = stringFlag(values, 'pipelinerun', true);
    const keyRef = stringFlag(values, 'key', true);
    const formatNames = stringList(values, 'format').flatMap((f) => f.split(',')).map((f) => f.trim()).filter(Boolean);
    const chosen = formatNames.length > 0 ? formatNames : ['in-toto'];
    for (const f of chosen) if (!formats.has(f)) throw new UsageError(`unknown --format "${f}" (known: ${formats.names().join(', ')})`);

    const taskRunFiles = stringList(values, 'taskruns');
    const run = runFromExports(await read(path(prFile)), await Promise.all(taskRunFiles.map((f) => read(path(f)))));
    warnNotExported(io, run, taskRunFiles.length === 0);
    const event = await findEvent(run, stringFlag(values, 'event'), stringFlag(values, 'store'), path);
    const signer = await loadSigner(resolveKeyRef(keyRef, io.cwd), { env: io.env });
    const opts: Parameters<typeof attestRun>[1] = { formats: chosen, signer, event };
    const builderId = stringFlag(values, 'builder-id');
    const buildType = stringFlag(values, 'build-type');
    if (builderId) opts.builderId = builderId;
    if (buildType) opts.buildType = opts.inTotoBuildType = buildType; // explicit: every chosen format
    if (boolFlag(values, 'deep-inspection')) opts.deepInspection = true;
    const attestations = await attestRun(run, opts);
    if (boolFlag(values, 'push')) await push(io, run, attestations, values, path);

    const lines = attestations.map((a) => serializeEnvelope(a.envelope)).join('\n') + '\n';
    const out = stringFlag(values, 'out');
    if (out) await writeOutputFile(path(out), lines);
    if (boolFlag(values, 'json')) {
      io.stdout.write(`${JSON.stringify(summary(run.pipelineRun.meta, attestations, event, run.missing, out === undefined), null, 2)}\n`);
    } else if (out) {
      report(io, run.pipelineRun.meta.namespace, run.pipelineRun.meta.name, attestations, event, out);
    } else {
      io.stdout.write(lines);
    }
    return EXIT_OK;
  },
};
export default command;

/**
 * Signing still goes ahead (a partial record of an old run is worth keeping, and says it is
 * partial), but never silently: verify will fail `completeness` for these tasks.
 */
function warnNotExported(io: CliIO, run: TektonRun, noTaskRunsFlag: boolean): void {
  const gaps = run.missing.filter((m) => m.reason === 'not-exported');
  if (gaps.length === 0) return;
  const { namespace, name } = run.pipelineRun.meta;
  const lead = noTaskRunsFlag ? 'no --taskruns given: ' : '';
  io.stderr.write(
    `warning: ${lead}${gaps.length} task(s) have no TaskRun in the files given (${gaps.map((g) => g.pipelineTaskName || g.name).join(', ')}); ` +
      `they are recorded as incomplete (reason not-exported) and verify will fail completeness. Export them with\n` +
      `  kubectl get taskruns -n ${namespace} -l tekton.dev/pipelineRun=${name} -o yaml > trs.yaml\nand pass --taskruns trs.yaml\n`,
  );
}

/** The run's event from a record file, an existing SQLite store, or nowhere (absent). */
async function findEvent(run: TektonRun, eventFile: string | undefined, storePath: string | undefined, path: (p: string) => string): Promise<EventLink> {
  if (eventFile && storePath) throw new UsageError('give --event or --store, not both');
  if (storePath) {
    // SqliteEventStore creates missing files: refuse first, a typo must not look like "absent".
    if (!existsSync(path(storePath))) throw new UsageError(`event store ${storePath} does not exist`);
    const store = new SqliteEventStore(path(storePath), { reader: true });
    try {
      return await resolveEventLink(run, (id) => store.getByEventId(id), (d) => store.getByDigest(d));
    } finally {
      await store.close();
    }
  }
  const lookups = lookupsOver(eventFile ? [parseRecordDocument(await read(path(eventFile)), eventFile)] : []);
  return resolveEventLink(run, lookups.byId, lookups.byDigest);
}

/** --push: the controller's own oci backend, one store per attestation (formats it cannot hold are skipped). */
async function push(io: CliIO, run: TektonRun, attestations: SignedAttestation[], values: Flags, path: (p: string) => string): Promise<void> {
  const registryConfig = stringFlag(values, 'registry-config');
  const repository = stringFlag(values, 'attestation-repository');
  const storage = new OciAttestationStorage({
    insecure: boolFlag(values, 'insecure-registry'),
    encoding: 'dsse',
    ...(repository ? { repository } : {}),
    ...(registryConfig ? { credentials: parseDockerConfig(await read(path(registryConfig))) } : {}),
  });
  const meta = run.pipelineRun.meta;
  const ref = { apiVersion: run.pipelineRun.apiVersion, namespace: meta.namespace, name: meta.name, uid: meta.uid };
  for (const a of attestations) {
    try {
      const stored = await storage.store(ref, a);
      io.stderr.write(`pushed ${a.format}: ${stored.location}\n`);
    } catch (err) {
      if (!isNotApplicable(err)) throw err;
      io.stderr.write(`not pushed ${a.format}: ${(err as Error).message}\n`);
    }
  }
}

async function read(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function eventSummary(event: EventLink): Record<string, string> {
  if (event.state === 'found') return { state: 'found', eventId: event.record.eventId, digest: event.record.digest };
  return { state: event.state, reason: event.reason };
}

function summary(
  meta: { namespace: string; name: string; uid: string },
  attestations: SignedAttestation[],
  event: EventLink,
  missing: readonly { name: string; reason: string }[],
  withEnvelopes: boolean,
): object {
  return {
    pipelineRun: { namespace: meta.namespace, name: meta.name, uid: meta.uid },
    event: eventSummary(event),
    incompleteTasks: missing,
    attestations: attestations.map((a) => ({
      format: a.format,
      payloadType: a.payloadType,
      predicateType: a.predicateType,
      subjects: a.subjects,
      ...(withEnvelopes ? { envelope: a.envelope } : {}),
    })),
  };
}

function report(io: CliIO, ns: string, name: string, attestations: SignedAttestation[], event: EventLink, out: string): void {
  const ev = eventSummary(event);
  io.stdout.write(`PipelineRun ${ns}/${name}: event ${ev['state']}${ev['reason'] ? ` (${ev['reason']})` : ` ${ev['eventId']}`}\n`);
  for (const a of attestations) {
    const subjects = a.subjects.map((s) => s.name).join(', ') || 'no subjects';
    io.stdout.write(`  signed ${a.format} (${a.predicateType}): ${subjects}\n`);
  }
  io.stdout.write(`wrote ${attestations.length} envelope(s) to ${out}\n`);
}
