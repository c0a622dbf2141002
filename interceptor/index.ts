/**
 * The event-signing ClusterInterceptor (docs/interceptor.md): authenticate a webhook, have
 * the sidecar signer sign and store its record, answer the EventListener with the digest and
 * signature.
 */
export { startInterceptor, type RunningInterceptor } from './server.ts';
export { createInterceptorApp, MAX_REQUEST_BYTES, type InterceptorAppDeps } from './app.ts';
export type { InterceptorOptions, InterceptorTlsOptions, InterceptorKubeOptions } from './options.ts';
export { SIGNER_SOCKET_ENV, DEFAULT_PORT } from './options.ts';
export { UdsEventSigner, DEFAULT_SIGNER_SOCKET, type EventSigner } from './signer-client/client.ts';
export { jsonLogger, memoryLogger, type Logger } from './observe/logger.ts';
export { InterceptorMetrics } from './observe/metrics.ts';
export { buildEventStatement, eventSubjectName } from './record/statement.ts';
export type { InterceptorErrorCode } from './errors.ts';
