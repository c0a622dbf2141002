import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { WebhookAuthenticator } from '../authenticity/authenticator.ts';
import type { EventRecorder } from '../authenticity/event-recorder.ts';
import type { FailureLimiter } from '../authenticity/rate-limit.ts';
import type { SecretResolver } from '../authenticity/secrets/resolver.ts';
import type { EventStore } from '../events/event-store.ts';
import { serializeRecord } from '../events/record-codec.ts';
import type { Signer } from '../keys/signer.ts';
import type { IdentitySource } from '../keyless/signing-identity.ts';
import type { SignedEventRecord } from '../events/event-record.ts';
import { PREFACE } from '../protocol/frames.ts';
import { serveFrames, type FramedConnection } from './frame-server.ts';
import { ApiError, sendError, sendJson, toApiError } from './http.ts';
import { jsonLogger, type Logger } from './logger.ts';
import { postEvent } from './post-event.ts';
import { EventSigningService } from './sign-and-store.ts';

export { jsonLogger, silentLogger, type Logger } from './logger.ts';
export { STATEMENT_CONTENT_TYPE, type SignedEventSummary } from './post-event.ts';

export const SIGNER_SOCKET_ENV = 'TEKTON_PROVENANCE_SIGNER_SOCKET';
export const DEFAULT_SIGNER_SOCKET = '/var/run/tekton-provenance/signer.sock';
/** A 25 MiB webhook body, JSON-escaped inside the statement and then base64'd, fits. */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

export interface SignerServerOptions {
  socketPath: string;
  /** A key, or keyless: the certificate cache's identity source (signer/keyless/signing-identity.ts). */
  signer: Signer | IdentitySource;
  store: EventStore;
  /** Called once per new durable record, after it is answered (transparency.events' uploader). */
  onCreated?: (record: SignedEventRecord) => void;
  logger?: Logger;
  maxRequestBytes?: number;
  /** Connection bounds; defaults in SIGNER_SERVER_LIMITS (tests shorten them). */
  limits?: Partial<SignerServerLimits>;
  /** Where webhook secrets come from (the trigger namespaces' labelled Secrets, or a static file). */
  secrets?: SecretResolver;
  /** Kubernetes Events for authenticity refusals (the signer alone talks to the API). */
  events?: EventRecorder;
  limiter?: FailureLimiter;
}

export interface SignerServerLimits {
  /** Headers of an HTTP request must arrive within this. */
  headersTimeoutMs: number;
  /** A whole HTTP request (headers and body) must arrive within this. */
  requestTimeoutMs: number;
  /** A framed connection with nothing in flight and nothing received for this long is closed. */
  framedIdleMs: number;
  /** A connection that has not said which protocol it speaks within this is dropped. */
  sniffTimeoutMs: number;
  /** Open connections at most (the interceptor needs one; tools and probes a few). */
  maxConnections: number;
}

export const SIGNER_SERVER_LIMITS: SignerServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  framedIdleMs: 60_000,
  sniffTimeoutMs: 15_000,
  maxConnections: 128,
};

export interface SignerServer {
  socketPath: string;
  /** Stops accepting, finishes in-flight requests, removes the socket file. */
  close(): Promise<void>;
}

/** The socket path from the environment, or the default on the shared volume. */
export function signerSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  return env[SIGNER_SOCKET_ENV] || DEFAULT_SIGNER_SOCKET;
}

/**
 * Serves the local signing API on a Unix domain socket (mode 0660); see docs/signer.md. Each
 * connection speaks either the framed protocol (what the interceptor uses, told apart by its
 * preface) or HTTP/1.1 (tools, probes, curl). Resolves once listening.
 */
