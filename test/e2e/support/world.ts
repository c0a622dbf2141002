import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeConfig } from '@kubernetes/client-node';
import { parse as parseYaml } from 'yaml';
import { startInterceptor, memoryLogger, type RunningInterceptor } from '../../../interceptor/index.ts';
import { StaticSecretResolver } from '../../../signer/authenticity/secrets/static.ts';
import { CONFIGMAP_NAME } from '../../../signer/config/parse.ts';
import type { AttestationController } from '../../../signer/controller/controller.ts';
import { attestationControllerService } from '../../../signer/controller/service.ts';
import { SqliteEventStore } from '../../../signer/events/stores/sqlite.ts';
import { LocalSigner } from '../../../signer/keys/local.ts';
import { silentLogger, startSignerServer, type SignerServer } from '../../../signer/server/index.ts';
import { EventListenerSimulator, loadTrigger, loadTrustedCaBundles, makeTestCertificates, serviceDnsNames } from '../../harness/eventlistener/index.ts';
import { startKubeApiServer, type KubeApiServer, type ResourceInit } from '../../harness/kube/index.ts';
import { startRegistry, type TestRegistry } from '../../harness/registry/index.ts';
import { applyGithubTrigger } from './trigger.ts';

export const SYSTEM_NS = 'tekton-provenance';
export const RUN_NS = 'ci';
export const IMAGE_REPO = 'demo/app';
export const BUILDER_ID = 'https://tekton-provenance.dev/e2e/controller';
/** The webhook secret of the example Secret `github-webhook` (Triggers' own example value). */
export const GITHUB_SECRET = '1234567';
const SERVICE = 'tekton-provenance-interceptor';

/** Everything of the e2e flow, each part real and on 127.0.0.1. */
export interface World {
  dir: string;
  kube: KubeApiServer;
  kc: KubeConfig;
  registry: TestRegistry;
  /** `127.0.0.1:<port>/demo/app` */
  image: string;
  /** PEM public key of the one signing key (event records and attestations). */
  publicKeyPath: string;
  events: SqliteEventStore;
  listener: EventListenerSimulator;
  controller: () => AttestationController | undefined;
  close(): Promise<void>;
}

/**
 * Starts, in dependency order: API test server, docker-registry, the signer socket (P-256 key,
 * SQLite event store), the HTTPS interceptor (static GitHub secret), the shipped
 * ClusterInterceptor with its caBundle, the shipped GitHub Trigger loaded by the EventListener
 * from the API server, and the attestation controller from its ConfigMap (in-toto +
 * slsa/v2alpha4, oci + tekton) with the key as a Chains-style signing-secrets directory.
 */
export async function startWorld(opts: { resources?: ResourceInit[] } = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-e2e-verify-'));
  const closers: Array<() => Promise<unknown> | unknown> = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const kube = await startKubeApiServer({ namespace: SYSTEM_NS, ...(opts.resources ? { resources: opts.resources } : {}) });
    closers.push(() => kube.close());
    const registry = await startRegistry();
    closers.push(() => registry.close());

    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyDir = join(dir, 'signing-secrets');
    mkdirSync(keyDir, { mode: 0o700 });
    writeFileSync(join(keyDir, 'x509.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    const publicKeyPath = join(dir, 'signing.pub');
    const signer = new LocalSigner(privateKey);
    writeFileSync(publicKeyPath, signer.publicKey.export({ type: 'spki', format: 'pem' }));

    const events = new SqliteEventStore(join(dir, 'events.db'));
    closers.push(() => events.close());
    const socketPath = join(dir, 'signer.sock');
    const signerServer: SignerServer = await startSignerServer({
      socketPath, signer, store: events, logger: silentLogger,
      // The signer checks the webhook's HMAC itself (the interceptor holds no secret).
      secrets: new StaticSecretResolver({ 'github-webhook/token': GITHUB_SECRET }),
    });
    closers.push(() => signerServer.close());

    const certs = makeTestCertificates({ dnsNames: serviceDnsNames(SERVICE, SYSTEM_NS) });
    const interceptor: RunningInterceptor = await startInterceptor({
      host: '127.0.0.1', port: 0, signerSocket: socketPath,
      tls: { kind: 'pem', cert: certs.certPem, key: certs.keyPem },
      logger: memoryLogger(),
    });
    closers.push(() => interceptor.close());
    const shipped = parseYaml(readFileSync(fileURLToPath(new URL('../../../manifests/70-clusterinterceptor.yaml', import.meta.url)), 'utf8'));
    shipped.spec.clientConfig.caBundle = Buffer.from(certs.caPem).toString('base64');
    shipped.spec.clientConfig.service.port = interceptor.port; // the Service maps 8443 to the pod's port
    kube.objects.put(shipped);

    // The EventListener reads its Trigger, bindings, template and trust pool from the API server.
    const image = `${registry.host}/${IMAGE_REPO}`;
    applyGithubTrigger(kube, image);
    const kc = kube.kubeConfig();
    const listener = new EventListenerSimulator({
      name: 'provenance-listener', namespace: RUN_NS, kubeConfig: kc,
      triggers: [await loadTrigger(kc, RUN_NS, 'github-push')],
      caBundles: await loadTrustedCaBundles(kc),
      hostAliases: { [`${SERVICE}.${SYSTEM_NS}.svc`]: '127.0.0.1' },
    });

    kube.objects.put({
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: CONFIGMAP_NAME, namespace: SYSTEM_NS },
      data: {
        'artifacts.pipelinerun.format': 'in-toto,slsa/v2alpha4',
        'artifacts.pipelinerun.storage': 'oci,tekton',
        'storage.oci.repository.insecure': 'true',
        'signers.x509.path': keyDir,
        'builder.id': BUILDER_ID,
        'controller.backoff-base': '200ms',
        'controller.backoff-max': '1s',
        'controller.child-grace-period': '1s',
      },
    });
    let controller: AttestationController | undefined;
    const service = attestationControllerService({
      namespace: SYSTEM_NS, identity: 'e2e-signer-0', kubeconfigPath: kube.kubeconfigPath, eventStore: events, log: silentLogger,
      lease: { leaseDurationMs: 2000, leaseRetryMs: 200 },
      onStarted: (c) => { controller = c; },
    });
    const running = await service.start();
    closers.push(() => running.stop());

    return { dir, kube, kc, registry, image, publicKeyPath, events, listener, controller: () => controller, close };
  } catch (err) {
    await close();
    throw err;
  }
}
