import { Registry } from '../registry.ts';
import { keyError } from './errors.ts';
import { LocalSigner, PublicKeyVerifier } from './local.ts';
import type { PasswordSources } from './password.ts';
import { privateKeyFromPem } from './private-key.ts';
import { publicKeysFromPem } from './public-key.ts';
import { kindOf, readKeyFile } from './read-key-file.ts';
import { privateKeyFromSecretDir, publicKeysFromDir } from './secret-dir.ts';
import type { Signer, Verifier } from './signer.ts';
import type { AwsKmsOptions } from './awskms/index.ts';

/** Options every key source may use; each ignores what it does not need. */
export interface KeyLoadOptions extends PasswordSources {
  kms?: AwsKmsOptions;
}

/** One way of holding keys, selected by the ref's URI scheme (a plain path is `file`). */
export interface KeySource {
  signer(ref: string, opts: KeyLoadOptions): Promise<Signer>;
  verifiers(ref: string, opts: KeyLoadOptions): Promise<Verifier[]>;
}

/** Files and directories (PEM, cosign keys, Chains signing-secrets layout). */
export const fileKeySource: KeySource = {
  async signer(ref, opts) {
    const path = ref.replace(/^file:\/\//, '');
    const kind = await kindOf(path);
    if (kind === null) throw keyError('KEY_NOT_FOUND', `key ${path} does not exist`);
    const key =
      kind === 'dir'
        ? await privateKeyFromSecretDir(path, opts)
        : await privateKeyFromPem(await readKeyFile(path), path, opts);
    return new LocalSigner(key);
  },
  async verifiers(ref) {
    const path = ref.replace(/^file:\/\//, '');
    const kind = await kindOf(path);
    if (kind === null) throw keyError('KEY_NOT_FOUND', `key ${path} does not exist`);
    const keys =
      kind === 'dir' ? await publicKeysFromDir(path) : publicKeysFromPem(await readKeyFile(path), path);
    return keys.map((k) => new PublicKeyVerifier(k));
  },
};

/** `awskms://[endpoint]/<key id | arn | alias/name>`, as cosign and Chains spell it. */
// The AWS SDK is loaded only when a KMS key is used: it costs ~300 ms of CLI start-up.
export const awsKmsKeySource: KeySource = {
  signer: async (ref, opts) => (await import('./awskms/index.ts')).loadAwsKmsSigner(ref, opts.kms),
  verifiers: async (ref, opts) => [await (await import('./awskms/index.ts')).loadAwsKmsVerifier(ref, opts.kms)],
};

export const KEY_SOURCES = new Registry<KeySource>('key source')
  .register('file', fileKeySource)
  .register('awskms', awsKmsKeySource);

/** The registry name for a ref: its URI scheme, or `file` for a plain path. */
export function sourceNameOf(ref: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(ref);
  return m ? (m[1] as string).toLowerCase() : 'file';
}

function sourceFor(ref: string): KeySource {
  const name = sourceNameOf(ref);
  if (!KEY_SOURCES.has(name)) {
    throw keyError(
      'UNKNOWN_KEY_SOURCE',
      `key source "${name}://" is not supported (known: ${KEY_SOURCES.names().join(', ')})`,
    );
  }
  return KEY_SOURCES.get(name);
}

/** The signer a ref names: a key file, a cosign key, a Chains secret dir, or a KMS URI. */
export async function loadSigner(ref: string, opts: KeyLoadOptions = {}): Promise<Signer> {
  return sourceFor(ref).signer(ref, opts);
}

/** Trusted keys from one or more refs (files, directories, KMS URIs), one per keyid. */
export async function loadVerifiers(
  refs: string | readonly string[],
  opts: KeyLoadOptions = {},
): Promise<Verifier[]> {
  const all = await Promise.all(
    (typeof refs === 'string' ? [refs] : refs).map((r) => sourceFor(r).verifiers(r, opts)),
  );
  const byKeyid = new Map<string, Verifier>();
  for (const v of all.flat()) if (!byKeyid.has(v.keyid)) byKeyid.set(v.keyid, v);
  return [...byKeyid.values()];
}