export async function startSignerServer(opts: SignerServerOptions): Promise<SignerServer> {
  const log = opts.logger ?? jsonLogger('signer');
  const auth = new WebhookAuthenticator({
    log,
    ...(opts.secrets ? { secrets: opts.secrets } : {}),
    ...(opts.events ? { events: opts.events } : {}),
    ...(opts.limiter ? { limiter: opts.limiter } : {}),
  });
  const service = new EventSigningService(opts.signer, opts.store, log, undefined, auth);
  if (opts.onCreated) service.onCreated(opts.onCreated);
  const max = opts.maxRequestBytes ?? MAX_REQUEST_BYTES;
  const limits = { ...SIGNER_SERVER_LIMITS, ...opts.limits };
  // Timeouts are checked every connectionsCheckingInterval: a tenth of the shortest, so a
  // stalled request is cut close to its limit (Node's default interval is 30 s).
  const checkEvery = Math.max(50, Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10);
  const http = createServer({ connectionsCheckingInterval: checkEvery }, (req, res) => {
    route(req, res, { service, store: opts.store, max }).catch((err: unknown) => {
      const apiErr = toApiError(err);
      if (apiErr.code === 'INTERNAL' || apiErr.code === 'STORE_UNAVAILABLE' || apiErr.code === 'STORE_CORRUPT') {
        log.error('request failed', {
          path: req.url?.split('?')[0],
          code: apiErr.code,
          cause: describe(err),
        });
      } else {
        log.info('request refused', {
          path: req.url?.split('?')[0],
          code: apiErr.code,
          reason: apiErr.message,
        });
      }
      if (apiErr.code === 'EVENT_TOO_LARGE') res.setHeader('connection', 'close');
      if (!res.headersSent) sendError(res, apiErr);
    });
  });
  http.headersTimeout = limits.headersTimeoutMs;
  http.requestTimeout = limits.requestTimeoutMs;
  // `http` never listens: connections are handed to it after sniffing. Node starts its
  // connection tracking (request timeouts, closeIdleConnections) on 'listening', so say it.
  http.emit('listening');
  const framed = new Set<FramedConnection>();
  const sniffing = new Set<Socket>();
  const frameDeps = { service, store: opts.store, log, maxRequestBytes: max, idleMs: limits.framedIdleMs };
  const server = createNetServer((socket) => {
    sniffing.add(socket);
    sniffProtocol(socket, limits.sniffTimeoutMs, {
      http: () => {
        sniffing.delete(socket);
        http.emit('connection', socket);
      },
      frames: (rest) => {
        sniffing.delete(socket);
        const conn = serveFrames(socket, rest, frameDeps);
        framed.add(conn);
        socket.once('close', () => framed.delete(conn));
      },
    });
    socket.once('close', () => sniffing.delete(socket));
  });
  server.maxConnections = limits.maxConnections;
  prepareSocketPath(opts.socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(opts.socketPath, 0o660);
  log.info('signing socket listening', { socket: opts.socketPath, keyid: typeof opts.signer === 'function' ? 'keyless (Fulcio)' : opts.signer.keyid });
  return {
    socketPath: opts.socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        // HTTP connections still busy become idle later: closed as they do, as node:http's own close does.
        const idle = setInterval(() => http.closeIdleConnections(), 100);
        server.close(() => {
          clearInterval(idle);
          // stops its connection tracking (it was never listening), then pending Events are written
          http.close(() => void (opts.events?.flush() ?? Promise.resolve()).then(() => resolve()));
        });
        http.closeIdleConnections();
        for (const conn of framed) conn.drain();
        for (const socket of sniffing) socket.destroy(); // connected but said nothing yet
      }),
  };
}

/**
 * Reads just enough of a new connection to tell the framed protocol (PREFACE, starting with a
 * NUL byte) from HTTP (a method name), then hands the socket over with the bytes already read
 * put back (HTTP) or passed on (frames).
 */
function sniffProtocol(socket: Socket, timeoutMs: number, to: { http: () => void; frames: (rest: Buffer) => void }): void {
  let head: Buffer = Buffer.alloc(0);
  const silent = setTimeout(() => socket.destroy(), timeoutMs);
  socket.once('close', () => clearTimeout(silent));
  const onData = (chunk: Buffer) => {
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    const n = Math.min(head.length, PREFACE.length);
    if (head.subarray(0, n).equals(PREFACE.subarray(0, n))) {
      if (head.length < PREFACE.length) return;
      clearTimeout(silent);
      socket.off('data', onData);
      to.frames(head.subarray(PREFACE.length));
      return;
    }
    clearTimeout(silent);
    socket.off('data', onData);
    socket.pause();
    socket.unshift(head);
    to.http();
    socket.resume();
  };
  socket.on('data', onData);
  socket.on('error', () => undefined); // a client gone before it said anything
}

interface RouteDeps {
  service: EventSigningService;
  store: EventStore;
  max: number;
}

async function route(req: IncomingMessage, res: ServerResponse, deps: RouteDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://signer');
  const path = url.pathname;
  if (path === '/v1/healthz') return expect(req, 'GET', () => healthz(res, deps.store));
  if (path === '/v1/events' && req.method === 'POST') return postEvent(req, res, deps.service, deps.max);
  if (path === '/v1/events') return expect(req, 'GET', () => listByDigest(url, res, deps.store));
  if (path.startsWith('/v1/events/')) {
    return expect(req, 'GET', () =>
      getEvent(decodeURIComponent(path.slice('/v1/events/'.length)), res, deps.store),
    );
  }
  throw new ApiError('NOT_FOUND', `no such endpoint ${path}`);
}

async function expect(req: IncomingMessage, method: string, handle: () => unknown): Promise<void> {
  if (req.method !== method) throw new ApiError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here`);
  await handle();
}

/** Keys are loaded before the server starts; healthy = the store answers. */
async function healthz(res: ServerResponse, store: EventStore): Promise<void> {
  await store.ping?.();
  sendJson(res, 200, '{"status":"ok"}');
}

async function getEvent(eventId: string, res: ServerResponse, store: EventStore): Promise<void> {
  const record = await store.getByEventId(eventId);
  if (!record) throw new ApiError('NOT_FOUND', `no event ${eventId} is stored`);
  sendJson(res, 200, `{"record":${serializeRecord(record)}}`);
}

async function listByDigest(url: URL, res: ServerResponse, store: EventStore): Promise<void> {
  const digest = url.searchParams.get('digest') ?? '';
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
    throw new ApiError('INVALID_EVENT_RECORD', 'query parameter digest must be sha256:<64 lowercase hex>');
  }
  const records = await store.getByDigest(digest);
  sendJson(res, 200, `{"records":[${records.map(serializeRecord).join(',')}]}`);
}

/** Creates the socket directory and removes a stale socket left by a killed process. */
function prepareSocketPath(socketPath: string): void {
  mkdirSync(dirname(socketPath), { recursive: true, mode: 0o770 });
  try {
    if (lstatSync(socketPath).isSocket()) unlinkSync(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
