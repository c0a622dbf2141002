import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';

export interface InvolvedRun {
  apiVersion: string;
  namespace: string;
  name: string;
  uid: string;
}

/** Records Kubernetes Events on PipelineRuns (`kubectl describe` shows them next to the run). */
export interface EventRecorder {
  record(run: InvolvedRun, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
}

/**
 * core/v1 Events, as client-go's recorder writes them. Best effort: a failure to record is
 * swallowed (reported by the caller's metric), never a reason to fail an attestation.
 */
export function kubeEventRecorder(kc: KubeConfig, component = 'tekton-provenance-controller'): EventRecorder {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    async record(run, type, reason, message) {
      const now = new Date();
      try {
        await core.createNamespacedEvent({
          namespace: run.namespace,
          body: {
            metadata: { name: `${run.name}.${randomBytes(8).toString('hex')}`, namespace: run.namespace },
            involvedObject: { apiVersion: run.apiVersion, kind: 'PipelineRun', namespace: run.namespace, name: run.name, uid: run.uid },
            type, reason, message: message.slice(0, 1024),
            source: { component }, reportingComponent: component, count: 1,
            firstTimestamp: now, lastTimestamp: now,
          },
        });
      } catch {
        // Events are diagnostics; the signed/failed annotation is the record of truth.
      }
    },
  };
}
