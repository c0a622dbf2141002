import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO, type Command } from '../command.ts';
import { boolFlag, parseFlags, stringFlag, stringList } from '../flags.ts';
import { parseEnvelope } from '../../dsse/parse.ts';
import type { DsseEnvelope } from '../../dsse/envelope.ts';
import { loadVerifiers } from '../../keys/sources.ts';
import type { SignedEventRecord } from '../../events/event-record.ts';
import { recordFromJson } from '../../events/record-codec.ts';
import { checkPipelineRunLink, eventLinkOf } from '../../events/pipelinerun-link.ts';
import { loadPipelineRun } from '../../events/pipelinerun-source.ts';
import type { EventStore } from '../../events/event-store.ts';
import { openStoreRef } from '../../events/stores/store-ref.ts';
import { isProvenanceError } from '../../errors.ts';
import { verifyEvent, type EventCheck } from '../../events/verify-record.ts';
import { resolveKeyRef } from '../key-refs.ts';
import { paintFor } from '../colour.ts';
import { TRUST_FLAGS, trustFlags } from '../trust-flags.ts';
import { readInputFile } from '../files.ts';
import { parsePolicy } from '../../verify/policy/parse-policy.ts';
import { identityFromPolicy } from '../../transparency/identity.ts';
import type { Policy } from '../../verify/policy/policy.ts';
import { checkEventSigstore, type EventTrust } from '../../events/verify-sigstore.ts';

const HELP = `tkn-provenance verify-event: verify a signed trigger event record offline

Usage:
  tkn-provenance verify-event --key PUB [--payload FILE] [--json] RECORD_FILE
  tkn-provenance verify-event --trusted-root FILE --certificate-identity ID --certificate-oidc-issuer URL RECORD_FILE
  tkn-provenance verify-event --key PUB [--payload FILE] [--json] --pipelinerun FILE|NS/NAME --store STORE
  tkn-provenance verify-event --key PUB [--payload FILE] [--json] --event-id ID --store STORE

RECORD_FILE holds a SignedEventRecord (JSON, as the signer stores it), the signer's answer
{"record": ...} to GET /v1/events/<id>, or the bare DSSE envelope. \`serve\` writes its public
key to <state-dir>/signing-key.pub (or signing-key-from-ref.pub with --key).
With --pipelinerun, the event is found through the PipelineRun's triggers.tekton.dev/triggers-eventid label in the event store at --store, and the run's
tekton-provenance.dev/event-digest and event-signature annotations must match the record.

Checks: signature, predicate-type, statement, record, payload (with --payload), authenticity
(verified, or provider none: delegated to an earlier interceptor, reported), and for a
PipelineRun: run-digest, run-signature, run-event-id. A keyless record (signed with a Fulcio
certificate, stored with it) needs no --key: certificate (chain to --trusted-root's CA, identity)
and transparency (its Rekor entry: SET, checkpoint, inclusion proof, offline). With
--trusted-root a key-signed record's log entry is required and checked too (transparency.events).

Flags:
  --key REF              public key: PEM file (cosign.pub, certificate), signing-secrets
                         directory, or KMS URI (repeatable; any one may have signed)
  --trusted-root FILE    Sigstore trusted_root.json (Fulcio CA, Rekor key): checks the record's
                         log entry (required) and, keyless, its certificate chain
  --certificate-identity ID          keyless: the certificate's SAN, exactly
  --certificate-identity-regexp RE   keyless: the SAN as a regular expression
  --certificate-oidc-issuer URL      keyless: the certificate's OIDC issuer
  --policy FILE          policy YAML: event.identity and event.transparency (else the top-level
                         transparency) apply to the record (docs/policy.md)
  --payload FILE         the original webhook body; its sha256 must be the signed digest
  --pipelinerun REF      \`kubectl get pipelinerun -o json|yaml\` output, or NAMESPACE/NAME (live)
  --event-id ID          verify the record stored under this Triggers event id (needs --store)
  --store STORE          the event store: a SQLite file (events.db), postgres://...,
                         or k8s://<namespace> (also kubernetes-secrets://, through the kubeconfig)
  --kubeconfig PATH      kubeconfig for a live NAMESPACE/NAME (default: KUBECONFIG / in-cluster)
  --json                 print the result as JSON

Exit: 0 verified, 1 a check failed, 2 usage or unreadable input.

Examples:
  tkn-provenance verify-event --key .state/signing-key.pub --payload push.json record.json
  tkn-provenance verify-event --key cosign.pub --pipelinerun ci/build-x7k2p --store events.db
  tkn-provenance verify-event --trusted-root trusted_root.json --certificate-oidc-issuer https://kubernetes.default.svc \
    --certificate-identity https://kubernetes.io/namespaces/tekton-provenance/serviceaccounts/tekton-provenance record.json
`;

