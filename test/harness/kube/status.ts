/**
 * Errors as the real apiserver reports them: a `Status` object (kind Status, apiVersion v1,
 * status Failure, reason, code, message, details). Thrown by the verbs, serialised by the handler.
 */

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
  type?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class KubeApiError extends Error {
  readonly status: Status;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'KubeApiError';
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      code,
    };
    if (details !== undefined) this.status.details = details;
  }

  get code(): number {
    return this.status.code;
  }
}

/** `secrets "x"` or `pipelineruns.tekton.dev "x"`: how the apiserver names a resource in messages. */
export function qualifiedName(resource: string, group: string, name: string): string {
  return `${group === '' ? resource : `${resource}.${group}`} "${name}"`;
}

export function notFound(resource: string, group: string, name: string): KubeApiError {
  return new KubeApiError(404, 'NotFound', `${qualifiedName(resource, group, name)} not found`, {
    name,
    group,
    kind: resource,
  });
}

export function alreadyExists(resource: string, group: string, name: string): KubeApiError {
  return new KubeApiError(409, 'AlreadyExists', `${qualifiedName(resource, group, name)} already exists`, {
    name,
    group,
    kind: resource,
  });
}

/** The message client-go's retry.RetryOnConflict and controllers key on. */
export function conflict(resource: string, group: string, name: string): KubeApiError {
  return new KubeApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(resource, group, name)}: ` +
      'the object has been modified; please apply your changes to the latest version and try again',
    { name, group, kind: resource },
  );
}

/** 422 Invalid with field causes, worded like apimachinery's field.ErrorList. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): KubeApiError {
  const list = causes.map((c) => `${c.field}: ${c.message}`);
  const joined = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new KubeApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${joined}`, {
    name,
    group,
    kind,
    causes,
  });
}

export function badRequest(message: string): KubeApiError {
  return new KubeApiError(400, 'BadRequest', message);
}

export function expired(message: string): KubeApiError {
  return new KubeApiError(410, 'Expired', message);
}

export function methodNotAllowed(message: string): KubeApiError {
  return new KubeApiError(405, 'MethodNotAllowed', message);
}

export function unsupportedMediaType(contentType: string): KubeApiError {
  return new KubeApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType || 'none'})`,
  );
}

/** Reason names the apiserver uses for the codes fault injection produces. */
export function reasonForCode(code: number): string {
  if (code === 429) return 'TooManyRequests';
  if (code === 503) return 'ServiceUnavailable';
  if (code === 504) return 'Timeout';
  if (code === 409) return 'Conflict';
  return 'InternalError';
}
