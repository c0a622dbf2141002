import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The interceptor's Prometheus metrics, in a registry of its own (several apps may live in
 * one process, e.g. in tests). Labels are bounded sets (provider names, error codes): never
 * ids, header values or secrets.
 */
export class InterceptorMetrics {
  readonly registry = new Registry();
  readonly signed: Counter<'provider'>;
  readonly rejected: Counter<'reason' | 'provider'>;
  readonly unsigned: Counter<'reason' | 'provider'>;
  readonly duration: Histogram<'outcome'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.signed = new Counter({
      name: 'tekton_provenance_events_signed_total',
      help: 'Events authenticated, signed and stored',
      labelNames: ['provider'],
      registers,
    });
    this.rejected = new Counter({
      name: 'tekton_provenance_events_rejected_total',
      help: 'Requests answered continue:false or 400, by reason code',
      labelNames: ['reason', 'provider'],
      registers,
    });
    this.unsigned = new Counter({
      name: 'tekton_provenance_events_unsigned_total',
      help: 'Events let through unsigned by failurePolicy Ignore, by reason code',
      labelNames: ['reason', 'provider'],
      registers,
    });
    this.duration = new Histogram({
      name: 'tekton_provenance_interceptor_request_duration_seconds',
      help: 'Time to answer an InterceptorRequest',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'tekton_provenance_interceptor_' });
  }
}
