import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEventStatement } from '../../../interceptor/record/statement.ts';
import { UdsEventSigner } from '../../../interceptor/signer-client/client.ts';
import { isProvenanceError } from '../../../signer/errors.ts';

// The client against a real HTTP/1.1 server on a Unix socket that plays a signer: what goes
// on the wire (raw statement bytes) and what answers are refused.
const dir = mkdtempSync(join(tmpdir(), 'tp-signer-client-'));
const servers: Server[] = [];
after(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

function statement(eventId: string) {
  const body = '{"ref":"refs/heads/main"}';
  return buildEventStatement({
    body,
    bodyBytes: Buffer.from(body),
    header: { 'Content-Type': ['application/json'] },
    context: { event_id: eventId, event_url: '/', trigger_id: 'namespaces/ci/triggers/push' },
    receivedAt: new Date('2026-11-28T12:00:00Z'),
    authenticity: { provider: 'github', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: 'tekton-provenance-interceptor' },
    interceptor: { name: 'tekton-provenance-interceptor', version: 'test' },
  });
}

/** A fake signer answering `answer(requestBody)`; records what it received. */
async function fakeSigner(name: string, answer: (body: Buffer) => unknown) {
  const seen: { type: string | undefined; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ type: req.headers['content-type'], body });
      const text = JSON.stringify(answer(body));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  const socketPath = join(dir, `${name}.sock`);
  await new Promise<void>((r) => server.listen(socketPath, r));
  servers.push(server);
  return { socketPath, seen };
}

test('sends the exact statement bytes as application/vnd.in-toto+json and returns the summary', async () => {
  const st = statement('ev-wire');
  const fake = await fakeSigner('good', () => ({
    signed: { eventId: st.eventId, digest: st.digest, keyid: 'k1', signature: 'c2ln', storedAt: '2026-11-28T12:00:01.000Z', created: true },
  }));
  const client = new UdsEventSigner(fake.socketPath);
  try {
    const signed = await client.signEvent(st);
    assert.deepEqual(signed, { eventId: st.eventId, digest: st.digest, keyid: 'k1', signature: 'c2ln', storedAt: '2026-11-28T12:00:01.000Z' });
    assert.equal(fake.seen[0]?.type, 'application/vnd.in-toto+json');
    assert.deepEqual(fake.seen[0]?.body, st.bytes);
  } finally {
    client.close();
  }
});

test('a 200 naming another event, or without a signature, is SIGNER_BAD_RESPONSE', async () => {
  const st = statement('ev-mine');
  const answers: unknown[] = [
    { signed: { eventId: 'ev-other', digest: st.digest, keyid: 'k', signature: 'c2ln', storedAt: 't' } },
    { signed: { eventId: st.eventId, digest: `sha256:${'0'.repeat(64)}`, keyid: 'k', signature: 'c2ln', storedAt: 't' } },
    { signed: { eventId: st.eventId, digest: st.digest, keyid: 'k', signature: '', storedAt: 't' } },
    { record: { eventId: st.eventId, digest: st.digest } },
  ];
  for (const [i, answer] of answers.entries()) {
    const fake = await fakeSigner(`bad-${i}`, () => answer);
    const client = new UdsEventSigner(fake.socketPath);
    try {
      await assert.rejects(client.signEvent(st), (err: unknown) => isProvenanceError(err) && err.code === 'SIGNER_BAD_RESPONSE', JSON.stringify(answer));
    } finally {
      client.close();
    }
  }
});
