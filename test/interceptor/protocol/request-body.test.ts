import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import express from 'express';
import { readRequestBody } from '../../../interceptor/protocol/request-body.ts';

const LIMIT = 1024;

/** Answers what readRequestBody gave: the bytes' length and sha, or the error code and message. */
function lean(req: IncomingMessage, res: ServerResponse) {
  readRequestBody(req, LIMIT).then(
    (body) => res.end(JSON.stringify({ ok: true, length: body.length, hex: body.toString('hex') })),
    (err: { code: string; message: string }) => res.end(JSON.stringify({ ok: false, code: err.code, message: err.message })),
  );
}

/** The express.raw configuration the reader replaces, mapped to codes as app.ts used to. */
const rawApp = express();
rawApp.post('/', express.raw({ type: () => true, limit: LIMIT, inflate: false }), (req, res) => {
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  res.end(JSON.stringify({ ok: true, length: body.length, hex: body.toString('hex') }));
});
rawApp.use((err: { type?: string; message: string }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  const tooLarge = err.type === 'entity.too.large';
  res.end(
    JSON.stringify({
      ok: false,
      code: tooLarge ? 'REQUEST_TOO_LARGE' : 'MALFORMED_REQUEST',
      message: tooLarge ? `InterceptorRequest is over the ${LIMIT} byte limit` : `unusable request: ${err.message}`,
    }),
  );
});

let leanServer: Server;
let rawServer: Server;
before(async () => {
  leanServer = createServer(lean);
  rawServer = createServer(rawApp);
  await Promise.all([leanServer, rawServer].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
});
after(() => {
  leanServer.close();
  rawServer.close();
});

interface Sent {
  chunks: Buffer[];
  headers?: Record<string, string>;
}

function post(server: Server, sent: Sent): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      { port: (server.address() as AddressInfo).port, host: '127.0.0.1', method: 'POST', path: '/', headers: sent.headers ?? {} },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c)).on('end', () => resolve(JSON.parse(Buffer.concat(parts).toString())));
      },
    );
    req.on('error', reject);
    for (const chunk of sent.chunks) req.write(chunk);
    req.end();
  });
}

const cases: Record<string, Sent> = {
  'empty body (no length, chunked)': { chunks: [] },
  'empty body, content-length 0': { chunks: [], headers: { 'content-length': '0' } },
  'one chunk with content-length': { chunks: [Buffer.from('{"a":1}')], headers: { 'content-length': '7' } },
  'several chunked pieces': { chunks: [Buffer.from('{"a"'), Buffer.from(':'), Buffer.from([0xc3, 0xbc, 0xff]), Buffer.from('}')] },
  'exactly the limit': { chunks: [Buffer.alloc(LIMIT, 0x61)], headers: { 'content-length': String(LIMIT) } },
  'declared over the limit': { chunks: [Buffer.alloc(LIMIT + 1, 0x61)], headers: { 'content-length': String(LIMIT + 1) } },
  'chunked over the limit': { chunks: [Buffer.alloc(600, 0x61), Buffer.alloc(600, 0x62)] },
  'far over the limit, chunked (the rest is read off before answering)': { chunks: Array.from({ length: 64 }, () => Buffer.alloc(4096, 0x63)) },
  'gzip content-encoding (never inflated)': { chunks: [Buffer.from('xx')], headers: { 'content-encoding': 'gzip' } },
  'identity content-encoding, any case': { chunks: [Buffer.from('xx')], headers: { 'content-encoding': 'Identity' } },
};

for (const [name, sent] of Object.entries(cases)) {
  test(`same outcome as express.raw: ${name}`, async () => {
    const [ours, theirs] = await Promise.all([post(leanServer, sent), post(rawServer, sent)]);
    assert.deepEqual(ours, theirs);
  });
}

test('the outcomes themselves: bytes kept exactly (invalid UTF-8 too), size and encoding refused with their codes', async () => {
  assert.deepEqual(await post(leanServer, cases['several chunked pieces']!), { ok: true, length: 9, hex: '7b2261223ac3bcff7d' });
  assert.deepEqual(await post(leanServer, cases['declared over the limit']!), {
    ok: false,
    code: 'REQUEST_TOO_LARGE',
    message: `InterceptorRequest is over the ${LIMIT} byte limit`,
  });
  assert.deepEqual(await post(leanServer, cases['gzip content-encoding (never inflated)']!), {
    ok: false,
    code: 'MALFORMED_REQUEST',
    message: 'unusable request: content encoding unsupported',
  });
});
