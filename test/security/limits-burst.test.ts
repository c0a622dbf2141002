// The 25 MiB burst under the Deployment's memory limits: 8 concurrent 25 MiB GitHub webhooks
// against a separate interceptor process and a separate signer process, each run with the
// heap flags of manifests/50-deployment.yaml. Asserts: every request is answered in time, every
// acknowledged event is stored with the signature we answered, NO refused event is stored, and
// both processes' peak RSS stays under their container memory limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_BODY_BYTES } from '../../interceptor/protocol/body.ts';
import { udsRequest } from '../signer/server/uds-client.ts';
import { deployed, peakRssBytes, startInterceptorProcess, startSignerProcess } from './support/processes.ts';

const CONCURRENT = Number(process.env.BURST || 8);
const SECRET = 'burst-secret';
const MiB = 1024 * 1024;

/** A GitHub-push-like body of just under 25 MiB, with non-ASCII text (two-byte strings in V8: the costly case). */
function bigBody(n: number): string {
  const commit = JSON.stringify({
    id: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
    message: `Fix the thing — déjà vu ${'x'.repeat(300)}`,
    author: { name: 'Codertocat', email: 'octocat@github.com' },
    added: ['src/a.ts', 'src/b.ts'],
  });
  const head = `{"ref":"refs/heads/main","n":${n},"commits":[`;
  const count = Math.floor((MAX_BODY_BYTES - 4096 - head.length) / (Buffer.byteLength(commit) + 1));
  return `${head}${Array.from({ length: count }, () => commit).join(',')}]}`;
}

interface Answer {
  status: number;
  continue?: boolean;
  code?: string;
  provenance?: Record<string, string>;
  ms: number;
}

