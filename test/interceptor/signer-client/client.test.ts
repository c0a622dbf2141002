import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEventStatement } from '../../../interceptor/record/statement.ts';
import { UdsEventSigner } from '../../../interceptor/signer-client/client.ts';
import { isProvenanceError } from '../../../signer/errors.ts';
import { encodeFrame, FrameKind, FrameReader, PREFACE, splitDeadline, type Frame } from '../../../signer/protocol/frames.ts';

// The client against a real Unix-socket server that plays a signer with the framed protocol:
// what goes on the wire (preface, then the raw statement bytes) and what answers are refused.
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

/** A fake framed signer answering each frame with `answer(frame)` (or nothing); records what it received. */
async function fakeFramedSigner(name: string, answer: (frame: Frame, socket: Socket) => Buffer | undefined) {
  const seen: Frame[] = [];
  const prefaces: Buffer[] = [];
  const server = createServer((socket) => {
    const reader = new FrameReader(64 * 1024 * 1024);
    let head: Buffer | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (head === undefined) {
        head = chunk.subarray(0, PREFACE.length);
        prefaces.push(head);
        chunk = chunk.subarray(PREFACE.length);
      }
      for (const frame of reader.push(chunk)) {
        seen.push({ ...frame, payload: Buffer.from(frame.payload) });
        const out = answer(frame, socket);
        if (out) socket.write(out);
      }
    });
    socket.on('error', () => undefined);
  });
  const socketPath = join(dir, `${name}.sock`);
  await new Promise<void>((r) => server.listen(socketPath, r));
  servers.push(server);
  return { socketPath, seen, prefaces };
}

/** A fake signer answering every SignEvent frame with the JSON `answer` as a Signed frame. */
const fakeSigner = (name: string, answer: () => unknown) =>
  fakeFramedSigner(name, (f) => encodeFrame(FrameKind.Signed, f.id, Buffer.from(JSON.stringify(answer()))));

test('sends the preface, then the exact statement bytes in a SignEventBy frame (deadline first), and returns the summary', async () => {
  const st = statement('ev-wire');
  const fake = await fakeSigner('good', () => ({
    eventId: st.eventId, digest: st.digest, keyid: 'k1', signature: 'c2ln', storedAt: '2026-11-28T12:00:01.000Z', created: true,
  }));
  const client = new UdsEventSigner(fake.socketPath);
  try {
    const signed = await client.signEvent(st);
    assert.deepEqual(signed, { eventId: st.eventId, digest: st.digest, keyid: 'k1', signature: 'c2ln', storedAt: '2026-11-28T12:00:01.000Z' });
    assert.deepEqual(fake.prefaces[0], PREFACE);
    assert.equal(fake.seen[0]?.kind, FrameKind.SignEventBy);
    const { deadline, rest } = splitDeadline(fake.seen[0]!.payload);
    assert.deepEqual(rest, st.bytes);
    // default 5 s: the signer must begin storing within 3 s, we wait 5 s
    const now = Date.now();
    assert.ok(deadline.answerBy > now + 4_000 && deadline.answerBy <= now + 5_000, JSON.stringify(deadline));
    assert.ok(deadline.answerBy - deadline.beginBy === 2_000, JSON.stringify(deadline));
  } finally {
    client.close();
  }
});