const FLAGS = {
  key: { type: 'string', multiple: true },
  payload: { type: 'string' },
  pipelinerun: { type: 'string' },
  store: { type: 'string' },
  kubeconfig: { type: 'string' },
  'event-id': { type: 'string' },
  json: { type: 'boolean' },
  ...TRUST_FLAGS,
  policy: { type: 'string' },
} as const;

const command: Command = {
  name: 'verify-event',
  summary: 'verify a signed trigger event record offline',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, FLAGS, { maxPositionals: 1 });
    const keys = stringList(values, 'key');
    const trust = await trustFlags(values, (p) => resolve(io.cwd, p));
    const policyFile = stringFlag(values, 'policy');
    const policy = policyFile ? parsePolicy(await readInputFile(resolve(io.cwd, policyFile), '--policy')) : undefined;
    const verifiers = keys.length === 0 ? [] : await loadVerifiers(
      keys.map((k) => resolveKeyRef(k, io.cwd)),
    );
    const payloadPath = stringFlag(values, 'payload');
    const payload = payloadPath ? readInput(resolve(io.cwd, payloadPath), '--payload') : undefined;
    const runRef = stringFlag(values, 'pipelinerun');
    let found: { envelope: DsseEnvelope; record?: SignedEventRecord; extra: EventCheck[] };
    const eventId = stringFlag(values, 'event-id');
    if ([runRef, eventId, positionals[0]].filter(Boolean).length > 1) {
      throw new UsageError('give one of RECORD_FILE, --pipelinerun or --event-id');
    }
    if (runRef) {
      found = await fromPipelineRun(runRef, stringFlag(values, 'store', true), values, io);
    } else if (eventId) {
      found = { ...(await fromStore(eventId, stringFlag(values, 'store', true), values, io)), extra: [] };
    } else {
      if (positionals.length === 0)
        throw new UsageError('missing RECORD_FILE (or --pipelinerun or --event-id, with --store)');
      found = { ...readRecordFile(resolve(io.cwd, positionals[0] as string)), extra: [] };
    }
    const keyless = found.record?.certificates !== undefined;
    if (keys.length === 0 && !keyless) throw new UsageError('--key is required (the record is not signed keyless)');
    const sigstore = sigstoreChecks(found, verifiers, eventTrust(trust, policy));
    const result = verifyEvent({ envelope: found.envelope, record: found.record, verifiers: keyless ? sigstore.verifiers : verifiers, payload });
    const checks = [...sigstore.checks, ...result.checks, ...found.extra];
    const ok = checks.every((c) => c.ok);
    report(
      io,
      ok,
      checks,
      result.event?.eventId ?? found.record?.eventId,
      result.event?.digest,
      boolFlag(values, 'json'),
    );
    return ok ? EXIT_OK : EXIT_INVALID;
  },
};
export default command;

/** Flags win over the policy's event.identity; the policy's requirement over the flag's implied one. */
function eventTrust(trust: Awaited<ReturnType<typeof trustFlags>>, policy: Policy | undefined): EventTrust {
  const p = policy?.event.identity;
  const identity = trust.identity ?? (p ? identityFromPolicy(p) : undefined);
  const transparency = policy ? (policy.event.transparency ?? policy.transparency ?? 'optional') : trust.trustedRoot ? 'required' : 'optional';
  return { transparency, ...(trust.trustedRoot ? { trustedRoot: trust.trustedRoot } : {}), ...(identity ? { identity } : {}) };
}

