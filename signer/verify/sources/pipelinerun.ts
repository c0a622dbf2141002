import { loadPipelineRun } from '../../events/pipelinerun-source.ts';
import { ProvenanceError } from '../../errors.ts';
import { SqliteAttestationStorage } from '../../storage/sqlite/backend.ts';
import { parseAttestationText, type LoadedAttestation } from './attestation-files.ts';
import { splitPem, storedFormEvidence } from './evidence.ts';

const ANNOTATION_PREFIX = 'tekton-provenance.dev/attestation-';
/** The `tekton` backend's log entry of the same format (`tekton-provenance.dev/tlog-<format>`). */
const TLOG_PREFIX = 'tekton-provenance.dev/tlog-';

/**
 * The attestations of one PipelineRun: envelopes embedded in its annotations (the `tekton`
 * backend) and rows of the SQLite store for its uid. An annotation that holds a reference
 * (the envelope was too large) is skipped: the store or registry it names holds the copy.
 */
export async function readPipelineRunAttestations(
  ref: string,
  opts: { cwd: string; store?: string; kubeconfig?: string; env?: NodeJS.ProcessEnv },
): Promise<LoadedAttestation[]> {
  const pr = (await loadPipelineRun(ref, { cwd: opts.cwd, ...(opts.env ? { env: opts.env } : {}), ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}) })) as {
    metadata?: { uid?: string; namespace?: string; name?: string; annotations?: Record<string, string> };
  };
  const meta = pr.metadata ?? {};
  const name = `${meta.namespace ?? '?'}/${meta.name ?? '?'}`;
  const out: LoadedAttestation[] = [];
  const annotations = meta.annotations ?? {};
  const certificates = chainsCertificates(annotations, meta.uid ?? '');
  for (const [key, value] of Object.entries(annotations)) {
    if (key.startsWith(ANNOTATION_PREFIX) && value.trimStart().startsWith('{')) {
      const found = parseAttestationText(value, `PipelineRun ${name} annotation ${key}`);
      const tlog = annotations[`${TLOG_PREFIX}${key.slice(ANNOTATION_PREFIX.length)}`];
      for (const a of found) if (tlog || certificates) a.evidence = { ...storedFormEvidence({ ...(tlog ? { tlog: JSON.parse(tlog) as unknown } : {}), certificates }), raw: Buffer.from(value) };
      out.push(...found);
    }
  }
  if (opts.store && meta.uid) {
    const store = new SqliteAttestationStorage(opts.store);
    try {
      for (const row of store.read(meta.uid)) {
        const found = parseAttestationText(row.envelope, `${opts.store} ${row.format} of ${name}`);
        const stored = { ...(row.tlogEntry ? { tlog: JSON.parse(row.tlogEntry) as unknown } : {}), ...(row.certificates ? { certificates: JSON.parse(row.certificates) as unknown } : {}) };
        for (const a of found) if (row.tlogEntry || row.certificates) a.evidence = { ...storedFormEvidence(stored), raw: Buffer.from(row.envelope) };
        out.push(...found);
      }
    } finally {
      store.close();
    }
  }
  if (out.length === 0) {
    throw new ProvenanceError('ATTESTATION_NOT_FOUND', `no attestation found for PipelineRun ${name}${opts.store ? '' : ' (give --store to read the SQLite store)'}`);
  }
  return out;
}

/** Keyless runs: Chains' `cert-pipelinerun-<uid>` / `chain-...` annotations (base64 PEM). */
function chainsCertificates(annotations: Record<string, string>, uid: string): string[] | undefined {
  const leaf = annotations[`chains.tekton.dev/cert-pipelinerun-${uid}`];
  if (!leaf) return undefined;
  const chain = annotations[`chains.tekton.dev/chain-pipelinerun-${uid}`] ?? '';
  return [...splitPem(Buffer.from(leaf, 'base64').toString()), ...splitPem(Buffer.from(chain, 'base64').toString())];
}
