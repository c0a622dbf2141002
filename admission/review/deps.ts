import type { CredentialMap } from '../../signer/storage/oci/credentials.ts';
import type { NamespaceLabels } from '../kube/namespaces.ts';
import type { PolicySource } from '../policy/source.ts';
import type { Verdicts } from '../verdict/verdicts.ts';
import type { PodTemplate } from '../workload/pod-specs.ts';
import type { DigestResolver } from '../workload/resolve-digest.ts';

/** Registry credentials for a pod (its pull secrets and its ServiceAccount's): kube/pull-credentials.ts. */
export interface CredentialSource {
  forPod(namespace: string, pod: PodTemplate): Promise<CredentialMap | undefined>;
}

/** What judging a review needs; built once by the server (or the dry run). */
export interface ReviewDeps {
  ownNamespace: string;
  namespaces: NamespaceLabels;
  policies: PolicySource;
  verdicts: Verdicts;
  /** Pull secrets of the pod and its ServiceAccount; absent without a cluster. */
  credentials: CredentialSource | undefined;
  digests: DigestResolver;
  /** An image no policy governs: denied (default) or admitted. */
  noPolicyMatch: 'deny' | 'allow';
  /**
   * In a cluster the mutating webhook pins every image before validation, so an unpinned one
   * is denied (NOT_PINNED). The dry run resolves tags itself (what the mutation would do).
   */
  resolveTags: boolean;
}