function post(url: string, ca: string, text: Buffer): Promise<Answer> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = request(`${url}/`, { method: 'POST', ca, agent: false, timeout: 120_000, headers: { 'content-type': 'application/json', 'content-length': text.length } }, (res) => {
      let out = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (out += c));
      res.on('end', () => {
        const body = JSON.parse(out) as { continue?: boolean; status?: { message?: string }; extensions?: { provenance?: Record<string, string> } };
        resolve({
          status: res.statusCode ?? 0,
          ...(body.continue === undefined ? {} : { continue: body.continue }),
          ...(body.status?.message ? { code: body.status.message.split(':', 1)[0] } : {}),
          ...(body.extensions?.provenance ? { provenance: body.extensions.provenance } : {}),
          ms: Date.now() - started,
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', (err) => resolve({ status: 0, code: `client: ${err.message}`, ms: Date.now() - started }));
    req.end(text);
  });
}

test(`${CONCURRENT} concurrent 25 MiB webhooks: bounded memory, nothing refused is stored, everything acknowledged is`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tp-limits-burst-'));
  const socket = join(dir, 'run', 'signer.sock');
  const signer = await startSignerProcess(dir, socket, { 'gh/secret': SECRET });
  // Byte budgets, heap flags and memory limits as deployed; times stretched so that a loaded
  // 2-core test machine still gets events through (the deadline itself is proven exactly in
  // limits-deadline.test.ts).
  const interceptor = await startInterceptorProcess(dir, socket, {
    signerTimeoutMs: 50_000,
    load: { requestBudgetMs: 60_000, maxQueueWaitMs: 20_000 },
    // Slow clients are limits-slowloris' subject: here a starved CPU must not pass for one.
    server: { headersTimeoutMs: 60_000, handshakeTimeoutMs: 60_000 },
  });
  try {
    const events = Array.from({ length: CONCURRENT }, (_, n) => {
      const body = bigBody(n);
      const sig = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
      const eventId = randomUUID();
      const text = Buffer.from(JSON.stringify({
        body,
        header: { 'Content-Type': ['application/json'], 'X-Hub-Signature-256': [sig], 'X-Github-Event': ['push'] },
        interceptor_params: { provider: 'github', secretRef: { secretName: 'gh', secretKey: 'secret' } },
        context: { event_url: '/', event_id: eventId, trigger_id: 'namespaces/ci/triggers/push' },
      }));
      return { eventId, text };
    });
    const answers = await Promise.all(events.map((e) => post(interceptor.url, interceptor.ca, e.text)));
    // Peaks first: reading 25 MiB records back below would add to the signer's own.
    const peaks = { interceptor: peakRssBytes(interceptor.child.pid!), signer: peakRssBytes(signer.child.pid!) };
    await sleep(500); // nothing may land late: every refused event's deadline is long past

    const stored = new Map<string, string>();
    for (const e of events) {
      const res = await udsRequest(socket, 'GET', `/v1/events/${e.eventId}`);
      if (res.status === 200) stored.set(e.eventId, (res.json as { record: { envelope: { signatures: { sig: string }[] } } }).record.envelope.signatures[0]!.sig);
      else assert.equal(res.status, 404, `store read for ${e.eventId}: ${res.status}`);
    }
    const acknowledged = events.filter((_, i) => answers[i]!.continue === true && answers[i]!.provenance?.signed === 'true');
    const refused = events.filter((_, i) => answers[i]!.continue !== true);
    const lost = acknowledged.filter((e) => !stored.has(e.eventId));
    const refusedButStored = refused.filter((e) => stored.has(e.eventId));
    const codes = answers.filter((a) => a.continue !== true).map((a) => a.code ?? `http ${a.status}`);
    const limits = { interceptor: deployed('interceptor').memoryLimitBytes, signer: deployed('signer').memoryLimitBytes };
    console.log(
      `burst: ${CONCURRENT} x ${(MAX_BODY_BYTES / MiB).toFixed(0)} MiB webhooks; acknowledged ${acknowledged.length}, ` +
        `refused ${refused.length} [${codes.join(', ')}], lost ${lost.length}, refused-but-stored ${refusedButStored.length}; ` +
        `answered in ${Math.min(...answers.map((a) => a.ms))}-${Math.max(...answers.map((a) => a.ms))} ms; ` +
        `peak RSS interceptor ${(peaks.interceptor / MiB).toFixed(0)} MiB / ${(limits.interceptor / MiB).toFixed(0)} MiB, ` +
        `signer ${(peaks.signer / MiB).toFixed(0)} MiB / ${(limits.signer / MiB).toFixed(0)} MiB`,
    );
    assert.ok(answers.every((a) => a.status === 200), `every request is answered 200: ${JSON.stringify(answers.map((a) => [a.status, a.code]))}`);
    assert.ok(answers.every((a) => a.ms < 90_000), 'every answer within the request budget (60 s here) + slack');
    assert.deepEqual(refusedButStored.map((e) => e.eventId), [], 'nothing refused is stored');
    assert.deepEqual(lost.map((e) => e.eventId), [], 'everything acknowledged is stored');
    for (const e of acknowledged) assert.equal(stored.get(e.eventId), answers[events.indexOf(e)]!.provenance!.signature);
    assert.ok(acknowledged.length >= 1, 'the burst does not starve everyone');
    assert.ok(codes.every((c) => c === 'INTERCEPTOR_BUSY' || c === 'SIGNER_TIMEOUT'), `refusals are coded: ${codes.join(', ')}`);
    assert.ok(peaks.interceptor < limits.interceptor, `interceptor peak RSS ${peaks.interceptor} < ${limits.interceptor}`);
    assert.ok(peaks.signer < limits.signer, `signer peak RSS ${peaks.signer} < ${limits.signer}`);
    assert.equal(interceptor.child.exitCode, null, 'the interceptor survived');
    assert.equal(signer.child.exitCode, null, 'the signer survived');
  } finally {
    if (process.env.BURST_DEBUG) console.log(interceptor.stderr(), signer.stderr());
    await interceptor.stop();
    await signer.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
