import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIGMAP_NAME, parseConfig } from '../../../signer/config/parse.ts';
import { AttestationController, type ControllerOptions } from '../../../signer/controller/controller.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../../../signer/dsse/envelope.ts';
import { signEnvelope } from '../../../signer/dsse/sign.ts';
import { EVENT_DIGEST_ANNOTATION, EVENT_PREDICATE_TYPE, TRIGGERS_EVENT_ID_LABEL, type SignedEventRecord } from '../../../signer/events/event-record.ts';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import { silentLogger } from '../../../signer/server/logger.ts';
import { startKubeApiServer, type KubeApiServer } from '../../harness/kube/index.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/index.ts';
import { testPublicKeyPem, testSigner, pushImage } from '../storage/fixtures.ts';

export const CONTROLLER_NS = 'tekton-provenance';
export const RUN_NS = 'ci';

/** One world per test file: API test server, real docker-registry, event store, temp dir. */
export interface World {
  kube: KubeApiServer;
  kc: KubeConfig;
  registry: TestRegistry;
  dir: string;
  events: SqliteEventStore;
  publicKeyPem: string;
  close(): Promise<void>;
}

export async function startWorld(opts: { registry?: boolean; registryAuth?: { username: string; password: string } } = {}): Promise<World> {
  const kube = await startKubeApiServer({ namespace: CONTROLLER_NS });
  let registry: TestRegistry | undefined;
  try {
    registry = opts.registry === false ? undefined : await startRegistry(opts.registryAuth ? { auth: opts.registryAuth } : {});
  } catch (err) {
    // A component that cannot start fails the suite at once: nothing left open to keep it waiting.
    await kube.close();
    throw err;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tp-controller-'));
  const events = new SqliteEventStore(join(dir, 'events.db'));
  return {
    kube, kc: kube.kubeConfig(), registry: registry as TestRegistry, dir, events, publicKeyPem: testPublicKeyPem,
    async close() {
      await events.close();
      await registry?.close();
      await kube.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes our ConfigMap through the API (as an admin would). */
export async function writeConfig(w: World, data: Record<string, string>): Promise<void> {
  const core = w.kc.makeApiClient(CoreV1Api);
  const body = { metadata: { name: CONFIGMAP_NAME, namespace: CONTROLLER_NS }, data };
  try {
    await core.createNamespacedConfigMap({ namespace: CONTROLLER_NS, body });
  } catch {
    await core.replaceNamespacedConfigMap({ name: CONFIGMAP_NAME, namespace: CONTROLLER_NS, body });
  }
}

/** Test defaults: short backoff and grace so fault tests finish in seconds. */
export function testConfig(w: World, over: Record<string, string> = {}): Record<string, string> {
  return {
    'artifacts.pipelinerun.format': 'in-toto,slsa/v2alpha4',
    'artifacts.pipelinerun.storage': 'oci,tekton,sqlite',
    'storage.oci.repository.insecure': 'true',
    'storage.sqlite.path': join(w.dir, 'attestations.db'),
    'controller.backoff-base': '200ms',
    'controller.backoff-max': '1s',
    'controller.max-retries': '3',
    'controller.child-grace-period': '1s',
    ...over,
  };
}

export async function startController(w: World, data: Record<string, string>, over: Partial<ControllerOptions> = {}): Promise<AttestationController> {
  return AttestationController.start({
    kc: w.kube.kubeConfig(), namespace: CONTROLLER_NS, identity: over.identity ?? 'replica-a', config: parseConfig({ ours: data }),
    loadSigner: async () => testSigner,
    events: { byId: (id) => w.events.getByEventId(id), byDigest: (d) => w.events.getByDigest(d), markAttested: (id, uid, at) => w.events.markAttested(id, uid, at) },
    log: silentLogger, leaseDurationMs: 2000, leaseRetryMs: 200, ...over,
  });
}

/** A signed trigger event record (as the interceptor + signer make it), stored; returns the run labels/annotations. */
export async function storeEvent(w: World, eventId: string): Promise<{ labels: Record<string, string>; annotations: Record<string, string>; record: SignedEventRecord }> {
  const body = JSON.stringify({ ref: 'refs/heads/main', after: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', repository: { clone_url: 'https://github.com/tektoncd/pipeline.git' } });
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const statement = {
    _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'webhook-body', digest: { sha256: digest.slice(7) } }], predicateType: EVENT_PREDICATE_TYPE,
    predicate: {
      body, headers: { 'X-GitHub-Event': ['push'] }, redactedHeaders: ['X-Hub-Signature-256'],
      context: { eventId, eventUrl: 'http://el-listener.ci.svc:8080', triggerId: 'triggers.tekton.dev/v1alpha1/namespaces/ci/triggers/push' },
      receivedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      authenticity: { provider: 'github', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: 'tekton-provenance-signer' },
      interceptor: { name: 'tekton-provenance', version: '0.1.0' },
    },
  };
  const envelope = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement)), [testSigner]);
  const record: SignedEventRecord = { eventId, digest, triggerId: statement.predicate.context.triggerId, keyid: testSigner.keyid, envelope, storedAt: new Date().toISOString() };
  await w.events.put(record);
  return { labels: { [TRIGGERS_EVENT_ID_LABEL]: eventId }, annotations: { [EVENT_DIGEST_ANNOTATION]: digest }, record };
}

export async function pushSubjectImage(w: World, repo: string, seed: string): Promise<string> {
  return pushImage(w.registry, repo, seed);
}

export function writeFileIn(w: World, name: string, data: string | Buffer): string {
  const p = join(w.dir, name);
  writeFileSync(p, data);
  return p;
}
