import { loadPipelineRun } from '../../events/pipelinerun-source.ts';
import { ProvenanceError } from '../../errors.ts';
import { SqliteAttestationStorage } from '../../storage/sqlite/backend.ts';
import { parseAttestationText, type LoadedAttestation } from './attestation-files.ts';

const ANNOTATION_PREFIX = 'tekton-provenance.dev/attestation-';

/**
 * The attestations of one PipelineRun: envelopes embedded in its annotations (the `tekton`
 * backend) and rows of the SQLite store for its uid. An annotation that holds a reference
 * (the envelope was too large) is skipped: the store or registry it names holds the copy.
 */
export async function readPipelineRunAttestations(
  ref: string,
  opts: { cwd: string; store?: string; kubeconfig?: string },
): Promise<LoadedAttestation[]> {
  const pr = (await loadPipelineRun(ref, { cwd: opts.cwd, ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}) })) as {
    metadata?: { uid?: string; namespace?: string; name?: string; annotations?: Record<string, string> };
  };
  const meta = pr.metadata ?? {};
  const name = `${meta.namespace ?? '?'}/${meta.name ?? '?'}`;
  const out: LoadedAttestation[] = [];
  for (const [key, value] of Object.entries(meta.annotations ?? {})) {
    if (key.startsWith(ANNOTATION_PREFIX) && value.trimStart().startsWith('{')) {
      out.push(...parseAttestationText(value, `PipelineRun ${name} annotation ${key}`));
    }
  }
  if (opts.store && meta.uid) {
    const store = new SqliteAttestationStorage(opts.store);
    try {
      for (const row of store.read(meta.uid)) out.push(...parseAttestationText(row.envelope, `${opts.store} ${row.format} of ${name}`));
    } finally {
      store.close();
    }
  }
  if (out.length === 0) {
    throw new ProvenanceError('ATTESTATION_NOT_FOUND', `no attestation found for PipelineRun ${name}${opts.store ? '' : ' (give --store to read the SQLite store)'}`);
  }
  return out;
}
