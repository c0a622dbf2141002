import type { SecretRef } from '../../signer/authenticity/proof.ts';
import type { WebhookProviderName } from '../../signer/events/event-record.ts';
import { interceptorError } from '../errors.ts';
import { echo } from '../../signer/limits/text.ts';
import { isObject, kindOf } from './request.ts';

export type FailurePolicy = 'Fail' | 'Ignore';

export type { SecretRef } from '../../signer/authenticity/proof.ts';

/** The `interceptor_params` of our ClusterInterceptor, validated once. */
export interface InterceptorParams {
  provider: WebhookProviderName;
  secretRef?: SecretRef;
  failurePolicy: FailurePolicy;
  /** When set, only these event types (X-Github-Event, X-Gitlab-Event, X-Event-Key) are signed. */
  eventTypes?: string[];
  /** github/bitbucket: also accept an `sha1=` HMAC when no sha256 one is sent (off by default). */
  allowSha1: boolean;
  /**
   * Accepted for old Triggers and IGNORED: they used to put caller-chosen "who checked" words
   * into the record of a `provider: none` event. Nothing the caller says is recorded as a fact.
   */
  checkedBy?: string;
  method?: string;
}

const PROVIDERS = new Set(['github', 'gitlab', 'bitbucket', 'none']);
const KNOWN = new Set(['provider', 'secretRef', 'failurePolicy', 'eventTypes', 'allowSha1', 'checkedBy', 'method']);
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/** Validates params; any problem is INVALID_PARAMS naming the param (a Trigger config error). */
export function parseParams(raw: Record<string, unknown>): InterceptorParams {
  for (const name of Object.keys(raw)) {
    if (!KNOWN.has(name)) throw bad(`unknown param ${echo(name)} (known: ${[...KNOWN].join(', ')})`);
  }
  const provider = raw.provider;
  if (typeof provider !== 'string' || !PROVIDERS.has(provider)) {
    throw bad(`param "provider" must be one of github, gitlab, bitbucket, none (got ${show(provider)})`);
  }
  const failurePolicy = raw.failurePolicy ?? 'Fail';
  if (failurePolicy !== 'Fail' && failurePolicy !== 'Ignore') {
    throw bad(`param "failurePolicy" must be Fail or Ignore (got ${show(failurePolicy)})`);
  }
  const params: InterceptorParams = {
    provider: provider as WebhookProviderName,
    failurePolicy,
    allowSha1: parseBool(raw.allowSha1, 'allowSha1'),
  };
  if (raw.secretRef !== undefined) params.secretRef = parseSecretRef(raw.secretRef);
  if (raw.eventTypes !== undefined) params.eventTypes = parseStringList(raw.eventTypes, 'eventTypes');
  if (raw.checkedBy !== undefined) params.checkedBy = parseString(raw.checkedBy, 'checkedBy');
  if (raw.method !== undefined) params.method = parseString(raw.method, 'method');
  if (provider !== 'none' && params.secretRef === undefined) {
    throw bad(`provider "${provider}" needs param "secretRef" {secretName, secretKey}`);
  }
  return params;
}

function parseSecretRef(value: unknown): SecretRef {
  if (!isObject(value)) throw bad(`param "secretRef" must be an object {secretName, secretKey}, got ${kindOf(value)}`);
  const { secretName, secretKey } = value;
  if (typeof secretName !== 'string' || !DNS_NAME.test(secretName)) {
    throw bad('param "secretRef.secretName" must be a Secret name (DNS subdomain)');
  }
  if (typeof secretKey !== 'string' || !SECRET_KEY.test(secretKey)) {
    throw bad('param "secretRef.secretKey" must be a Secret data key');
  }
  return { secretName, secretKey };
}

function parseStringList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw bad(`param "${name}" must be a non-empty array of strings`);
  }
  return value as string[];
}

function parseString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253) {
    throw bad(`param "${name}" must be a string of 1-253 characters`);
  }
  return value;
}

/** Trigger params arrive as JSON; accept true/false and their string forms. */
function parseBool(value: unknown, name: string): boolean {
  if (value === undefined) return false;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw bad(`param "${name}" must be true or false (got ${show(value)})`);
}

function show(value: unknown): string {
  return typeof value === 'string' ? echo(value) : kindOf(value);
}

function bad(message: string) {
  return interceptorError('INVALID_PARAMS', message);
}
