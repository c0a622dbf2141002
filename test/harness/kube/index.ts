/**
 * The Kubernetes API test server: what integration tests import. See docs/test-harness.md.
 */
export { startKubeApiServer } from './server.ts';
export type { KubeApiServer, KubeApiServerOptions, ScopedKubeconfig } from './server.ts';
export type { Subject, Identity } from './auth/identities.ts';
export type { Faults, FaultHandle, FailOptions, LatencyOptions, RequestMatch } from './faults.ts';
export type { ObjectAccess } from './objects.ts';
export type { LoggedRequest, RequestLog } from './request-log.ts';
export type { ResourceDef, ResourceInit } from './resources.ts';
export { DEFAULT_RESOURCES } from './resources.ts';
export type { KubeObject, ObjectMeta, StoredObject, ManagedFieldsEntry } from './types.ts';
export type { Status, StatusCause } from './status.ts';
export { ANNOTATIONS_LIMIT_BYTES, SECRET_CONFIGMAP_LIMIT_BYTES } from './validation.ts';
export { PATCH_TYPES } from './patch/index.ts';
