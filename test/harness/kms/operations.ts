import type { StandInKey, StandInKeyStore } from './key-store.ts';

/** The KMS operations the stand-in serves, as AWS JSON 1.1 request -> answer. */

export interface KmsAnswer {
  status: number;
  body: Record<string, unknown>;
}

type Input = Record<string, unknown>;

const OPERATIONS: Record<string, (keys: StandInKeyStore, input: Input) => KmsAnswer> = {
  GetPublicKey: (keys, input) =>
    withKey(keys, input, (key) => {
      const usage = key.keyUsage === 'SIGN_VERIFY'
        ? { SigningAlgorithms: key.signingAlgorithms }
        : { EncryptionAlgorithms: ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] };
      return ok({
        KeyId: key.arn,
        PublicKey: key.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        KeySpec: key.keySpec,
        CustomerMasterKeySpec: key.keySpec,
        KeyUsage: key.keyUsage,
        ...usage,
      });
    }),

  DescribeKey: (keys, input) =>
    withKey(keys, input, (key) =>
      ok({
        KeyMetadata: {
          AWSAccountId: key.arn.split(':')[4],
          KeyId: key.keyId,
          Arn: key.arn,
          CreationDate: key.createdAt.getTime() / 1000,
          Enabled: key.enabled,
          KeyState: key.enabled ? 'Enabled' : 'Disabled',
          KeyUsage: key.keyUsage,
          KeySpec: key.keySpec,
          CustomerMasterKeySpec: key.keySpec,
          KeyManager: 'CUSTOMER',
          Origin: 'AWS_KMS',
          MultiRegion: false,
          ...(key.keyUsage === 'SIGN_VERIFY' ? { SigningAlgorithms: key.signingAlgorithms } : {}),
        },
      }),
    ),

  Sign: (keys, input) =>
    withKey(keys, input, (key) => {
      const { Message, MessageType = 'RAW', SigningAlgorithm } = input;
      if (typeof Message !== 'string' || typeof SigningAlgorithm !== 'string' || typeof MessageType !== 'string') {
        return validation('Message and SigningAlgorithm are required');
      }
      const message = Buffer.from(Message, 'base64');
      if (message.length === 0) return validation("Value at 'message' failed to satisfy constraint: Member must have length greater than or equal to 1");
      const signed = keys.sign(key, message, MessageType, SigningAlgorithm);
      if (!signed.ok) return { status: signed.status, body: { __type: signed.type, message: signed.message } };
      return ok({ KeyId: key.arn, Signature: signed.value.toString('base64'), SigningAlgorithm });
    }),
};

export function handleKmsOperation(keys: StandInKeyStore, target: string, input: unknown): KmsAnswer {
  const operation = OPERATIONS[target];
  if (!operation) return { status: 400, body: { __type: 'UnknownOperationException', message: `the KMS stand-in does not serve ${target || 'a missing X-Amz-Target'}` } };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return validation('request body must be a JSON object');
  return operation(keys, input as Input);
}

function withKey(keys: StandInKeyStore, input: Input, then: (key: StandInKey) => KmsAnswer): KmsAnswer {
  if (typeof input.KeyId !== 'string' || input.KeyId.length === 0) return validation('KeyId is required');
  const found = keys.resolve(input.KeyId);
  if (!found.ok) return { status: found.status, body: { __type: found.type, message: found.message } };
  return then(found.value);
}

const ok = (body: Record<string, unknown>): KmsAnswer => ({ status: 200, body });
const validation = (message: string): KmsAnswer => ({ status: 400, body: { __type: 'ValidationException', message } });
