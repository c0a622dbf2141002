import type { RunRef, SignedAttestation } from '../../attest/types.ts';
import { serializeEnvelope } from '../../dsse/sign.ts';
import type { AttestationStorage, StoreContext, StoredLocation } from '../backend.ts';
import { storageError } from '../errors.ts';
import { ANNOTATIONS_LIMIT_BYTES, annotationsSize, type RunAnnotationsApi } from './run-annotations.ts';

/** `tekton-provenance.dev/attestation-<format with / as ->`, e.g. `attestation-slsa-v2alpha4`. */
export function attestationAnnotationKey(format: string): string {
  return `tekton-provenance.dev/attestation-${format.replaceAll('/', '-')}`;
}

/** `tekton-provenance.dev/tlog-<format>`: the attestation's transparency log entry (`LoggedEntry` JSON). */
export function tlogAnnotationKey(format: string): string {
  return `tekton-provenance.dev/tlog-${format.replaceAll('/', '-')}`;
}

/** Chains' keyless annotations: `chains.tekton.dev/cert-pipelinerun-<uid>` / `chain-...`, base64 of the PEM. */
export function certificateAnnotations(run: RunRef, certificates: readonly string[] | undefined): Record<string, string> {
  const [leaf, ...chain] = certificates ?? [];
  if (!leaf) return {};
  const key = `pipelinerun-${run.uid}`;
  return {
    [`chains.tekton.dev/cert-${key}`]: Buffer.from(leaf).toString('base64'),
    [`chains.tekton.dev/chain-${key}`]: Buffer.from(chain.join('')).toString('base64'),
  };
}

/** Room kept free for the status annotations the controller writes after the backends. */
const STATUS_RESERVE_BYTES = 8 * 1024;
const CONFLICT_RETRIES = 5;

export interface TektonStorageOptions {
  api: RunAnnotationsApi;
  /** `storage.tekton.max-annotation-bytes`: largest envelope embedded in the object. */
  maxAnnotationBytes: number;
}

/**
 * The `tekton` backend: one annotation per format on the PipelineRun. The value is the DSSE
 * envelope JSON when it fits the budget, otherwise the comma list of the other backends'
 * locations (never a copy that would bloat etcd). It measures the object's current
 * annotations so the total stays under the 256 KiB limit.
 */
export class TektonAnnotationStorage implements AttestationStorage {
  readonly name = 'tekton';
  readonly #opts: TektonStorageOptions;

  constructor(opts: TektonStorageOptions) {
    this.#opts = opts;
  }

  async store(run: RunRef, attestation: SignedAttestation, context?: StoreContext): Promise<StoredLocation> {
    const key = attestationAnnotationKey(attestation.format);
    const envelope = serializeEnvelope(attestation.envelope);
    const elsewhere = (context?.stored ?? []).filter((s) => s.backend !== this.name).map((s) => s.location);
    // The log entry (a few KiB) is kept even when the envelope is referenced: offline proof.
    const tlog: Record<string, string> = attestation.tlog ? { [tlogAnnotationKey(attestation.format)]: JSON.stringify(attestation.tlog) } : {};
    Object.assign(tlog, certificateAnnotations(run, attestation.certificates));
    for (let attempt = 0; attempt <= CONFLICT_RETRIES; attempt++) {
      const snapshot = await this.#opts.api.readAnnotations(run);
      if (!snapshot) throw storageError('RUN_GONE', `PipelineRun ${run.namespace}/${run.name} no longer exists`);
      if (snapshot.annotations[key] !== undefined) return { backend: this.name, location: `annotation:${key}` }; // stored before a restart
      const others = { ...snapshot.annotations };
      const fits = Buffer.byteLength(envelope) <= this.#opts.maxAnnotationBytes
        && annotationsSize({ ...others, ...tlog, [key]: envelope }) + STATUS_RESERVE_BYTES <= ANNOTATIONS_LIMIT_BYTES;
      let value = envelope;
      if (!fits) {
        if (elsewhere.length === 0) {
          throw storageError('ANNOTATION_BUDGET_EXCEEDED', `the ${attestation.format} attestation of ${run.namespace}/${run.name} (${Buffer.byteLength(envelope)} bytes) does not fit the annotation budget and no other backend stored it`);
        }
        value = elsewhere.join(',');
        if (annotationsSize({ ...others, ...tlog, [key]: value }) + STATUS_RESERVE_BYTES > ANNOTATIONS_LIMIT_BYTES) {
          throw storageError('ANNOTATION_BUDGET_EXCEEDED', `PipelineRun ${run.namespace}/${run.name} has no annotation room left for a reference`);
        }
      }
      try {
        await this.#opts.api.patchAnnotations(run, snapshot.resourceVersion, { ...tlog, [key]: value });
        return { backend: this.name, location: `annotation:${key}` };
      } catch (err) {
        if ((err as { code?: string }).code !== 'RUN_CONFLICT' || attempt === CONFLICT_RETRIES) throw err;
      }
    }
    throw storageError('RUN_CONFLICT', `PipelineRun ${run.namespace}/${run.name} kept changing`);
  }
}
