import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { signEnvelope, serializeEnvelope } from '../../../signer/dsse/sign.ts';
import { LocalSigner } from '../../../signer/keys/local.ts';
import { cosignBundleAnnotation, entryUrl } from '../../../signer/transparency/entry.ts';
import { transparencyLogs } from '../../../signer/transparency/registry.ts';
import { RekorLog, RekorStandIn, trustedRoot } from '../../harness/rekor/index.ts';
import { keyBundle, sigstoreVerifyBundle } from './sigstore-check.ts';

const signer = new LocalSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
const FAST = { retries: 2, backoffMs: 5, maxBackoffMs: 20, timeoutMs: 300 };

async function envelope(text: string) {
  const env = await signEnvelope('application/vnd.in-toto+json', Buffer.from(text), [signer]);
  return { env, text: serializeEnvelope(env) };
}

describe('Rekor transparency log plugin', () => {
  let rekor: RekorStandIn;
  let root: Record<string, unknown>;
  const log = () => transparencyLogs.get('rekor')({ url: rekor.url, transport: FAST });
  before(async () => {
    rekor = await RekorStandIn.start({ slowMs: 1000, maxBodyBytes: 32 * 1024 });
    root = trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey } });
  });
  after(() => rekor.close());
  beforeEach(() => rekor.clearFaults());

  test('logs the stored envelope bytes; @sigstore/verify accepts the entry offline', async () => {
    const { env, text } = await envelope('{"n":1}');
    const logged = await log().logEnvelope(text, env, { publicKey: signer.publicKey });
    const body = JSON.parse(Buffer.from(logged.entry.canonicalizedBody, 'base64').toString());
    assert.equal(body.spec.envelopeHash.value, createHash('sha256').update(text).digest('hex'));
    assert.equal(entryUrl(logged), `${rekor.url}/api/v1/log/entries?logIndex=${logged.entry.logIndex}`);
    sigstoreVerifyBundle(keyBundle(env, logged.entry), root, signer.publicKey);
    const cosign = JSON.parse(cosignBundleAnnotation(logged.entry) as string);
    assert.deepEqual(Object.keys(cosign), ['SignedEntryTimestamp', 'Payload']);
    assert.deepEqual(Object.keys(cosign.Payload), ['body', 'integratedTime', 'logIndex', 'logID']);
    assert.equal(cosign.Payload.logID, rekor.log.logId);
  });

  test('409: the existing entry is fetched and checked', async () => {
    const { env, text } = await envelope('{"n":2}');
    const first = await log().logEnvelope(text, env, { publicKey: signer.publicKey });
    const again = await log().logEnvelope(text, env, { publicKey: signer.publicKey });
    assert.equal(again.uuid, first.uuid);
    assert.equal(rekor.requests.filter((r) => r.status === 409).length >= 1, true);
  });

  test('transient faults are retried a bounded number of times', async () => {
    const { env, text } = await envelope('{"n":3}');
    rekor.injectFaults('down', 1, 'POST');
    rekor.injectFaults('internal-error', 1, 'POST');
    const before = rekor.count('POST');
    await log().logEnvelope(text, env, { publicKey: signer.publicKey });
    assert.equal(rekor.count('POST') - before, 3);

    rekor.injectFaults('down', 10, 'POST');
    const start = rekor.count('POST');
    await assert.rejects(log().logEnvelope((await envelope('{"n":4}')).text, env, { publicKey: signer.publicKey }), { code: 'TLOG_UNREACHABLE' });
    assert.equal(rekor.count('POST') - start, 3, 'one attempt + 2 retries, then a coded error');
    rekor.clearFaults();
    rekor.injectFaults('slow', 10, 'POST');
    await assert.rejects(log().logEnvelope(text, env, { publicKey: signer.publicKey }), { code: 'TLOG_TIMEOUT' });
  });

  test('garbage, a wrong SET, another envelope\'s entry, too large, a refused signature: coded and permanent', async () => {
    const { env, text } = await envelope('{"n":5}');
    rekor.injectFaults('garbage', 1, 'POST');
    await assert.rejects(log().logEnvelope(text, env, { publicKey: signer.publicKey }), { code: 'TLOG_BAD_RESPONSE' });
    const e2 = await envelope('{"n":6}');
    rekor.injectFaults('wrong-set', 1, 'POST');
    await assert.rejects(log().logEnvelope(e2.text, e2.env, { publicKey: signer.publicKey }), { code: 'TLOG_BAD_SET' });
    const e3 = await envelope('{"n":7}');
    rekor.injectFaults('other-entry', 1, 'POST');
    await assert.rejects(log().logEnvelope(e3.text, e3.env, { publicKey: signer.publicKey }), { code: 'TLOG_ENTRY_MISMATCH' });
    const big = await envelope(JSON.stringify({ pad: 'x'.repeat(40_000) }));
    await assert.rejects(log().logEnvelope(big.text, big.env, { publicKey: signer.publicKey }), (err: Error & { code?: string }) => err.code === 'TLOG_TOO_LARGE' && /too large/.test(err.message));
    const other = new LocalSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    await assert.rejects(log().logEnvelope(e3.text, e3.env, { publicKey: other.publicKey }), { code: 'TLOG_REJECTED' });
  });

  test('a configured trusted root that does not hold this log: TLOG_UNTRUSTED_LOG', async () => {
    const elsewhere = new RekorLog();
    const wrongRoot = TrustedRoot.fromJSON(trustedRoot({ rekor: { url: rekor.url, publicKey: elsewhere.publicKey } }));
    const { env, text } = await envelope('{"n":8}');
    const strict = transparencyLogs.get('rekor')({ url: rekor.url, transport: FAST, trustedRoot: wrongRoot });
    await assert.rejects(strict.logEnvelope(text, env, { publicKey: signer.publicKey }), { code: 'TLOG_UNTRUSTED_LOG' });
  });
});
