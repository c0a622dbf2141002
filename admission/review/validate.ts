import { isProvenanceError } from '../../signer/errors.ts';
import type { CredentialMap } from '../../signer/storage/oci/credentials.ts';
import type { AdmissionMetrics } from '../observe/metrics.ts';
import { matchesAny } from '../policy/glob.ts';
import { selectorMatches } from '../policy/selector.ts';
import type { AdmissionPolicy } from '../policy/types.ts';
import type { AdmissionRequest } from '../protocol/review.ts';
import { errorVerdict } from '../verdict/verdict.ts';
import { parseImageRef, type ImageRef } from '../workload/image-ref.ts';
import { podTemplateOf } from '../workload/pod-specs.ts';
import type { ReviewDeps } from './deps.ts';
import { outcomeOf, skipped, type Finding, type ReviewOutcome } from './outcome.ts';
import { scopeOf } from './scope.ts';

/**
 * The validating webhook: every image of the pod template, under every policy that governs
 * it, must pass the whole-chain verification of `tkn-provenance verify --image`. Images are
 * judged in parallel; each (image, policy) verdict comes from the shared cache or one
 * verification, and never later than `deadline`.
 */
export async function validateReview(req: AdmissionRequest, deps: ReviewDeps, metrics: AdmissionMetrics, deadline: number): Promise<ReviewOutcome> {
  const scope = await scopeOf(req, deps.ownNamespace, deps.namespaces);
  if (!scope.check) return skipped(scope.why);
  const pod = req.object ? podTemplateOf(req.kind.kind, req.object) : undefined;
  if (!pod || pod.slots.length === 0) return skipped(`${req.kind.kind} runs no containers`);
  const credentials = deps.credentials ? await deps.credentials.forPod(scope.namespace, pod) : undefined;
  const images = [...new Set(pod.slots.map((s) => s.image))];
  const findings = await Promise.all(images.map((image) => judgeImage(image, scope.labels, credentials, deps, metrics, deadline)));
  return outcomeOf(findings.flat());
}

async function judgeImage(
  written: string, nsLabels: Record<string, string>, credentials: CredentialMap | undefined,
  deps: ReviewDeps, metrics: AdmissionMetrics, deadline: number,
): Promise<Finding[]> {
  let ref: ImageRef;
  try {
    ref = parseImageRef(written);
  } catch (err) {
    return [refused(written, 'BAD_IMAGE_REFERENCE', 'image', (err as Error).message, metrics)];
  }
  const policies = deps.policies.policies().filter((p) => governs(p, ref, nsLabels));
  if (policies.length === 0) {
    if (deps.noPolicyMatch === 'allow') return [];
    return [refused(written, 'NO_POLICY', 'policy', 'no VerificationPolicy governs this image (spec.images and spec.namespaceSelector)', metrics)];
  }
  let digest = ref.digest;
  if (!digest) {
    if (!deps.resolveTags) return [refused(written, 'NOT_PINNED', 'image', 'not pinned by digest (the mutating webhook pins every image; is it installed?)', metrics)];
    try {
      digest = await deps.digests.resolve(ref, credentials);
    } catch (err) {
      const code = isProvenanceError(err) ? err.code : 'INTERNAL';
      return [refused(written, code, 'registry', (err as Error).message, metrics)];
    }
  }
  const findings: Finding[] = [];
  await Promise.all(policies.map(async (policy) => {
    if (policy.invalid) {
      findings.push({ image: written, policy: policy.name, mode: 'enforce', verdict: errorVerdict('POLICY_INVALID', 'policy', policy.invalid) });
      metrics.images.inc({ verdict: 'denied', reason: 'POLICY_INVALID', source: 'error' });
      return;
    }
    const { verdict, source } = await deps.verdicts.verdict({ canonical: ref.canonical, digest }, policy, credentials, deadline);
    metrics.images.inc({ verdict: verdict.ok ? 'admitted' : policy.mode === 'warn' ? 'warned' : 'denied', reason: verdict.reason, source });
    if (!verdict.ok) findings.push({ image: ref.digest ? written : `${written}@${digest}`, policy: policy.name, mode: policy.mode, verdict });
  }));
  return findings;
}

/** A policy governs an image when a glob matches it (as written, by name, or canonical) and its namespace selector matches. */
export function governs(policy: AdmissionPolicy, ref: ImageRef, nsLabels: Record<string, string>): boolean {
  return matchesAny(policy.images, [ref.written, ref.name, ref.canonical]) && selectorMatches(policy.namespaceSelector, nsLabels);
}

function refused(image: string, code: string, check: string, message: string, metrics: AdmissionMetrics): Finding {
  metrics.images.inc({ verdict: 'denied', reason: code, source: 'error' });
  return { image, policy: '-', mode: 'enforce', verdict: errorVerdict(code, check, message) };
}
