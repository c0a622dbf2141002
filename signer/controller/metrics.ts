import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The controller's Prometheus metrics, in a registry of its own (several controllers per test process). */
export class ControllerMetrics {
  readonly registry = new Registry();
  readonly attestations = new Counter({
    name: 'tekton_provenance_attestations_total', help: 'PipelineRuns finished by the controller, by result (signed|failed)',
    labelNames: ['result'], registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'tekton_provenance_errors_total', help: 'Failures by stage (fetch|children|event|sign|store|mark|finalizer|watch|config|lease) and code',
    labelNames: ['stage', 'code'], registers: [this.registry],
  });
  readonly storageWrites = new Counter({
    name: 'tekton_provenance_storage_writes_total', help: 'Attestation writes by backend and result',
    labelNames: ['backend', 'result'], registers: [this.registry],
  });
  readonly queueDepth = new Gauge({ name: 'tekton_provenance_queue_depth', help: 'Runs waiting to be reconciled', registers: [this.registry] });
  readonly latency = new Histogram({
    name: 'tekton_provenance_attestation_latency_seconds', help: 'PipelineRun completion to signed=true',
    buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 1800], registers: [this.registry],
  });
  readonly leader = new Gauge({ name: 'tekton_provenance_leader', help: '1 while this replica holds the Lease', registers: [this.registry] });

  error(stage: string, err: unknown): void {
    const code = (err as { code?: unknown } | undefined)?.code;
    this.errors.inc({ stage, code: typeof code === 'string' ? code : typeof code === 'number' ? `HTTP_${code}` : 'UNKNOWN' });
  }
}
