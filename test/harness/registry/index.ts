// OCI registry fixture: a real docker-registry per suite. See docs/test-harness.md.
export { startRegistry } from './registry.ts';
export type { RegistryOptions, TestRegistry } from './registry.ts';
export { bcryptHash, htpasswdLine } from './htpasswd.ts';
export type { RegistryErrorCode } from './errors.ts';
export { pushBlob, pushManifest, getManifest, getBlob } from './client.ts';
export type { RegistryClientOptions, PushedManifest } from './client.ts';
