import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Server-side AWS Signature Version 4 check, so tests exercise the SDK's real request signing:
 * the stand-in recomputes the signature with the secret it knows and compares. Errors use the
 * `__type` names AWS KMS answers with.
 */

export interface StandInCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export type SigV4Result =
  | { ok: true; accessKeyId: string; scope: string }
  | { ok: false; type: string; message: string };

const AUTH_RE = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;
const MAX_SKEW_MS = 15 * 60 * 1000; // AWS rejects requests signed more than 15 minutes off

export function checkSigV4(
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
  expected: { region: string; service: string; credentials: readonly StandInCredentials[] },
): SigV4Result {
  const auth = header(headers, 'authorization');
  if (!auth) return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const m = AUTH_RE.exec(auth);
  if (!m) return fail('IncompleteSignatureException', 'Authorization header is not a well-formed AWS4-HMAC-SHA256 signature');
  const [, accessKeyId = '', date = '', region, service, signedHeaders = '', signature = ''] = m;
  const creds = expected.credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!creds) return fail('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (region !== expected.region) return fail('InvalidSignatureException', `Credential should be scoped to a valid region, not '${region}'.`);
  if (service !== expected.service) return fail('InvalidSignatureException', `Credential should be scoped to correct service: '${expected.service}'.`);

  const amzDate = header(headers, 'x-amz-date');
  if (!amzDate || !amzDate.startsWith(date)) return fail('IncompleteSignatureException', 'X-Amz-Date is missing or does not match the credential scope date');
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!Number.isFinite(signedAt) || Math.abs(Date.now() - signedAt) > MAX_SKEW_MS) {
    return fail('InvalidSignatureException', 'Signature expired: X-Amz-Date is more than 15 minutes from now');
  }
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date')) {
    return fail('IncompleteSignatureException', 'SignedHeaders must include host and x-amz-date');
  }

  const canonicalHeaders = names.map((n) => `${n}:${(header(headers, n) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payloadHash = header(headers, 'x-amz-content-sha256') ?? sha256Hex(body);
  const canonicalRequest = [method, path, '', canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(Buffer.from(canonicalRequest))].join('\n');
  let key = hmac(`AWS4${creds.secretAccessKey}`, date);
  for (const part of [region ?? '', service ?? '', 'aws4_request']) key = hmac(key, part);
  const expectedSig = hmac(key, stringToSign);
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expectedSig.length || !timingSafeEqual(given, expectedSig)) {
    return fail('InvalidSignatureException', 'The request signature we calculated does not match the signature you provided.');
  }
  return { ok: true, accessKeyId, scope };
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

const fail = (type: string, message: string): SigV4Result => ({ ok: false, type, message });
const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
