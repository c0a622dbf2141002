import { ProvenanceError } from '../../errors.ts';
import type { AwsKmsErrorCode } from './errors.ts';

/**
 * `awskms://[ENDPOINT]/<key id | key ARN | alias/name | alias ARN>`, the reference form of
 * sigstore's pkg/signature/kms/aws (what cosign and Tekton Chains' `signers.kms.kmsref` take).
 * The patterns mirror sigstore's regexes; where we are stricter or wider it is to fail early
 * with a clear message (see docs/kms.md).
 */

export type AwsKmsKeyForm = 'key-id' | 'key-arn' | 'alias-name' | 'alias-arn';

export interface AwsKmsReference {
  /** `host[:port]` from the URI, or undefined for `awskms:///...` (the SDK picks the endpoint). */
  endpoint: string | undefined;
  /** What KMS is asked for: the key id, key ARN, `alias/name` or alias ARN exactly as written. */
  keyId: string;
  form: AwsKmsKeyForm;
  /** The region named by an ARN, a default when no region is configured. */
  arnRegion: string | undefined;
}

const UUID = '(?:mrk-)?[A-Fa-f0-9]{8}-?[A-Fa-f0-9]{4}-?[A-Fa-f0-9]{4}-?[A-Fa-f0-9]{4}-?[A-Fa-f0-9]{12}';
// sigstore accepts the aws and aws-us-gov partitions; aws-cn is a real partition too.
const ARN_PREFIX = 'arn:(?:aws|aws-cn|aws-us-gov):kms:([a-z0-9-]+):\\d{12}:';
const ALIAS = 'alias/[A-Za-z0-9/_-]+';
const HOST = '([^/]*)/';

const FORMS: readonly [AwsKmsKeyForm, RegExp][] = [
  ['key-id', new RegExp(`^awskms://${HOST}(${UUID})$`)],
  ['key-arn', new RegExp(`^awskms://${HOST}(${ARN_PREFIX}key/${UUID})$`)],
  ['alias-name', new RegExp(`^awskms://${HOST}(${ALIAS})$`)],
  ['alias-arn', new RegExp(`^awskms://${HOST}(${ARN_PREFIX}${ALIAS})$`)],
];

// A DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port.
const ENDPOINT_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/;

const USAGE = 'expected awskms://[ENDPOINT]/<key id | arn:aws:kms:...:key/<id> | alias/<name> | arn:aws:kms:...:alias/<name>>';

export function parseAwsKmsUri(uri: string): AwsKmsReference {
  if (!uri.startsWith('awskms://')) throw bad(`"${uri}" is not an awskms:// URI; ${USAGE}`);
  for (const [form, re] of FORMS) {
    const m = re.exec(uri);
    if (!m) continue;
    const [, host = '', keyId = '', arnRegion] = m;
    if (host !== '') checkEndpoint(host, uri);
    return { endpoint: host === '' ? undefined : host, keyId, form, arnRegion };
  }
  throw bad(`"${uri}" names no AWS KMS key; ${USAGE}`);
}

function checkEndpoint(host: string, uri: string): void {
  const m = ENDPOINT_RE.exec(host);
  const port = m?.[1] === undefined ? undefined : Number(m[1]);
  if (!m || (port !== undefined && (port < 1 || port > 65535))) {
    throw bad(`"${uri}" has an invalid endpoint "${host}" (expected host or host:port)`);
  }
}

const bad = (message: string): ProvenanceError<AwsKmsErrorCode> => new ProvenanceError('KMS_BAD_URI', message);
