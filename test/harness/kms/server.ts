import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { FaultScript } from '../stand-in/faults.ts';
import { closeNow, listenLocal, readBounded } from '../stand-in/http.ts';
import { handleKmsOperation, type KmsAnswer } from './operations.ts';
import { StandInKeyStore, type StandInKey } from './key-store.ts';
import { checkSigV4, type StandInCredentials } from './sigv4.ts';

/**
 * A KMS stand-in on 127.0.0.1: AWS JSON 1.1 over HTTP(S), SigV4-checked, real keys and real
 * signatures, with scripted faults (throttling, 500, 503) so the SDK's retries are exercised.
 * Only AWS itself is absent. Every fault script is a finite count, so nothing loops.
 */

/** Static credentials tests pass to the client; never real ones. */
export const STAND_IN_CREDENTIALS: StandInCredentials = {
  accessKeyId: 'AKIASTANDIN000000001',
  secretAccessKey: 'stand-in-secret-not-a-real-aws-key-0000001',
};

/**
 * Error answers; 'bad-signature': a 200 Sign answer whose signature has one byte flipped;
 * 'stall': no answer at all (the client's timeout must fire; close() drops the connection).
 */
export type FaultKind = 'throttle' | 'internal-error' | 'unavailable' | 'bad-signature' | 'stall';

