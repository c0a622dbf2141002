import { fail, type VerificationReport } from './check.ts';
import { readImageAttestations, type ImageSourceOptions } from './sources/image.ts';
import { verifyAttestation, type VerifyOptions } from './verify-attestation.ts';

export interface ImageVerification {
  image: { repository: string; digest: string };
  /** One report per stored attestation; one failed `attestation` check when none is stored. */
  reports: VerificationReport[];
  ok: boolean;
}

/**
 * `verify --image` as a function, shared by the CLI and the admission webhook: read every
 * attestation stored for the image (tag resolved to its digest first), verify each against
 * the keys and policy with the image as the required subject. The image passes only when at
 * least one attestation is stored and every one of them passes.
 */
export async function verifyImage(ref: string, source: ImageSourceOptions, opts: Omit<VerifyOptions, 'image'>): Promise<ImageVerification> {
  const found = await readImageAttestations(ref, source);
  const reports =
    found.attestations.length === 0
      ? [{ source: ref, ok: false, checks: [fail('attestation', `no attestation is stored for ${found.image.repository}@${found.image.digest}`)] }]
      : found.attestations.map((a) => verifyAttestation(a.source, a.envelope, { ...opts, image: found.image }, a.evidence));
  return { image: found.image, reports, ok: reports.every((r) => r.ok) };
}