test('a 200 naming another event, or without a signature, is SIGNER_BAD_RESPONSE', async () => {
  const st = statement('ev-mine');
  const answers: unknown[] = [
    { eventId: 'ev-other', digest: st.digest, keyid: 'k', signature: 'c2ln', storedAt: 't' },
    { eventId: st.eventId, digest: `sha256:${'0'.repeat(64)}`, keyid: 'k', signature: 'c2ln', storedAt: 't' },
    { eventId: st.eventId, digest: st.digest, keyid: 'k', signature: '', storedAt: 't' },
    { record: { eventId: st.eventId, digest: st.digest } },
    'not an object',
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

test('concurrent events share one connection and are matched by id, whatever the answer order', async () => {
  const sts = ['ev-a', 'ev-b', 'ev-c'].map(statement);
  const held: Frame[] = [];
  const fake = await fakeFramedSigner('reorder', (frame, socket) => {
    held.push({ ...frame, payload: Buffer.from(frame.payload) });
    if (held.length < sts.length) return undefined;
    // Answer in reverse order, each with the summary of the statement it carried.
    for (const f of held.reverse()) {
      const st = sts.find((s) => s.bytes.equals(splitDeadline(f.payload).rest))!;
      const summary = { eventId: st.eventId, digest: st.digest, keyid: 'k', signature: 'c2ln', storedAt: 't', created: true };
      socket.write(encodeFrame(FrameKind.Signed, f.id, Buffer.from(JSON.stringify(summary))));
    }
    return undefined;
  });
  const client = new UdsEventSigner(fake.socketPath);
  try {
    const signed = await Promise.all(sts.map((st) => client.signEvent(st)));
    assert.deepEqual(signed.map((s) => s.eventId), ['ev-a', 'ev-b', 'ev-c']);
    assert.equal(fake.prefaces.length, 1, 'one connection');
  } finally {
    client.close();
  }
});

test('an Error frame is the signer\'s code; a dropped connection fails what is in flight, then reconnects', async () => {
  const st = statement('ev-err');
  let calls = 0;
  const fake = await fakeFramedSigner('errors', (frame, socket) => {
    calls++;
    if (calls === 1) return encodeFrame(FrameKind.Error, frame.id, Buffer.from(JSON.stringify({ code: 'EVENT_CONFLICT', message: 'stored with another digest' })));
    if (calls === 2) {
      socket.destroy();
      return undefined;
    }
    return encodeFrame(FrameKind.Signed, frame.id, Buffer.from(JSON.stringify({ eventId: st.eventId, digest: st.digest, keyid: 'k', signature: 'c2ln', storedAt: 't' })));
  });
  const client = new UdsEventSigner(fake.socketPath);
  try {
    await assert.rejects(client.signEvent(st), (err: unknown) => isProvenanceError(err) && err.code === 'EVENT_CONFLICT' && /stored with another digest/.test(err.message));
    await assert.rejects(client.signEvent(st), (err: unknown) => isProvenanceError(err) && err.code === 'SIGNER_UNAVAILABLE' && /closed the connection/.test(err.message));
    assert.equal((await client.signEvent(st)).eventId, st.eventId);
    assert.equal(fake.prefaces.length, 2, 'a new connection after the drop');
  } finally {
    client.close();
  }
});

test('no answer within the timeout is SIGNER_TIMEOUT; a late answer is ignored', async () => {
  const st = statement('ev-slow');
  const fake = await fakeFramedSigner('slow', (frame, socket) => {
    setTimeout(() => {
      if (!socket.destroyed) socket.write(encodeFrame(FrameKind.Signed, frame.id, Buffer.from('{}')));
    }, 300);
    return undefined;
  });
  const client = new UdsEventSigner(fake.socketPath, 100);
  try {
    await assert.rejects(client.signEvent(st), (err: unknown) => isProvenanceError(err) && err.code === 'SIGNER_TIMEOUT');
    await new Promise((r) => setTimeout(r, 400)); // the late answer arrives and must not throw
  } finally {
    client.close();
  }
});

test('healthy() pings: true on Pong, false when nothing listens', async () => {
  const fake = await fakeFramedSigner('ping', (frame) => (frame.kind === FrameKind.Ping ? encodeFrame(FrameKind.Pong, frame.id, Buffer.from('{"status":"ok"}')) : undefined));
  const up = new UdsEventSigner(fake.socketPath);
  const down = new UdsEventSigner(join(dir, 'nobody.sock'));
  try {
    assert.equal(await up.healthy(), true);
    assert.equal(await down.healthy(), false);
  } finally {
    up.close();
    down.close();
  }
});