export interface KmsStandInOptions {
  region?: string;
  account?: string;
  credentials?: StandInCredentials[];
  /** Serve HTTPS with this key and certificate (the cosign-style `https://host:port` endpoint). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  maxBodyBytes?: number;
}

/** One received request, as the log keeps it (no bodies, no signatures, no secrets). */
export interface StandInRequest {
  target: string;
  status: number;
  errorType?: string;
  accessKeyId?: string;
  keyId?: string;
  messageType?: string;
  signingAlgorithm?: string;
  messageBytes?: number;
}

const FAULT_ANSWERS: Record<Exclude<FaultKind, 'bad-signature' | 'stall'>, KmsAnswer> = {
  throttle: { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
  'internal-error': { status: 500, body: { __type: 'KMSInternalException', message: 'An internal error occurred (injected)' } },
  unavailable: { status: 503, body: { __type: 'ServiceUnavailableException', message: 'Service unavailable (injected)' } },
};
const STALL: KmsAnswer = { status: 0, body: {} }; // sentinel: leave the response open
const TARGET_PREFIX = 'TrentService.';
const MAX_LOG = 1000;

export class KmsStandIn {
  readonly region: string;
  readonly keys: StandInKeyStore;
  /** ECC_NIST_P256 SIGN_VERIFY key, alias `alias/provenance-p256`. */
  readonly ecKey: StandInKey;
  /** RSA_2048 SIGN_VERIFY key, alias `alias/provenance-rsa`. */
  readonly rsaKey: StandInKey;
  /** RSA_2048 ENCRYPT_DECRYPT key, alias `alias/provenance-encrypt`: not usable for signing. */
  readonly encryptKey: StandInKey;
  /** Every request received, faulted or not (bounded to the last 1000). */
  readonly requests: StandInRequest[] = [];
  readonly #server: Server;
  readonly #credentials: StandInCredentials[];
  readonly #maxBody: number;
  readonly #faults = new FaultScript<FaultKind>();
  #received = 0;

  private constructor(server: Server, opts: KmsStandInOptions) {
    this.#server = server;
    this.region = opts.region ?? 'us-east-1';
    this.#credentials = opts.credentials ?? [STAND_IN_CREDENTIALS];
    this.#maxBody = opts.maxBodyBytes ?? 64 * 1024;
    this.keys = new StandInKeyStore(this.region, opts.account ?? '111122223333');
    this.ecKey = this.keys.create({ keySpec: 'ECC_NIST_P256', alias: 'provenance-p256' });
    this.rsaKey = this.keys.create({ keySpec: 'RSA_2048', alias: 'provenance-rsa' });
    this.encryptKey = this.keys.create({ keySpec: 'RSA_2048', keyUsage: 'ENCRYPT_DECRYPT', alias: 'provenance-encrypt' });
  }

  static async start(opts: KmsStandInOptions = {}): Promise<KmsStandIn> {
    const server = opts.tls ? createHttpsServer({ ...opts.tls, minVersion: 'TLSv1.2' }) : createHttpServer();
    const standIn = new KmsStandIn(server, opts);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void standIn.handle(req, res));
    await listenLocal(server);
    return standIn;
  }

  /** `host:port`, the endpoint part of an `awskms://host:port/<key>` URI. */
  get endpoint(): string {
    return `127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** `awskms://127.0.0.1:<port>/<keyRef>`. */
  uri(keyRef: string): string {
    return `awskms://${this.endpoint}/${keyRef}`;
  }

  /** The next `count` requests (for `target`, e.g. 'Sign', or any) get this fault answer. */
  injectFaults(kind: FaultKind, count: number, target?: string): void {
    this.#faults.inject(kind, count, target);
  }

  /** Drops any fault answers not yet used. */
  clearFaults(): void {
    this.#faults.clear();
  }

  /** Requests received in total, or for one operation ('Sign', 'GetPublicKey', ...). */
  requestCount(target?: string): number {
    return target === undefined ? this.#received : this.requests.filter((r) => r.target === target).length;
  }

  async close(): Promise<void> {
    await closeNow(this.#server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawTarget = String(req.headers['x-amz-target'] ?? '');
    const target = rawTarget.startsWith(TARGET_PREFIX) ? rawTarget.slice(TARGET_PREFIX.length) : rawTarget;
    this.#received++;
    const body = await readBounded(req, this.#maxBody);
    const entry: StandInRequest = { target, status: 0 };
    const answer = this.answer(req, target, body, entry);
    entry.status = answer.status;
    if (answer === STALL) entry.errorType = 'stall';
    else if (answer.status >= 300) entry.errorType = String(answer.body.__type);
    this.requests.push(entry);
    if (this.requests.length > MAX_LOG) this.requests.shift();
    if (answer === STALL) return;
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': randomUUID(),
    });
    res.end(text);
  }

  private answer(req: IncomingMessage, target: string, body: Buffer | undefined, entry: StandInRequest): KmsAnswer {
    const error = (status: number, type: string, message: string): KmsAnswer => ({ status, body: { __type: type, message } });
    if (body === undefined) return error(413, 'ValidationException', `request body exceeds ${this.#maxBody} bytes`);
    if (req.method !== 'POST' || req.url !== '/') return error(404, 'UnknownOperationException', 'only POST / is served');
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-amz-json-1.1')) {
      return error(400, 'SerializationException', 'Content-Type must be application/x-amz-json-1.1');
    }
    const auth = checkSigV4('POST', '/', req.headers, body, { region: this.region, service: 'kms', credentials: this.#credentials });
    if (!auth.ok) return error(400, auth.type, auth.message);
    entry.accessKeyId = auth.accessKeyId;
    const fault = this.#faults.take(target);
    if (fault === 'stall') return STALL;
    if (fault !== undefined && fault !== 'bad-signature') return FAULT_ANSWERS[fault];
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8'));
    } catch {
      return error(400, 'SerializationException', 'request body is not JSON');
    }
    describeInput(input, entry);
    const answer = handleKmsOperation(this.keys, target, input);
    return fault === 'bad-signature' ? corruptSignature(answer) : answer;
  }
}

function corruptSignature(answer: KmsAnswer): KmsAnswer {
  if (typeof answer.body.Signature !== 'string') return answer;
  const sig = Buffer.from(answer.body.Signature, 'base64');
  sig[sig.length - 1] = (sig[sig.length - 1] ?? 0) ^ 0x01;
  return { ...answer, body: { ...answer.body, Signature: sig.toString('base64') } };
}

function describeInput(input: unknown, entry: StandInRequest): void {
  if (typeof input !== 'object' || input === null) return;
  const { KeyId, MessageType, SigningAlgorithm, Message } = input as Record<string, unknown>;
  if (typeof KeyId === 'string') entry.keyId = KeyId;
  if (typeof MessageType === 'string') entry.messageType = MessageType;
  if (typeof SigningAlgorithm === 'string') entry.signingAlgorithm = SigningAlgorithm;
  if (typeof Message === 'string') entry.messageBytes = Buffer.from(Message, 'base64').length;
}
