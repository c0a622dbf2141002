/** Codes of the EventListener simulator's ProvenanceErrors (one per way a trigger is dropped). */
export type EventListenerErrorCode =
  | 'EMPTY_CA_BUNDLE' // an https interceptor without caBundle: the real EL fails at start-up
  | 'INTERCEPTOR_NOT_HTTPS' // this simulator calls interceptors over HTTPS only
  | 'INTERCEPTOR_UNREACHABLE' // connection, TLS or timeout failure
  | 'INTERCEPTOR_HTTP_STATUS' // non-200 answer: Triggers drops the trigger
  | 'INTERCEPTOR_BAD_RESPONSE' // 200 but not an InterceptorResponse JSON
  | 'BINDING_UNRESOLVED' // a $(...) expression matched nothing and the param has no default
  | 'DUPLICATE_PARAM'
  | 'TEMPLATE_INVALID_JSON' // raw $(tt.params.x) substitution produced invalid JSON
  | 'RESOLVE_FAILED' // a Trigger/binding/template/ClusterInterceptor cannot be read or resolved
  | 'RESOURCE_CREATE_FAILED'
  | 'UNEXPECTED'; // a bug in the simulator itself (kept on the trigger result, never swallowed)
