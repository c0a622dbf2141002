import { isProvenanceError } from '../../signer/errors.ts';
import { admissionError } from '../errors.ts';
import type { AdmissionRequest, JsonPatchOp } from '../protocol/review.ts';
import { errorVerdict } from '../verdict/verdict.ts';
import { parseImageRef, pinnedRef } from '../workload/image-ref.ts';
import { podTemplateOf } from '../workload/pod-specs.ts';
import type { ReviewDeps } from './deps.ts';
import { outcomeOf, skipped, type Finding, type ReviewOutcome } from './outcome.ts';
import { scopeOf } from './scope.ts';

/**
 * The mutating webhook: every image reference without a digest is resolved (with the pod's
 * pull credentials) and rewritten to `name:tag@sha256:...`, so the kubelet pulls exactly what
 * the validating webhook verifies, whatever the tag points at later. An image that cannot be
 * resolved denies the request: we cannot promise what would run.
 */
export async function mutateReview(req: AdmissionRequest, deps: ReviewDeps, deadline: number): Promise<ReviewOutcome> {
  const scope = await scopeOf(req, deps.ownNamespace, deps.namespaces);
  if (!scope.check) return skipped(scope.why);
  const pod = req.object ? podTemplateOf(req.kind.kind, req.object) : undefined;
  if (!pod || pod.slots.length === 0) return skipped(`${req.kind.kind} runs no containers`);
  const unpinned = pod.slots.filter((s) => !s.image.includes('@'));
  if (unpinned.length === 0) return outcomeOf([]);
  const credentials = deps.credentials ? await deps.credentials.forPod(scope.namespace, pod) : undefined;
  const resolved = new Map<string, Promise<string>>();
  const patch: JsonPatchOp[] = [];
  const findings: Finding[] = [];
  await Promise.all(unpinned.map(async (slot) => {
    try {
      const ref = parseImageRef(slot.image);
      let digest = resolved.get(slot.image);
      if (!digest) resolved.set(slot.image, (digest = beforeDeadline(deps.digests.resolve(ref, credentials), deadline, slot.image)));
      patch.push({ op: 'replace', path: slot.path, value: pinnedRef(ref, await digest) });
    } catch (err) {
      const code = isProvenanceError(err) ? err.code : 'INTERNAL';
      if (!findings.some((f) => f.image === slot.image)) {
        findings.push({ image: slot.image, policy: '-', mode: 'enforce', verdict: errorVerdict(code, 'pin', (err as Error).message) });
      }
    }
  }));
  patch.sort((a, b) => a.path.localeCompare(b.path));
  return outcomeOf(findings, findings.length > 0 ? undefined : patch);
}

/** The registry lookup, or VERIFICATION_TIMEOUT at the deadline (the lookup's own timeouts may add up past it). */
function beforeDeadline(p: Promise<string>, deadline: number, image: string): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(admissionError('VERIFICATION_TIMEOUT', `resolving ${image} to a digest did not finish in time (registry slow or unreachable)`)), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
