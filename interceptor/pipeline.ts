import type { Registry } from '../signer/registry.ts';
import { interceptorError } from './errors.ts';
import { checkWebhookBody, type BodyLimits } from './protocol/body.ts';
import type { InterceptorParams } from './protocol/params.ts';
import { triggerNamespace } from './protocol/request.ts';
import type { InterceptorRequest } from './protocol/types.ts';
import { buildEventStatement } from './record/statement.ts';
import type { SecretResolver } from './secrets/resolver.ts';
import type { WebhookSecret } from './secrets/webhook-secret.ts';
import type { EventSigner, SignedEvent } from './signer-client/client.ts';
import { INTERCEPTOR_NAME, INTERCEPTOR_VERSION } from './version.ts';
import { HeaderView } from './webhooks/headers.ts';
import type { Authenticity, WebhookProvider } from './webhooks/provider.ts';

export interface PipelineDeps {
  providers: Registry<WebhookProvider>;
  /** Absent when no cluster and no static secrets: providers needing one then fail clearly. */
  secrets: SecretResolver | undefined;
  signer: EventSigner;
  limits: BodyLimits;
}

/**
 * One event, as short named steps: check body -> filter event type -> resolve secret ->
 * authenticate -> build statement -> sign and store. Any step throws an InterceptorError;
 * nothing reaches the signer (so nothing is stored) unless every check passed.
 */
export async function signEvent(
  req: InterceptorRequest,
  params: InterceptorParams,
  receivedAt: Date,
  deps: PipelineDeps,
  deadline?: number,
): Promise<SignedEvent> {
  const bodyBytes = checkWebhookBody(req.body, deps.limits);
  const provider = deps.providers.get(params.provider);
  const headers = new HeaderView(req.header);
  checkEventType(provider, headers, params);
  const secret = provider.needsSecret ? await resolveSecret(req, params, deps.secrets) : undefined;
  const authenticity: Authenticity = provider.authenticate({ body: bodyBytes, headers, params, secret });
  const statement = buildEventStatement({
    body: req.body,
    bodyBytes,
    ...(req.bodyJson === undefined ? {} : { bodyJson: req.bodyJson }),
    header: req.header,
    context: req.context,
    receivedAt,
    authenticity,
    interceptor: { name: INTERCEPTOR_NAME, version: INTERCEPTOR_VERSION },
  });
  return deps.signer.signEvent(statement, deadline === undefined ? {} : { deadline });
}

function checkEventType(provider: WebhookProvider, headers: HeaderView, params: InterceptorParams): void {
  if (params.eventTypes === undefined || provider.eventTypeHeader === undefined) return;
  const type = headers.first(provider.eventTypeHeader);
  if (type === undefined || !params.eventTypes.includes(type)) {
    throw interceptorError(
      'EVENT_TYPE_NOT_ALLOWED',
      `event type ${type === undefined ? `(no ${provider.eventTypeHeader} header)` : JSON.stringify(type)} is not in eventTypes [${params.eventTypes.join(', ')}]`,
    );
  }
}

async function resolveSecret(
  req: InterceptorRequest,
  params: InterceptorParams,
  secrets: SecretResolver | undefined,
): Promise<WebhookSecret> {
  const ref = params.secretRef;
  if (ref === undefined) throw interceptorError('INVALID_PARAMS', `provider "${params.provider}" needs param "secretRef"`);
  const namespace = triggerNamespace(req.context.trigger_id);
  if (namespace === undefined) {
    throw interceptorError(
      'INVALID_TRIGGER_ID',
      `context.trigger_id ${JSON.stringify(req.context.trigger_id.slice(0, 128))} is not namespaces/<ns>/triggers/<name>: cannot find the secret's namespace`,
    );
  }
  if (secrets === undefined) {
    throw interceptorError('SECRET_NOT_FOUND', 'no secret source configured (no cluster and no static secrets)');
  }
  const value = await secrets.resolve(namespace, ref);
  if (value.length === 0) throw interceptorError('SECRET_KEY_MISSING', `secret ${ref.secretName}/${ref.secretKey} is empty`);
  return value;
}
