import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { serializeEnvelope, signEnvelope } from '../../../signer/dsse/sign.ts';
import { WorkerTransparencyLog } from '../../../signer/transparency/log-worker.ts';
import { RekorStandIn, trustedRoot } from '../../harness/rekor/index.ts';
import { p256Signer } from '../events/event-fixture.ts';
import { keyBundle, sigstoreVerifyBundle } from './sigstore-check.ts';

const signer = p256Signer();
let rekor: RekorStandIn;
before(async () => {
  rekor = await RekorStandIn.start({ maxBodyBytes: 16 * 1024 });
});
after(() => rekor.close());

test('the log in a helper process (nice 10): same entries, same error codes, a new helper after close', async () => {
  const log = new WorkerTransparencyLog({ log: 'rekor', url: rekor.url });
  try {
    const env = await signEnvelope('application/vnd.in-toto+json', Buffer.from('{"n":1}'), [signer]);
    const logged = await log.logEnvelope(serializeEnvelope(env), env, { publicKey: signer.publicKey });
    sigstoreVerifyBundle(keyBundle(env, logged.entry), trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey } }), signer.publicKey);
    const big = await signEnvelope('application/vnd.in-toto+json', Buffer.from(JSON.stringify({ pad: 'x'.repeat(20_000) })), [signer]);
    await assert.rejects(log.logEnvelope(serializeEnvelope(big), big, { publicKey: signer.publicKey }), { code: 'TLOG_TOO_LARGE' });
    await log.close();
    const again = await log.logEnvelope(serializeEnvelope(env), env, { publicKey: signer.publicKey });
    assert.equal(again.uuid, logged.uuid, 'a new helper; the existing entry (409) fetched');
  } finally {
    await log.close();
  }
});
