import { UNVERIFIED, type Authenticity } from '../signer/authenticity/claim.ts';
import type { AuthenticityProof } from '../signer/authenticity/proof.ts';
import { SIGNER_CHECKER } from '../signer/authenticity/providers/index.ts';
import { isProvenanceError } from '../signer/errors.ts';
import type { Registry } from '../signer/registry.ts';
import { interceptorError } from './errors.ts';
import { checkWebhookBody, type BodyLimits } from './protocol/body.ts';
import type { InterceptorParams } from './protocol/params.ts';
import { triggerNamespace } from './protocol/request.ts';
import type { InterceptorRequest } from './protocol/types.ts';
import { buildEventStatement } from './record/statement.ts';
import type { EventSigner, SignedEvent } from './signer-client/client.ts';
import { INTERCEPTOR_NAME, INTERCEPTOR_VERSION } from './version.ts';
import { HeaderView } from './webhooks/headers.ts';
import type { WebhookProvider } from './webhooks/provider.ts';

export interface PipelineDeps {
  providers: Registry<WebhookProvider>;
  signer: EventSigner;
  limits: BodyLimits;
}

/** About the call, not the event: when it must be answered and who sent it. */
export interface CallContext {
  /** When the request must be answered (ms since the epoch): the signer call ends by then. */
  deadline?: number | undefined;
  /** The peer address: keys the signer's limit on failed authenticity checks. */
  source?: string | undefined;
}

/**
 * One event, as short named steps: check body -> filter event type -> gather the
 * authenticity proof -> build statement -> have the SIGNER check authenticity, sign and
 * store. The interceptor holds no webhook secret: the signer resolves it and checks the HMAC
 * or token itself, and signs only the authenticity words it established (docs/security.md).
 */
export async function signEvent(
  req: InterceptorRequest,
  params: InterceptorParams,
  receivedAt: Date,
  deps: PipelineDeps,
  call: CallContext = {},
): Promise<SignedEvent> {
  const bodyBytes = checkWebhookBody(req.body, deps.limits);
  const provider = deps.providers.get(params.provider);
  const headers = new HeaderView(req.header);
  checkEventType(provider, headers, params);
  const proof = provider.check === undefined ? undefined : proofOf(provider, req, params, headers, call.source ?? '');
  const statement = buildEventStatement({
    body: req.body,
    bodyBytes,
    ...(req.bodyJson === undefined ? {} : { bodyJson: req.bodyJson }),
    header: req.header,
    context: req.context,
    receivedAt,
    authenticity: proof === undefined ? UNVERIFIED : predicted(provider, headers, params),
    interceptor: { name: INTERCEPTOR_NAME, version: INTERCEPTOR_VERSION },
  });
  return deps.signer.signEvent(statement, { proof, deadline: call.deadline });
}

function checkEventType(provider: WebhookProvider, headers: HeaderView, params: InterceptorParams): void {
  if (params.eventTypes === undefined || provider.eventTypeHeader === undefined) return;
  const type = headers.first(provider.eventTypeHeader);
  if (type === undefined || !params.eventTypes.includes(type)) {
    throw interceptorError(
      'EVENT_TYPE_NOT_ALLOWED',
      `event type ${type === undefined ? `(no ${provider.eventTypeHeader} header)` : JSON.stringify(type.slice(0, 64))} is not in eventTypes [${params.eventTypes.join(', ')}]`,
    );
  }
}

/** What the signer needs to check the webhook: provider, secretRef, the raw authenticity headers. */
function proofOf(
  provider: WebhookProvider,
  req: InterceptorRequest,
  params: InterceptorParams,
  headers: HeaderView,
  source: string,
): AuthenticityProof {
  const ref = params.secretRef;
  if (ref === undefined) throw interceptorError('INVALID_PARAMS', `provider "${params.provider}" needs param "secretRef"`);
  if (triggerNamespace(req.context.trigger_id) === undefined) {
    throw interceptorError(
      'INVALID_TRIGGER_ID',
      `context.trigger_id ${JSON.stringify(req.context.trigger_id.slice(0, 128))} is not namespaces/<ns>/triggers/<name>: cannot find the secret's namespace`,
    );
  }
  const forwarded: Record<string, string> = {};
  for (const name of provider.check?.headers ?? []) {
    const value = headers.first(name);
    if (value !== undefined) forwarded[name] = value;
  }
  return {
    provider: params.provider as AuthenticityProof['provider'],
    secretRef: ref,
    allowSha1: params.allowSha1,
    headers: forwarded,
    source: source.slice(0, 64),
  };
}

/**
 * The authenticity block the signer will establish if the check passes: the same pure
 * `method` function the signer runs. A header that is absent fails here already (no secret
 * is needed to see that); every other failure is the signer's to find.
 */
function predicted(provider: WebhookProvider, headers: HeaderView, params: InterceptorParams): Authenticity {
  try {
    const method = provider.check!.method(headers, params.allowSha1);
    return { provider: provider.name, verified: true, method, checkedBy: SIGNER_CHECKER };
  } catch (err) {
    if (isProvenanceError(err, 'MISSING_SIGNATURE')) throw interceptorError('MISSING_SIGNATURE', err.message);
    throw err;
  }
}
