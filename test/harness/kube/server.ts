/**
 * startKubeApiServer: the Kubernetes API test server on 127.0.0.1 (port 0), HTTPS by default,
 * with a kubeconfig written for it. Real clients (@kubernetes/client-node) talk to it unchanged.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { Identities, identityFor } from './auth/identities.ts';
import type { Subject } from './auth/identities.ts';
import { Faults } from './faults.ts';
import { createHandler } from './handler.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { ObjectAccess } from './objects.ts';
import { RequestLog } from './request-log.ts';
import { DEFAULT_RESOURCES, defineResource, ResourceTable } from './resources.ts';
import type { ResourceInit } from './resources.ts';
import { ObjectStore } from './store.ts';
import { servingCert } from './tls.ts';
import type { KubeObject } from './types.ts';
import { Verbs } from './verbs.ts';
import { WatchHub } from './watch.ts';

export interface KubeApiServerOptions {
  /** Serve HTTPS with a self-signed cert carried in the kubeconfig (default true). */
  tls?: boolean;
  /** Admin bearer token the kubeconfig carries (random by default). Admin bypasses RBAC. */
  token?: string;
  /** Watch events kept for resumption; older resourceVersions get 410 (default 1000). */
  historyLimit?: number;
  /** BOOKMARK interval for watches with allowWatchBookmarks=true (default 1000 ms; 0 = never). */
  bookmarkIntervalMs?: number;
  /** Extra resources to serve besides the defaults. */
  resources?: ResourceInit[];
  /** Namespace of the kubeconfig context (default "default"). */
  namespace?: string;
  /**
   * NamespaceLifecycle: creating into a namespace with no Namespace object is 404 and into a
   * terminating one 403, as in a real cluster. Off by default so tests need not create
   * Namespaces first.
   */
  requireNamespaces?: boolean;
  /** Objects stored before the server starts. */
  seed?: KubeObject[];
}

export interface ScopedKubeconfig {
  path: string;
  /** The user name RBAC sees, e.g. system:serviceaccount:ns:name. */
  user: string;
  kubeConfig(): KubeConfig;
}

export interface KubeApiServer {
  /** https://127.0.0.1:<port> (or http://). */
  readonly url: string;
  readonly port: number;
  readonly kubeconfigPath: string;
  /** The admin bearer token (a test credential; never log it). */
  readonly token: string;
  /** PEM of the self-signed serving cert (the CA to trust), undefined for plain HTTP. */
  readonly caPem: string | undefined;
  /** A KubeConfig loaded from kubeconfigPath. */
  kubeConfig(): KubeConfig;
  readonly faults: Faults;
  readonly objects: ObjectAccess;
  readonly requests: RequestLog;
  readonly watches: WatchHub;
  readonly store: ObjectStore;
  /**
   * A kubeconfig for a non-admin identity (a ServiceAccount "ns/name" or a user): its requests
   * are authorized by the Roles/ClusterRoles and bindings stored in the server (403 otherwise).
   */
  kubeconfigFor(subject: Subject): ScopedKubeconfig;
  /** The current (latest) resourceVersion. */
  resourceVersion(): string;
  /** Drops all watch history: every earlier resourceVersion now answers 410 Gone. */
  compactHistory(): void;
  close(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startKubeApiServer(opts: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const useTls = opts.tls ?? true;
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const table = new ResourceTable([...DEFAULT_RESOURCES, ...(opts.resources ?? []).map(defineResource)]);
  const store = new ObjectStore(opts.historyLimit ?? 1000);
  const verbs = new Verbs(store, { requireNamespaces: opts.requireNamespaces ?? false });
  const hub = new WatchHub(store, opts.bookmarkIntervalMs ?? 1000);
  const log = new RequestLog();
  const objects = new ObjectAccess(table, store, verbs);
  objects.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: opts.namespace ?? 'default' } });
  for (const obj of opts.seed ?? []) objects.put(obj);

  const sockets = new Set<Socket>();
  let stopped = false;
  const cert = useTls ? await servingCert() : undefined;
  const faults = new Faults(hub, {
    stopListening: async () => {
      if (stopped || !server.listening) return;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await closed;
    },
    // close() during the outage wins: never listen again after it.
    listenAgain: async () => {
      if (!stopped && !server.listening) await listen(server, port);
    },
  });
  const identities = new Identities();
  identities.add(token, identityFor({ user: 'kube-test-admin', groups: ['system:masters'] }));
  const handler = createHandler({ table, verbs, hub, faults, log, identities, store });
  const server: Server =
    cert === undefined
      ? createHttpServer(handler)
      : createHttpsServer({ key: cert.keyPem, cert: cert.certPem, minVersion: 'TLSv1.2' }, handler);
  // Raw TCP sockets, also for HTTPS: a connection still in its TLS handshake must not keep
  // close() or an outage waiting.
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server, 0);
  const url = `${useTls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const kubeconfig = writeKubeconfig(url, token, cert?.certPem, opts.namespace ?? 'default');
  const scoped: Array<{ remove(): void }> = [];
  const load = (path: string): KubeConfig => {
    const kc = new KubeConfig();
    kc.loadFromFile(path);
    return kc;
  };

  return {
    url,
    port,
    kubeconfigPath: kubeconfig.path,
    token,
    caPem: cert?.certPem,
    kubeConfig: () => load(kubeconfig.path),
    kubeconfigFor: (subject) => {
      const minted = identities.mint(subject);
      const file = writeKubeconfig(
        url,
        minted.token,
        cert?.certPem,
        'serviceAccount' in subject
          ? (subject.serviceAccount.split('/')[0] ?? 'default')
          : (opts.namespace ?? 'default'),
      );
      scoped.push(file);
      return { path: file.path, user: minted.identity.user, kubeConfig: () => load(file.path) };
    },
    faults,
    objects,
    requests: log,
    watches: hub,
    store,
    resourceVersion: () => String(store.resourceVersion),
    compactHistory: () => store.compact(),
    close: async () => {
      if (stopped) return;
      stopped = true;
      faults.clear(); // also ends an outage
      hub.dropAll(true);
      // Resolves on error too (ERR_SERVER_NOT_RUNNING when closed during a 'refuse' outage).
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await closed;
      kubeconfig.remove();
      for (const f of scoped) f.remove();
    },
  };
}
