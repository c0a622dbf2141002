import { Counter, Gauge, Registry } from 'prom-client';

/** Metrics of the event store and its retention, in a registry of their own (several signers per test process). */
export class RetentionMetrics {
  readonly registry = new Registry();
  readonly records = new Gauge({ name: 'tekton_provenance_event_store_records', help: 'Signed event records in the store (after the last prune round)', registers: [this.registry] });
  readonly bytes = new Gauge({ name: 'tekton_provenance_event_store_bytes', help: 'Bytes of the stored records (payload and signatures)', registers: [this.registry] });
  readonly pruned = new Counter({ name: 'tekton_provenance_event_store_pruned_total', help: 'Records deleted by retention', registers: [this.registry] });
  readonly prunedBytes = new Counter({ name: 'tekton_provenance_event_store_pruned_bytes_total', help: 'Bytes of records deleted by retention', registers: [this.registry] });
  readonly errors = new Counter({ name: 'tekton_provenance_event_store_prune_errors_total', help: 'Prune rounds that failed (the store was unreachable)', labelNames: ['code'], registers: [this.registry] });
}
