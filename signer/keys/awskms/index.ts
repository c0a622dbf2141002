import { ProvenanceError } from '../../errors.ts';
import type { Signer, Verifier } from '../signer.ts';

/** Options for the AWS KMS key source (region and credentials come from the SDK's chain). */
export interface AwsKmsOptions {
  region?: string;
}

// Placeholder until the KMS key source lands; the signature is the contract.
export async function loadAwsKmsSigner(uri: string, _opts: AwsKmsOptions = {}): Promise<Signer> {
  throw new ProvenanceError('UNSUPPORTED_KEY', `AWS KMS key source not built yet (${uri})`);
}

export async function loadAwsKmsVerifier(uri: string, _opts: AwsKmsOptions = {}): Promise<Verifier> {
  throw new ProvenanceError('UNSUPPORTED_KEY', `AWS KMS key source not built yet (${uri})`);
}
