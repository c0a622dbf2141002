// Admission webhook throughput and latency (issue 13): 1,000 concurrent AdmissionReviews over
// 50 distinct images, answered by the real webhook over HTTPS, uncached (a fresh server: every
// image verified once, reading its attestation from docker-registry) and cached (the same
// server again), against a baseline HTTPS server that only parses the AdmissionReview and
// answers `allowed: true`, measured in the same run. Medians of 3 rounds.
import { createServer, Agent, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { startAdmission } from '../admission/index.ts';
import { silentLogger } from '../signer/server/logger.ts';
import { makeTestCertificates } from '../test/harness/eventlistener/index.ts';
import { startKubeApiServer } from '../test/harness/kube/index.ts';
import { startRegistry } from '../test/harness/registry/index.ts';
import { ADMISSION_RESOURCES } from '../test/admission/support/cluster.ts';
import { attestImage, pushImage } from '../test/admission/support/images.ts';
import { verificationPolicy } from '../test/admission/support/policy.ts';
import { admissionReview, deployment } from '../test/admission/support/review-client.ts';
import { newSigner } from '../test/signer/verify/chain-fixture.ts';

const REVIEWS = 1000;
const IMAGES = 50;
const ROUNDS = 3;
/** Connections a client keeps to the webhook (kube-apiserver pools connections too). */
const SOCKETS = 64;
const NS = 'shop';

interface Run { perSecond: number; p50: number; p99: number; ok: number }

const kube = await startKubeApiServer({ namespace: 'tekton-provenance', resources: ADMISSION_RESOURCES });
const registry = await startRegistry();
const certs = makeTestCertificates({ dnsNames: ['localhost'] });
const signer = newSigner();
try {
  kube.objects.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'tekton-provenance.dev/enforce': 'true' } } });
  kube.objects.put(verificationPolicy('bench', { keyPem: signer.publicKey.export({ type: 'spki', format: 'pem' }).toString(), images: [`${registry.host}/bench/*`] }));
  const refs: string[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const digest = await pushImage(registry, `bench/app-${i}`, 'v1');
    await attestImage(registry, `${registry.host}/bench/app-${i}`, digest, signer, 'genuine');
    refs.push(`${registry.host}/bench/app-${i}:v1@${digest}`);
  }
  const bodies = Array.from({ length: REVIEWS }, (_, k) => Buffer.from(JSON.stringify(admissionReview(deployment(`app-${k}`, NS, [refs[k % IMAGES]!])))));
  const baseline = await startBaseline();

  const rows: Record<'baseline' | 'uncached' | 'cached', Run[]> = { baseline: [], uncached: [], cached: [] };
  const verifications: number[] = [];
  console.log(`admission bench: ${REVIEWS} concurrent reviews over ${IMAGES} images, ${SOCKETS} keep-alive connections, ${ROUNDS} rounds, Node ${process.version}`);
  for (let round = 0; round < ROUNDS; round++) {
    rows.baseline.push(await load(baseline.port, bodies));
    const server = await startAdmission({
      host: '127.0.0.1', port: 0, namespace: 'tekton-provenance', kubeConfig: kube.kubeConfig(), recordEvents: false,
      tls: { kind: 'pem', cert: certs.certPem, key: certs.keyPem }, insecureRegistry: true, logger: silentLogger,
    });
    try {
      rows.uncached.push(await load(server.port, bodies));
      verifications.push(server.verdicts.verifications);
      rows.cached.push(await load(server.port, bodies));
    } finally {
      await server.close();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const base = median(rows.baseline.map((r) => r.perSecond));
  for (const [name, runs] of Object.entries(rows)) {
    const rate = median(runs.map((r) => r.perSecond));
    console.log(`  ${name.padEnd(9)} ${rate.toFixed(0).padStart(6)} reviews/s  p50 ${median(runs.map((r) => r.p50)).toFixed(1).padStart(7)} ms  p99 ${median(runs.map((r) => r.p99)).toFixed(1).padStart(7)} ms  ratio to baseline ${(rate / base).toFixed(2)}  allowed ${runs.map((r) => r.ok).join('/')}`);
  }
  console.log(`  verifications per uncached round (must be ${IMAGES}): ${verifications.join(', ')}`);
  if (verifications.some((v) => v !== IMAGES)) process.exitCode = 1;
  await new Promise<void>((r) => baseline.server.close(() => r()));
} finally {
  await registry.close();
  await kube.close();
}

/** The baseline: parse the AdmissionReview, answer allowed with its uid. Nothing else. */
async function startBaseline(): Promise<{ server: Server; port: number }> {
  const server = createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request: { uid: string } };
      const text = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  });
  server.keepAliveTimeout = 95_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

/** All reviews at once through one keep-alive agent; wall-clock rate and per-review latency. */
async function load(port: number, reviews: Buffer[]): Promise<Run> {
  const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS, ca: certs.caPem });
  const latencies: number[] = [];
  let ok = 0;
  const t0 = performance.now();
  await Promise.all(reviews.map((body) => new Promise<void>((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port, servername: 'localhost', path: '/validate?timeout=10s', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        latencies.push(performance.now() - started);
        if ((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { response?: { allowed?: boolean } }).response?.allowed) ok++;
        resolve();
      });
    });
    req.on('error', reject);
    req.end(body);
  })));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] as number;
  return { perSecond: reviews.length / seconds, p50: at(0.5), p99: at(0.99), ok };
}
