// Keyless event records and transparency.events through the REAL signer process (its entry,
// socket and SQLite store) and the real interceptor, against the Fulcio, OIDC and Rekor
// stand-ins; @sigstore/verify checks what was stored, independently of our verifier.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startInterceptor, type RunningInterceptor as InterceptorServer } from '../../../interceptor/index.ts';
import { memoryLogger } from '../../../interceptor/observe/logger.ts';
import { main } from '../../../signer/cli/main.ts';
import type { SignedEventRecord } from '../../../signer/events/event-record.ts';
import { parseRecordDocument, serializeRecord } from '../../../signer/events/record-codec.ts';
import { FulcioStandIn } from '../../harness/fulcio/index.ts';
import { OidcIssuerStandIn } from '../../harness/oidc/index.ts';
import { RekorStandIn, trustedRoot } from '../../harness/rekor/index.ts';
import { postHttps } from '../../interceptor/helpers/https.ts';
import { githubRequest, STATIC_SECRETS } from '../../interceptor/helpers/requests.ts';
import { sigstoreVerifyBundle } from '../transparency/sigstore-check.ts';
import { udsRequest } from './uds-client.ts';
import { parseTrustedRoot } from '../../../signer/transparency/trusted-root.ts';
import { parsePolicy } from '../../../signer/verify/policy/parse-policy.ts';
import { verifyAttestation } from '../../../signer/verify/verify-attestation.ts';
import { attest, IMAGE_DIGEST, newSigner, pushBody, simpleBuild, SIMPLE_BUILD_POLICY, verifierOf } from '../verify/chain-fixture.ts';

const ENTRY = join(import.meta.dirname, '../../../signer/main/signer.ts');
const SAN = 'https://kubernetes.io/namespaces/tekton-provenance/serviceaccounts/tekton-provenance';

let dir: string;
let oidc: OidcIssuerStandIn;
let fulcio: FulcioStandIn;
let rekor: RekorStandIn;
let root: Record<string, unknown>;
const socket = () => join(dir, 'signer.sock');
/** The signer's last log lines, for failure messages. */
let signerLog = '';

async function startSigner(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [
    ENTRY, '--socket', socket(), '--key', join(dir, 'no-key-here'), '--state-dir', join(dir, 'state'),
    '--secrets', join(dir, 'secrets.json'), '--config', join(dir, 'config.yaml'),
  ], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH } });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
    signerLog = err.slice(-4000);
  });
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    if (await udsRequest(socket(), 'GET', '/v1/healthz').then((r) => r.status === 200, () => false)) return child;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`signer did not become healthy: ${err}`);
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

async function record(eventId: string): Promise<SignedEventRecord> {
  const res = await udsRequest(socket(), 'GET', `/v1/events/${eventId}`);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return parseRecordDocument(JSON.stringify(res.json));
}

/** Waits (bounded: 30 s) until the record carries its log entry. */
async function logged(eventId: string): Promise<SignedEventRecord> {
  for (let i = 0; i < 300; i++) {
    const r = await record(eventId);
    if (r.tlog) return r;
    await sleep(100);
  }
  throw new Error(`event ${eventId} was not logged in 30 s; signer log:\n${signerLog}`);
}

async function webhook(srv: InterceptorServer, body = JSON.stringify({ ref: 'refs/heads/main', n: Math.random() })) {
  const req = githubRequest(body);
  const started = performance.now();
  const res = (await postHttps(`${srv.url}/`, srv.caCert() as string, JSON.stringify(req))).json as { continue: boolean; status?: { message?: string } };
  return { eventId: req.context?.event_id as string, res, ms: performance.now() - started, body };
}

async function verifyEvent(...argv: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await main(['verify-event', ...argv], { stdout, stderr: new PassThrough(), env: {}, cwd: dir });
  return { code, out };
}

