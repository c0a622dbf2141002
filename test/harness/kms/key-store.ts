import { constants, createHash, generateKeyPairSync, privateEncrypt, randomUUID, type KeyObject } from 'node:crypto';
import { signDigestEcdsa } from './ecdsa-prehashed.ts';

/** The keys the KMS stand-in holds: real node:crypto key pairs with KMS metadata. */

export type StandInKeySpec = 'ECC_NIST_P256' | 'ECC_NIST_P384' | 'RSA_2048' | 'RSA_3072';
export type StandInKeyUsage = 'SIGN_VERIFY' | 'ENCRYPT_DECRYPT';

export interface StandInKey {
  keyId: string; // uuid
  arn: string;
  aliases: string[]; // 'alias/name'
  keySpec: StandInKeySpec;
  keyUsage: StandInKeyUsage;
  enabled: boolean;
  createdAt: Date;
  privateKey: KeyObject;
  publicKey: KeyObject;
  signingAlgorithms: string[];
}

export interface NewKeyOptions {
  keySpec?: StandInKeySpec;
  keyUsage?: StandInKeyUsage;
  alias?: string; // without or with the 'alias/' prefix
  enabled?: boolean;
}

/** What Sign answers with, or the AWS error it fails with. */
export type KmsResult<T> = { ok: true; value: T } | { ok: false; status: number; type: string; message: string };

const DIGEST_OF: Record<string, { hash: string; bytes: number }> = {
  ECDSA_SHA_256: { hash: 'sha256', bytes: 32 },
  ECDSA_SHA_384: { hash: 'sha384', bytes: 48 },
  RSASSA_PKCS1_V1_5_SHA_256: { hash: 'sha256', bytes: 32 },
};

// DER DigestInfo prefix for SHA-256 (RFC 8017 section 9.2 note 1): RSA PKCS#1 v1.5 over a digest.
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const RAW_MESSAGE_LIMIT = 4096; // AWS KMS refuses larger RAW messages

export class StandInKeyStore {
  readonly #keys = new Map<string, StandInKey>();
  readonly #region: string;
  readonly #account: string;

  constructor(region: string, account: string) {
    this.#region = region;
    this.#account = account;
  }

  create(opts: NewKeyOptions = {}): StandInKey {
    const keySpec = opts.keySpec ?? 'ECC_NIST_P256';
    const keyUsage = opts.keyUsage ?? 'SIGN_VERIFY';
    const pair = keySpec.startsWith('RSA')
      ? generateKeyPairSync('rsa', { modulusLength: Number(keySpec.slice(4)) })
      : generateKeyPairSync('ec', { namedCurve: keySpec === 'ECC_NIST_P384' ? 'P-384' : 'P-256' });
    const keyId = randomUUID();
    const key: StandInKey = {
      keyId,
      arn: `arn:aws:kms:${this.#region}:${this.#account}:key/${keyId}`,
      aliases: opts.alias ? [opts.alias.startsWith('alias/') ? opts.alias : `alias/${opts.alias}`] : [],
      keySpec,
      keyUsage,
      enabled: opts.enabled ?? true,
      createdAt: new Date(),
      privateKey: pair.privateKey,
      publicKey: pair.publicKey,
      signingAlgorithms: keyUsage !== 'SIGN_VERIFY' ? [] : signingAlgorithmsFor(keySpec),
    };
    this.#keys.set(keyId, key);
    return key;
  }

  /** Points an alias at another key (UpdateAlias), as operators do when rotating keys. */
  moveAlias(alias: string, to: StandInKey): void {
    for (const key of this.#keys.values()) key.aliases = key.aliases.filter((a) => a !== alias);
    to.aliases.push(alias);
  }

  /** Resolves a KeyId parameter the way KMS does: key id, key ARN, alias name or alias ARN. */
  resolve(ref: string): KmsResult<StandInKey> {
    const aliasArn = `arn:aws:kms:${this.#region}:${this.#account}:alias/`;
    const alias = ref.startsWith('alias/') ? ref : ref.startsWith(aliasArn) ? `alias/${ref.slice(aliasArn.length)}` : undefined;
    for (const key of this.#keys.values()) {
      if (alias !== undefined ? key.aliases.includes(alias) : key.keyId === ref || key.arn === ref) {
        if (!key.enabled) return err(400, 'DisabledException', `${key.arn} is disabled.`);
        return { ok: true, value: key };
      }
    }
    if (alias !== undefined) return err(400, 'NotFoundException', `Alias ${aliasArn}${alias.slice(6)} is not found.`);
    return err(400, 'NotFoundException', `Key '${ref.startsWith('arn:') ? ref : `arn:aws:kms:${this.#region}:${this.#account}:key/${ref}`}' does not exist`);
  }

  /** KMS Sign semantics: usage and algorithm checks, DIGEST length check, RAW 4096-byte cap. */
  sign(key: StandInKey, message: Buffer, messageType: string, algorithm: string): KmsResult<Buffer> {
    if (key.keyUsage !== 'SIGN_VERIFY') {
      return err(400, 'InvalidKeyUsageException', `${key.arn} key usage is ${key.keyUsage} which is not valid for Sign.`);
    }
    if (!key.signingAlgorithms.includes(algorithm)) {
      return err(400, 'InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`);
    }
    const digestSpec = DIGEST_OF[algorithm];
    if (!digestSpec) return err(400, 'ValidationException', `the KMS stand-in does not implement ${algorithm}`);
    let digest: Buffer;
    if (messageType === 'DIGEST') {
      if (message.length !== digestSpec.bytes) {
        return err(400, 'ValidationException', `Digest is invalid length for algorithm ${algorithm}.`);
      }
      digest = message;
    } else if (messageType === 'RAW') {
      if (message.length > RAW_MESSAGE_LIMIT) {
        return err(400, 'ValidationException', `1 validation error detected: Value at 'message' failed to satisfy constraint: Member must have length less than or equal to ${RAW_MESSAGE_LIMIT}`);
      }
      digest = createHash(digestSpec.hash).update(message).digest();
    } else {
      return err(400, 'ValidationException', `MessageType ${messageType} is not RAW or DIGEST`);
    }
    if (algorithm.startsWith('RSASSA_PKCS1')) {
      const block = Buffer.concat([SHA256_DIGEST_INFO, digest]);
      return { ok: true, value: privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, block) };
    }
    return { ok: true, value: signDigestEcdsa(key.privateKey, digest) };
  }
}

function signingAlgorithmsFor(spec: StandInKeySpec): string[] {
  if (spec === 'ECC_NIST_P256') return ['ECDSA_SHA_256'];
  if (spec === 'ECC_NIST_P384') return ['ECDSA_SHA_384'];
  // AWS lists PKCS#1 v1.5 and PSS at three hash sizes, in this order; the stand-in implements
  // only PKCS#1 v1.5 SHA-256 (what we sign with) and refuses the others in sign().
  return ['SHA_256', 'SHA_384', 'SHA_512'].flatMap((h) => [`RSASSA_PKCS1_V1_5_${h}`]).concat(
    ['SHA_256', 'SHA_384', 'SHA_512'].map((h) => `RSASSA_PSS_${h}`),
  );
}

const err = (status: number, type: string, message: string): KmsResult<never> => ({ ok: false, status, type, message });
