import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { encodeFrame, frameHeader, FrameKind, FrameReader, FrameTooLargeError, FRAME_HEADER_BYTES, MalformedFrameError, PREFACE } from '../../../signer/protocol/frames.ts';

test('the preface starts with NUL, which no HTTP request line does', () => {
  assert.equal(PREFACE[0], 0);
  assert.equal(PREFACE.length, 8);
});

test('a frame is length | kind | id | payload, and the reader gives back kind, id and payload', () => {
  const payload = Buffer.from('{"x":1}');
  const frame = encodeFrame(FrameKind.SignEvent, 0xfffffffe, payload);
  assert.equal(frame.readUInt32BE(0), payload.length + 5);
  assert.equal(frame[4], FrameKind.SignEvent);
  assert.equal(frame.readUInt32BE(5), 0xfffffffe);
  assert.deepEqual(frame.subarray(FRAME_HEADER_BYTES), payload);
  const [read] = new FrameReader(1024).push(frame);
  assert.deepEqual(read, { kind: FrameKind.SignEvent, id: 0xfffffffe, payload });
});

test('frames split at every byte boundary, or several per chunk, come out whole and in order', () => {
  const payloads = [Buffer.alloc(0), randomBytes(1), randomBytes(300), randomBytes(70_000)];
  const stream = Buffer.concat(payloads.map((p, i) => Buffer.concat([frameHeader(FrameKind.Signed, i + 1, p.length), p])));
  for (const chunkSize of [1, 2, 7, 9, 10, 4096, 65536, stream.length]) {
    const reader = new FrameReader(1 << 20);
    const got = [];
    for (let at = 0; at < stream.length; at += chunkSize) got.push(...reader.push(stream.subarray(at, at + chunkSize)));
    assert.deepEqual(
      got.map((f) => [f.id, f.kind, f.payload.toString('hex')]),
      payloads.map((p, i) => [i + 1, FrameKind.Signed, p.toString('hex')]),
      `chunk size ${chunkSize}`,
    );
  }
});

test('a declared length over the limit is refused before its payload is read, naming the size', () => {
  const reader = new FrameReader(100);
  assert.throws(
    () => reader.push(frameHeader(FrameKind.SignEvent, 7, 101)),
    (err: unknown) => err instanceof FrameTooLargeError && err.id === 7 && /101 bytes is over the 100 byte limit/.test(err.message),
  );
  const short = Buffer.from([0, 0, 0, 2, 1, 0, 0, 0, 1]); // length 2 cannot even hold kind + id
  assert.throws(() => new FrameReader(100).push(short), (err: unknown) => err instanceof MalformedFrameError && /length 2 is shorter/.test(err.message));
});

test('large frames (assembled in one buffer as they arrive) between small ones, in any chunking, come out whole and in order', () => {
  const big = randomBytes(300 * 1024);
  const frames = [
    encodeFrame(FrameKind.Ping, 1),
    encodeFrame(FrameKind.SignEvent, 2, big),
    encodeFrame(FrameKind.SignEvent, 3, Buffer.from('small')),
    encodeFrame(FrameKind.SignEvent, 4, big.subarray(0, 100 * 1024)),
  ];
  const stream = Buffer.concat(frames);
  for (const size of [1, 7, 1000, 65_536, 70_000, 400_000]) {
    const reader = new FrameReader(1 << 20);
    const out = [];
    for (let at = 0; at < stream.length; at += size) out.push(...reader.push(stream.subarray(at, at + size)));
    assert.deepEqual(out.map((f) => f.id), [1, 2, 3, 4], `chunks of ${size}`);
    assert.ok(out[1]!.payload.equals(big));
    assert.equal(out[2]!.payload.toString(), 'small');
    assert.ok(out[3]!.payload.equals(big.subarray(0, 100 * 1024)));
  }
});