/** The record as a v0.3 bundle (leaf certificate + its entry), for @sigstore/verify alone. */
function bundleOf(r: SignedEventRecord): unknown {
  const der = (r.certificates?.[0] ?? '').replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
  const sig = r.envelope.signatures[0];
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { certificate: { rawBytes: der }, tlogEntries: [r.tlog?.entry], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: r.envelope.payload, payloadType: r.envelope.payloadType, signatures: [{ sig: sig?.sig, keyid: sig?.keyid ?? '' }] },
  };
}

describe('keyless event records, logged after the answer (real signer process)', () => {
  let signer: ChildProcess;
  let srv: InterceptorServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tp-keyless-events-'));
    oidc = await OidcIssuerStandIn.start();
    fulcio = await FulcioStandIn.start({ issuers: [oidc.url] });
    rekor = await RekorStandIn.start({ slowMs: 3000 });
    root = trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey }, fulcio: { url: fulcio.url, chainDer: fulcio.chainDer }, ctlog: fulcio.ctLog });
    writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(root));
    writeFileSync(join(dir, 'oidc-token'), oidc.mint({ namespace: 'tekton-provenance', serviceAccount: 'tekton-provenance', ttlSeconds: 3600 }));
    writeFileSync(join(dir, 'secrets.json'), JSON.stringify(STATIC_SECRETS), { mode: 0o600 });
    writeFileSync(join(dir, 'config.yaml'), [
      'signers.x509.fulcio.enabled: "true"',
      `signers.x509.fulcio.address: ${fulcio.url}`,
      `signers.x509.fulcio.issuer: ${oidc.url}`,
      `signers.x509.identity.token.file: ${join(dir, 'oidc-token')}`,
      `transparency.url: ${rekor.url}`,
      `transparency.trusted-root: ${join(dir, 'trusted_root.json')}`,
    ].join('\n'));
    signer = await startSigner();
    srv = await startInterceptor({ host: '127.0.0.1', port: 0, signerSocket: socket(), tls: { kind: 'directory', dir: join(dir, 'tls') }, logger: memoryLogger() });
  });
  after(async () => {
    await srv?.close();
    if (signer?.exitCode === null) await stop(signer, 'SIGKILL');
    await Promise.all([rekor?.close(), fulcio?.close(), oidc?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  test('signed with a Fulcio certificate, logged, verified by @sigstore/verify and by verify-event --trusted-root', async () => {
    const w = await webhook(srv);
    assert.equal(w.res.continue, true, w.res.status?.message);
    const r = await logged(w.eventId);
    assert.equal(r.certificates?.length, 3, 'leaf, intermediate, root stored with the record');
    assert.equal(r.tlog?.url, rekor.url);
    sigstoreVerifyBundle(bundleOf(r), root, undefined, { subjectAlternativeName: SAN, extensions: { issuer: oidc.url } });
    writeFileSync(join(dir, 'record.json'), JSON.stringify({ record: JSON.parse(serializeRecord(r)) }));
    writeFileSync(join(dir, 'payload.json'), w.body);
    const v = await verifyEvent('--trusted-root', 'trusted_root.json', '--certificate-identity', SAN, '--certificate-oidc-issuer', oidc.url, '--payload', 'payload.json', 'record.json');
    assert.equal(v.code, 0, v.out);
    assert.match(v.out, /^PASS certificate +chains to the trusted root; issued to https:\/\/kubernetes\.io\/namespaces\/tekton-provenance/m);
    assert.match(v.out, /^PASS transparency +logged at index \d+/m);
    assert.match(v.out, /^PASS signature/m);
    const regexp = await verifyEvent('--trusted-root', 'trusted_root.json', '--certificate-identity-regexp', '^https://kubernetes\\.io/namespaces/tekton-provenance/', '--certificate-oidc-issuer', oidc.url, 'record.json');
    assert.equal(regexp.code, 0, regexp.out);
  });

  test('an attestation embedding the keyless record: verify checks its chain, identity and log entry (policy event.identity)', async () => {
    const w = await webhook(srv, pushBody());
    assert.equal(w.res.continue, true, w.res.status?.message);
    const r = await logged(w.eventId);
    const key = newSigner();
    const trust = parseTrustedRoot(JSON.stringify(root));
    const judge = async (identity: { subject?: string; subjectRegExp?: string; issuer: string } | undefined, record = r, trustedRoot = trust) => {
      const policy = parsePolicy(SIMPLE_BUILD_POLICY);
      if (identity) policy.event.identity = identity;
      const out: Record<string, string[]> = {};
      for (const a of await attest(simpleBuild(record), key, { state: 'found', record })) {
        const report = verifyAttestation(a.format, a.envelope, { keys: [verifierOf(key)], policy, trustedRoot, image: { digest: IMAGE_DIGEST } });
        out[a.format] = report.checks.filter((c) => c.name.startsWith('event')).map((c) => `${c.status} ${c.name}: ${c.message}`);
        out[`${a.format} ok`] = [String(report.ok)];
      }
      return out;
    };
    const ok = await judge({ subject: SAN, issuer: oidc.url });
    for (const f of ['in-toto', 'slsa/v2alpha4']) {
      assert.deepEqual(ok[`${f} ok`], ['true'], JSON.stringify(ok[f]));
      assert.ok(ok[f]!.some((c) => /^pass event certificate: chains to the trusted root/.test(c)), JSON.stringify(ok[f]));
      assert.ok(ok[f]!.some((c) => /^pass event transparency: logged at index/.test(c)), JSON.stringify(ok[f]));
    }
    const other = await judge({ subject: 'https://kubernetes.io/namespaces/ci/serviceaccounts/default', issuer: oidc.url });
    assert.match(JSON.stringify(other['in-toto']), /fail event certificate.*CERT_IDENTITY_MISMATCH/);
    const none = await judge(undefined);
    assert.match(JSON.stringify(none['in-toto']), /fail event certificate.*event\.identity/);
    const stripped = await judge({ subject: SAN, issuer: oidc.url }, { ...r, tlog: undefined } as SignedEventRecord);
    assert.match(JSON.stringify(stripped['in-toto']), /fail event transparency.*TLOG_MISSING/);
    assert.deepEqual(stripped['in-toto ok'], ['false']);
  });

  test('N webhooks share one certificate; Fulcio down with a cached certificate still signs', async () => {
    const before = fulcio.issued;
    const ws = await Promise.all(Array.from({ length: 8 }, () => webhook(srv)));
    assert.ok(ws.every((w) => w.res.continue), JSON.stringify(ws.map((w) => w.res)));
    fulcio.injectFaults('down', 1000);
    try {
      const w = await webhook(srv);
      assert.equal(w.res.continue, true, w.res.status?.message);
    } finally {
      fulcio.clearFaults();
    }
    assert.equal(fulcio.issued - before, 0, 'no Fulcio call per webhook: the cached certificate served all');
    const leaves = new Set(await Promise.all(ws.map(async (w) => (await record(w.eventId)).certificates?.[0])));
    assert.equal(leaves.size, 1);
  });

  test('the upload is not on the webhook path: Rekor slow (3 s) leaves the answer fast; Rekor down queues and retries', async () => {
    rekor.injectFaults('slow', 1, 'POST');
    const slow = await webhook(srv);
    assert.equal(slow.res.continue, true);
    assert.ok(slow.ms < 2500, `answered in ${slow.ms} ms while the log took 3 s`);
    assert.equal((await record(slow.eventId)).tlog, undefined, 'answered before the log entry existed');
    await logged(slow.eventId);

    rekor.injectFaults('down', 4, 'POST'); // one attempt of 4 requests fails; the retry (2 s later) succeeds
    const posts = rekor.count('POST');
    const down = await webhook(srv);
    assert.equal(down.res.continue, true);
    const r = await logged(down.eventId);
    assert.ok(rekor.count('POST') - posts >= 5, 'retried after the failed attempt');
    assert.ok(r.tlog);
  });

  test('kill -9 with pending uploads (one already in the log): all uploaded after restart, each exactly once', async () => {
    // First POST: the log takes it but answers after 3 s, by then the signer is dead. The rest: down.
    rekor.injectFaults('slow', 1, 'POST');
    rekor.injectFaults('down', 1000, 'POST');
    const ws = [];
    for (let i = 0; i < 3; i++) ws.push(await webhook(srv));
    assert.ok(ws.every((w) => w.res.continue));
    await sleep(300);
    await stop(signer, 'SIGKILL');
    await sleep(3000); // the slow POST lands in the log with nobody to hear the answer
    rekor.clearFaults();
    const sizeBefore = rekor.log.size;
    signer = await startSigner();
    const records = await Promise.all(ws.map((w) => logged(w.eventId)));
    const conflicts = rekor.requests.filter((q) => q.status === 409).length;
    assert.ok(conflicts >= 1, 'the entry already logged came back as 409 and was fetched');
    assert.equal(new Set(records.map((r) => r.tlog?.uuid)).size, 3);
    assert.equal(rekor.log.size - sizeBefore, 2, 'the two never logged were added; the one logged before the kill was not duplicated');
  });

  test('a stripped, altered or foreign log entry, or another identity, fails by name', async () => {
    const r = JSON.parse(serializeRecord(await record((await (async () => {
      const w = await webhook(srv);
      await logged(w.eventId);
      return w;
    })()).eventId))) as Record<string, unknown> & { tlog: { entry: { inclusionPromise: { signedEntryTimestamp: string }; canonicalizedBody: string } } };
    const run = async (name: string, value: unknown, ...extra: string[]) => {
      writeFileSync(join(dir, name), JSON.stringify(value));
      return verifyEvent('--trusted-root', 'trusted_root.json', '--certificate-identity', SAN, '--certificate-oidc-issuer', oidc.url, ...extra, name);
    };
    const { tlog: _t, ...stripped } = r;
    const s = await run('stripped.json', stripped);
    assert.equal(s.code, 1);
    assert.match(s.out, /^FAIL transparency .*TLOG_MISSING/m);

    const set = Buffer.from(r.tlog.entry.inclusionPromise.signedEntryTimestamp, 'base64');
    set[10] = (set[10] ?? 0) ^ 1;
    const bent = structuredClone(r);
    bent.tlog.entry.inclusionPromise.signedEntryTimestamp = set.toString('base64');
    const b = await run('bent.json', bent);
    assert.equal(b.code, 1);
    assert.match(b.out, /^FAIL transparency .*TLOG_BAD_SET/m);

    const other = await logged((await webhook(srv)).eventId);
    const foreign = { ...structuredClone(r), tlog: other.tlog };
    const fo = await run('foreign.json', foreign);
    assert.equal(fo.code, 1);
    assert.match(fo.out, /^FAIL transparency .*TLOG_ENTRY_MISMATCH/m);

    const id = await verifyEvent('--trusted-root', 'trusted_root.json', '--certificate-identity', `${SAN}-other`, '--certificate-oidc-issuer', oidc.url, 'stripped.json');
    assert.equal(id.code, 1);
    writeFileSync(join(dir, 'whole.json'), JSON.stringify(r));
    const wrongId = await verifyEvent('--trusted-root', 'trusted_root.json', '--certificate-identity', `${SAN}-other`, '--certificate-oidc-issuer', oidc.url, 'whole.json');
    assert.equal(wrongId.code, 1);
    assert.match(wrongId.out, /^FAIL certificate .*CERT_IDENTITY_MISMATCH/m);
    const noRoot = await verifyEvent('--certificate-identity', SAN, '--certificate-oidc-issuer', oidc.url, 'whole.json');
    assert.equal(noRoot.code, 1);
    assert.match(noRoot.out, /^FAIL certificate .*--trusted-root/m);
  });
});