/** A bare envelope carries no log entry or certificate: only a requirement can fail it. */
function sigstoreChecks(found: { record?: SignedEventRecord }, verifiers: Awaited<ReturnType<typeof loadVerifiers>>, t: EventTrust) {
  if (found.record) return checkEventSigstore(found.record, verifiers, t);
  const checks: EventCheck[] = t.transparency === 'required'
    ? [{ name: 'transparency', ok: false, detail: 'a bare envelope carries no transparency log entry, and one is required [TLOG_MISSING]' }]
    : [];
  return { checks, verifiers: [] };
}

function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** A SignedEventRecord file, or a bare DSSE envelope file. */
function readRecordFile(path: string): { envelope: DsseEnvelope; record?: SignedEventRecord } {
  const text = readInput(path, 'RECORD_FILE').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`RECORD_FILE ${path} is not JSON: ${(err as Error).message}`);
  }
  const obj = (value ?? {}) as Record<string, unknown>;
  if ('envelope' in obj) {
    const record = recordFromJson(obj, path);
    return { envelope: record.envelope, record };
  }
  if ('record' in obj) {
    const record = recordFromJson(obj.record, path); // the signer's `{"record": ...}` answer
    return { envelope: record.envelope, record };
  }
  return { envelope: parseEnvelope(text) };
}

/** `--event-id ID --store STORE`: the record straight from the store. */
async function fromStore(
  eventId: string,
  storeRef: string,
  values: Record<string, unknown>,
  io: CliIO,
): Promise<{ envelope: DsseEnvelope; record: SignedEventRecord }> {
  const kubeconfig =
    typeof values.kubeconfig === 'string' ? resolve(io.cwd, values.kubeconfig) : io.env.KUBECONFIG;
  const store = await openStore(storeRef, kubeconfig, io);
  try {
    const record = await store.getByEventId(eventId);
    if (!record) throw new UsageError(`no event ${eventId} in the store ${storeRef}`);
    return { envelope: record.envelope, record };
  } finally {
    await store.close();
  }
}

async function fromPipelineRun(
  ref: string,
  storePath: string,
  values: Record<string, unknown>,
  io: CliIO,
): Promise<{ envelope: DsseEnvelope; record: SignedEventRecord; extra: EventCheck[] }> {
  const kubeconfig =
    typeof values.kubeconfig === 'string' ? resolve(io.cwd, values.kubeconfig) : io.env.KUBECONFIG;
  const run = await loadPipelineRun(ref, { cwd: io.cwd, env: io.env, ...(kubeconfig ? { kubeconfig } : {}) });
  const link = eventLinkOf(run);
  const store = await openStore(storePath, kubeconfig, io);
  try {
    const record = link.eventId
      ? await store.getByEventId(link.eventId)
      : (await store.getByDigest(link.digest as string))[0];
    if (!record) throw new UsageError(`no event ${link.eventId ?? link.digest} in the store ${storePath}`);
    return { envelope: record.envelope, record, extra: checkPipelineRunLink(link, record) };
  } finally {
    await store.close();
  }
}

/** `--store`: a SQLite file, `postgres://...`, or `k8s://` / `kubernetes-secrets://<namespace>` (store-ref.ts). */
function openStore(storeRef: string, kubeconfig: string | undefined, io: CliIO): Promise<EventStore> {
  return openStoreRef(storeRef, { cwd: io.cwd, kubeconfig, env: io.env }).catch((err: unknown) => {
    throw isProvenanceError(err, 'STORE_CONFIG') ? new UsageError(`--store ${err.message}`) : err;
  });
}

function report(
  io: CliIO,
  ok: boolean,
  checks: EventCheck[],
  eventId?: string,
  digest?: string,
  json = false,
): void {
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ verified: ok, eventId: eventId ?? null, digest: digest ?? null, checks }, null, 2)}\n`,
    );
    return;
  }
  const paint = paintFor(io.stdout, io.env);
  for (const c of checks) io.stdout.write(`${c.ok ? paint.pass('PASS') : paint.fail('FAIL')} ${c.name.padEnd(15)}${c.detail}\n`);
  const failed = checks.filter((c) => !c.ok).length;
  io.stdout.write(
    ok
      ? `${paint.pass('VERIFIED')}: event ${eventId ?? '?'} (${digest ?? '?'})\n`
      : `${paint.fail('NOT VERIFIED')}: ${failed} check(s) failed${eventId ? ` for event ${eventId}` : ''}\n`,
  );
}
