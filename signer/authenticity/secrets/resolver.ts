import type { SecretRef } from '../proof.ts';
import type { WebhookSecret } from './webhook-secret.ts';

/**
 * Where webhook secrets come from: the Kubernetes API in a cluster, a static map or mounted
 * directory in no-cluster mode. `resolve` throws an InterceptorError SECRET_NOT_FOUND,
 * SECRET_KEY_MISSING or SECRET_LOOKUP_FAILED; it never puts the value in a message.
 */
export interface SecretResolver {
  resolve(namespace: string, ref: SecretRef): Promise<WebhookSecret>;
}
