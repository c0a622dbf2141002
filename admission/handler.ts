import { isProvenanceError } from '../signer/errors.ts';
import type { Logger } from '../signer/server/logger.ts';
import { admissionError, isUnusableReview, type AdmissionError } from './errors.ts';
import type { EventRecorder } from './kube/event-recorder.ts';
import type { AdmissionMetrics } from './observe/metrics.ts';
import { parseAdmissionReview, reviewBody, uidOf, type AdmissionRequest, type AdmissionResponse } from './protocol/review.ts';
import type { ReviewDeps } from './review/deps.ts';
import { mutateReview } from './review/mutate.ts';
import { describeFinding, type ReviewOutcome } from './review/outcome.ts';
import { validateReview } from './review/validate.ts';

export type Webhook = 'mutate' | 'validate';

export interface HandlerDeps extends ReviewDeps {
  metrics: AdmissionMetrics;
  logger: Logger;
  events: EventRecorder;
  /** The webhook's timeoutSeconds: every review is answered before it (default 10 s). */
  timeoutMs: number;
}

export interface HandlerResult {
  status: 200 | 400;
  body: ReturnType<typeof reviewBody> | { error: { code: string; message: string } };
}

/** Answer this much before the API server gives up on us, so a slow registry is our denial, not its timeout. */
const ANSWER_MARGIN = 0.1;
const MAX_WARNINGS = 20;
const MAX_WARNING_CHARS = 512;

/** One AdmissionReview in, one answer out; never throws. */
export async function handleAdmissionReview(raw: Buffer, webhook: Webhook, deps: HandlerDeps): Promise<HandlerResult> {
  const started = process.hrtime.bigint();
  let req: AdmissionRequest | undefined;
  let outcome: ReviewOutcome;
  let error: AdmissionError | undefined;
  try {
    req = parseAdmissionReview(raw);
    const deadline = Date.now() + deps.timeoutMs * (1 - ANSWER_MARGIN);
    outcome = webhook === 'mutate' ? await mutateReview(req, deps, deadline) : await validateReview(req, deps, deps.metrics, deadline);
  } catch (caught) {
    error = asAdmissionError(caught, deps.logger);
    outcome = { allowed: false, findings: [], reason: error.code };
  }
  const verdict = error && isUnusableReview(error.code) ? 'error' : !outcome.allowed ? 'denied' : outcome.findings.length > 0 ? 'warned' : 'admitted';
  if (verdict !== 'admitted') report(webhook, verdict, outcome, error, req, deps);
  deps.metrics.reviews.inc({ webhook, verdict, reason: outcome.reason });
  deps.metrics.duration.observe({ webhook, verdict }, Number(process.hrtime.bigint() - started) / 1e9);
  return answer(raw, req, outcome, error);
}

function answer(raw: Buffer, req: AdmissionRequest | undefined, outcome: ReviewOutcome, error: AdmissionError | undefined): HandlerResult {
  if (error && isUnusableReview(error.code)) return { status: 400, body: { error: { code: error.code, message: error.message } } };
  const response: AdmissionResponse = { uid: req?.uid ?? uidOf(raw), allowed: outcome.allowed };
  if (!outcome.allowed) {
    const lines = error ? [`${error.code}: ${error.message}`] : outcome.findings.filter((f) => f.mode === 'enforce').map(describeFinding);
    response.status = { code: 403, reason: 'Forbidden', message: `tekton-provenance: ${lines.join('\n')}` };
  }
  const warnings = outcome.findings.filter((f) => f.mode === 'warn').map((f) => `tekton-provenance (warn): ${describeFinding(f)}`);
  if (warnings.length > 0) response.warnings = warnings.slice(0, MAX_WARNINGS).map((w) => (w.length > MAX_WARNING_CHARS ? `${w.slice(0, MAX_WARNING_CHARS - 1)}…` : w));
  if (outcome.allowed && outcome.patch) {
    response.patchType = 'JSONPatch';
    response.patch = Buffer.from(JSON.stringify(outcome.patch)).toString('base64');
  }
  return { status: 200, body: reviewBody(response) };
}

/** Every refusal and warning: one log line, one Kubernetes Event on the workload (the metric is counted by the caller). */
function report(webhook: Webhook, verdict: string, outcome: ReviewOutcome, error: AdmissionError | undefined, req: AdmissionRequest | undefined, deps: HandlerDeps): void {
  const meta = req?.object?.metadata;
  const name = meta?.name ?? meta?.generateName ?? req?.name ?? '';
  const namespace = req?.namespace ?? meta?.namespace ?? '';
  const message = error ? `${error.code}: ${error.message}` : outcome.findings.map(describeFinding).join('\n');
  deps.logger.info(verdict === 'warned' ? 'admitted with warnings' : verdict === 'error' ? 'review rejected' : 'denied', {
    webhook, uid: req?.uid, kind: req?.kind.kind, namespace, name, reason: outcome.reason, message: message.slice(0, 2000),
  });
  if (req?.dryRun || namespace === '' || !req?.object) return;
  deps.events.record({
    namespace,
    apiVersion: req.object.apiVersion ?? `${req.kind.group ? `${req.kind.group}/` : ''}${req.kind.version}`,
    kind: req.kind.kind,
    name,
    type: 'Warning',
    reason: verdict === 'warned' ? 'ImageVerificationWarning' : 'ImageNotVerified',
    message,
  });
}

function asAdmissionError(err: unknown, logger: Logger): AdmissionError {
  if (isProvenanceError(err)) return err as AdmissionError;
  logger.error('unexpected error while reviewing', { error: String((err as Error)?.message ?? err) });
  return admissionError('INTERNAL', 'unexpected error in the admission webhook (see its log)', err);
}
