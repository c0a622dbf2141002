import type { WebhookProviderName } from '../events/event-record.ts';
import { eventError } from '../events/errors.ts';

/** Where a webhook secret lives: a key of a Secret in the trigger's namespace (Triggers' names). */
export interface SecretRef {
  secretName: string;
  secretKey: string;
}

/**
 * What the interceptor hands the signer ALONGSIDE a statement so the signer can check the
 * webhook itself: the provider, where the secret is, and the raw authenticity headers
 * (X-Hub-Signature-256, X-Hub-Signature, X-Gitlab-Token). Never stored, signed or logged:
 * the GitLab token is the secret itself. The secret's namespace is NOT part of it: the signer
 * takes it from the statement's own `context.triggerId`, so the Trigger a record names is the
 * namespace whose Secret vouched for it.
 */
export interface AuthenticityProof {
  provider: Exclude<WebhookProviderName, 'none'>;
  secretRef: SecretRef;
  /** github/bitbucket: an `sha1=` HMAC is accepted (the Trigger's `allowSha1` param). */
  allowSha1: boolean;
  /** Authenticity header name (as received) -> first value; only the provider's own headers. */
  headers: Record<string, string>;
  /** The network peer the interceptor saw (rate limiting only; a caller's word, never a fact). */
  source: string;
}

export const PROOF_PROVIDERS = ['github', 'gitlab', 'bitbucket'] as const;
export const MAX_PROOF_BYTES = 16 * 1024;
const MAX_HEADERS = 4;
const MAX_HEADER_VALUE = 4096;
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/** Parses a proof strictly (exact keys and types); anything else is INVALID_EVENT_RECORD. */
export function parseProof(bytes: Buffer): AuthenticityProof {
  if (bytes.length > MAX_PROOF_BYTES) throw invalid(`authenticity proof is over ${MAX_PROOF_BYTES} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw invalid('authenticity proof is not JSON');
  }
  const o = obj(v, 'proof');
  exactKeys(o, ['provider', 'secretRef', 'allowSha1', 'headers', 'source'], 'proof');
  if (!(PROOF_PROVIDERS as readonly unknown[]).includes(o.provider)) {
    throw invalid(`proof.provider must be one of ${PROOF_PROVIDERS.join(', ')}`);
  }
  const ref = obj(o.secretRef, 'proof.secretRef');
  exactKeys(ref, ['secretName', 'secretKey'], 'proof.secretRef');
  if (typeof ref.secretName !== 'string' || !DNS_NAME.test(ref.secretName)) throw invalid('proof.secretRef.secretName must be a Secret name');
  if (typeof ref.secretKey !== 'string' || !SECRET_KEY.test(ref.secretKey)) throw invalid('proof.secretRef.secretKey must be a Secret data key');
  if (typeof o.allowSha1 !== 'boolean') throw invalid('proof.allowSha1 must be a boolean');
  const headers = obj(o.headers, 'proof.headers');
  const names = Object.keys(headers);
  if (names.length > MAX_HEADERS) throw invalid(`proof.headers has more than ${MAX_HEADERS} entries`);
  for (const name of names) {
    const value = headers[name];
    if (typeof value !== 'string' || value.length > MAX_HEADER_VALUE) throw invalid('proof.headers values must be strings of at most 4096 characters');
  }
  if (typeof o.source !== 'string' || o.source.length > 128) throw invalid('proof.source must be a string of at most 128 characters');
  return {
    provider: o.provider as AuthenticityProof['provider'],
    secretRef: { secretName: ref.secretName, secretKey: ref.secretKey },
    allowSha1: o.allowSha1,
    headers: headers as Record<string, string>,
    source: o.source,
  };
}

/**
 * The payload of a SignWebhook frame (signer/protocol/frames.ts):
 * `u32 BE proof length | proof JSON | statement bytes`. The statement stays the exact bytes
 * signed; the proof travels beside it and is dropped after the check.
 */
export function encodeSignWebhook(proof: AuthenticityProof, statement: Buffer): Buffer[] {
  const json = Buffer.from(JSON.stringify(proof), 'utf8');
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(json.length, 0);
  return [head, json, statement];
}

export function decodeSignWebhook(payload: Buffer): { proof: AuthenticityProof; statement: Buffer } {
  if (payload.length < 4) throw invalid('SignWebhook payload is shorter than its proof length');
  const n = payload.readUInt32BE(0);
  if (n > MAX_PROOF_BYTES || 4 + n > payload.length) throw invalid('SignWebhook proof length is out of range');
  return { proof: parseProof(payload.subarray(4, 4 + n)), statement: payload.subarray(4 + n) };
}

/** The HTTP form: header `x-tekton-provenance-proof` = standard base64 of the proof JSON. */
export const PROOF_HEADER = 'x-tekton-provenance-proof';

export function proofFromHeader(value: string | string[] | undefined): AuthenticityProof | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) || !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw invalid(`${PROOF_HEADER} must be one standard base64 value`);
  return parseProof(Buffer.from(value, 'base64'));
}

type Obj = Record<string, unknown>;

function obj(v: unknown, where: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalid(`${where} must be a JSON object`);
  return v as Obj;
}

function exactKeys(o: Obj, keys: readonly string[], where: string): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw invalid(`${where} has unexpected field "${k}"`);
  for (const k of keys) if (!(k in o)) throw invalid(`${where} is missing field "${k}"`);
}

function invalid(message: string) {
  return eventError('INVALID_EVENT_RECORD', message);
}
