import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The admission webhook's Prometheus metrics, in a registry of its own. Labels are bounded:
 * webhook (mutate|validate), verdict (admitted|denied|warned|error), reason (an error code or a
 * check family such as `task`), source (cache|verified|joined|error). Never image names.
 */
export class AdmissionMetrics {
  readonly registry = new Registry();
  readonly reviews: Counter<'webhook' | 'verdict' | 'reason'>;
  readonly images: Counter<'verdict' | 'reason' | 'source'>;
  readonly duration: Histogram<'webhook' | 'verdict'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.reviews = new Counter({
      name: 'tekton_provenance_admission_reviews_total',
      help: 'AdmissionReviews answered, by webhook, verdict and (first) reason',
      labelNames: ['webhook', 'verdict', 'reason'],
      registers,
    });
    this.images = new Counter({
      name: 'tekton_provenance_admission_image_verdicts_total',
      help: 'Per image and policy verdicts, by verdict, reason and where the verdict came from',
      labelNames: ['verdict', 'reason', 'source'],
      registers,
    });
    this.duration = new Histogram({
      name: 'tekton_provenance_admission_review_duration_seconds',
      help: 'Time to answer an AdmissionReview',
      labelNames: ['webhook', 'verdict'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    if (opts.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'tekton_provenance_admission_' });
  }
}
