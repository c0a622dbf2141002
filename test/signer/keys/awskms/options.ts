import type { AwsKmsOptions } from '../../../../signer/keys/awskms/index.ts';
import { STAND_IN_CREDENTIALS, type KmsStandIn } from '../../../harness/kms/server.ts';

/**
 * Client options for talking to the stand-in: its region, static test credentials (so the
 * SDK never reads the environment's real AWS credentials) and plain HTTP to 127.0.0.1.
 */
export function standInOptions(standIn: KmsStandIn, extra: AwsKmsOptions = {}): AwsKmsOptions {
  return {
    region: standIn.region,
    credentials: { ...STAND_IN_CREDENTIALS },
    endpointProtocol: 'http',
    ...extra,
  };
}
