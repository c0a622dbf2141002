import { resolve } from 'node:path';
import { isProvenanceError } from '../../errors.ts';
import { loadVerifiers } from '../../keys/sources.ts';
import { defaultPolicy, parseDuration, parsePolicy } from '../../verify/policy/parse-policy.ts';
import type { Policy } from '../../verify/policy/policy.ts';
import { ProgressBar } from '../../verify/progress.ts';
import { NOTHING_VERIFIED_MESSAGE, renderReport, reportsToJson, verdictOf } from '../../verify/report.ts';
import { readAttestationPath, type LoadedAttestation } from '../../verify/sources/attestation-files.ts';
import { verifyAttestation, type VerifyOptions } from '../../verify/verify-attestation.ts';
import { verifyImage } from '../../verify/verify-image.ts';
import type { VerificationReport } from '../../verify/check.ts';
import { EXIT_INVALID, EXIT_OK, UsageError, type Command } from '../command.ts';
import { boolFlag, parseFlags, stringFlag, stringList } from '../flags.ts';
import { resolveKeyRef } from '../key-refs.ts';
import { TRUST_FLAGS, trustFlags } from '../trust-flags.ts';
import { readInputFile } from '../files.ts';
import { paintFor } from '../colour.ts';

const HELP = `tkn-provenance verify: verify the whole chain, event -> PipelineRun -> tasks -> image

Usage:
  tkn-provenance verify --key KEY [--policy FILE] (--attestation FILE|DIR ... | --image REF | --pipelinerun NS/NAME|FILE)

Checks, each reported by name: signature (against --key), statement, subject (--image),
event signature / digest / authenticity (against --event-key, default --key), bindings between
event and run (policy), trusted tasks (policy), builder, freshness, completeness.

Flags:
  --attestation PATH     DSSE envelope, sigstore bundle, JSON array or JSON lines of them, or a
                         directory of such files (repeatable)
  --image REF            read the attestations of an image from its registry (cosign .att tag
                         and OCI referrers); the image digest must be a subject
  --pipelinerun REF      NS/NAME (live, via kubeconfig) or a kubectl -o json|yaml file; the
                         attestations come from its annotations and/or --store
  --store PATH           SQLite attestation store (attestations.db) for --pipelinerun
  --kubeconfig PATH      kubeconfig for a live --pipelinerun
  --key REF              trusted public key: PEM, cosign.pub, directory of keys, awskms:// URI
                         (repeatable: any one may have signed, for key rotation)
  --event-key REF        trusted key(s) for trigger event records (default: --key)
  --policy FILE          verification policy YAML (docs/policy.md); default: signature,
                         statement and a verified trigger event
  --max-age DURATION     refuse runs that finished longer ago (e.g. 720h); overrides the policy
  --builder-id ID        required builder id; overrides the policy
  --attestation-repository REPO   where attestations are stored when not beside the image
  --insecure-registry    plain http to the registry
  --registry-config FILE docker config.json with registry credentials
  --trusted-root FILE    Sigstore trusted_root.json: the transparency logs (and Fulcio CAs) whose
                         entries are checked offline (SET, checkpoint, inclusion proof)
  --certificate-identity ID, --certificate-identity-regexp RE, --certificate-oidc-issuer URL
                         keyless attestations: the signing certificate's SAN and OIDC issuer
                         (cosign's flags); --key is then not needed
  --json                 machine output

Exit: 0 when every check of every attestation passes, 1 when a check fails or no attestation
is found (--image and --pipelinerun alike), 2 usage error.

Examples:
  tkn-provenance verify --key cosign.pub --policy policy.yaml --image reg.example/app@sha256:3f...
  tkn-provenance verify --key signing.pub --attestation attestation.json --json
  tkn-provenance verify --key keys/ --policy policy.yaml --attestation exported/   # 1,000s at once
`;

const FLAGS = {
  attestation: { type: 'string', multiple: true },
  image: { type: 'string' },
  pipelinerun: { type: 'string' },
  store: { type: 'string' },
  kubeconfig: { type: 'string' },
  key: { type: 'string', multiple: true },
  'event-key': { type: 'string', multiple: true },
  policy: { type: 'string' },
  'max-age': { type: 'string' },
  'builder-id': { type: 'string' },
  'attestation-repository': { type: 'string' },
  'insecure-registry': { type: 'boolean' },
  'registry-config': { type: 'string' },
  json: { type: 'boolean' },
  ...TRUST_FLAGS,
} as const;

const command: Command = {
  name: 'verify',
  summary: 'verify the whole chain: event -> PipelineRun -> tasks -> image',
  help: HELP,
  async run(argv, io) {
    const { values } = parseFlags(argv, FLAGS, { maxPositionals: 0 });
    const path = (p: string) => resolve(io.cwd, p);
    const files = stringList(values, 'attestation');
    const image = stringFlag(values, 'image');
    const pipelineRun = stringFlag(values, 'pipelinerun');
    const sources = [files.length > 0, image !== undefined, pipelineRun !== undefined].filter(Boolean).length;
    if (sources !== 1) throw new UsageError('give exactly one of --attestation, --image, --pipelinerun');
    const keyRefs = stringList(values, 'key').map((k) => resolveKeyRef(k, io.cwd));
    const trust = await trustFlags(values, path);
    if (keyRefs.length === 0 && !trust.trustedRoot) throw new UsageError('--key is required (a public key, directory of keys or KMS URI), or --trusted-root for keyless attestations');
    const eventKeyRefs = stringList(values, 'event-key').map((k) => resolveKeyRef(k, io.cwd));

    const policy = await loadPolicy(values, path);
    const opts: VerifyOptions = {
      keys: await loadVerifiers(keyRefs, { env: io.env }),
      policy,
      ...trust,
      ...(eventKeyRefs.length > 0 ? { eventKeys: await loadVerifiers(eventKeyRefs, { env: io.env }) } : {}),
    };

    let attestations: LoadedAttestation[] = [];
    if (image) {
      const dockerConfig = stringFlag(values, 'registry-config');
      const repo = stringFlag(values, 'attestation-repository');
      const verified = await verifyImage(image, {
        insecure: boolFlag(values, 'insecure-registry'),
        ...(repo ? { attestationRepository: repo } : {}),
        ...(dockerConfig ? { dockerConfig: await readInputFile(path(dockerConfig), '--registry-config') } : {}),
      }, opts);
      return finish(io, values, verified.reports);
    } else if (pipelineRun) {
      const store = stringFlag(values, 'store');
      const kubeconfig = stringFlag(values, 'kubeconfig');
      // Loaded on demand: the Kubernetes client costs more start-up than verifying hundreds of files.
      const { readPipelineRunAttestations } = await import('../../verify/sources/pipelinerun.ts');
      try {
        attestations = await readPipelineRunAttestations(pipelineRun, { cwd: io.cwd, env: io.env, ...(store ? { store: path(store) } : {}), ...(kubeconfig ? { kubeconfig: path(kubeconfig) } : {}) });
      } catch (err) {
        // Nothing attests the run: a failed check (exit 1), exactly as for an image without one.
        if (isProvenanceError(err, 'ATTESTATION_NOT_FOUND')) return finish(io, values, [notFound(pipelineRun, err.message)]);
        throw err;
      }
    }
    // An unreadable file (not JSON, not an attestation, a symlink loop) is a failed report:
    // the verdict, the exit code and --json then agree, and the readable files still verify.
    const unreadable: VerificationReport[] = [];
    for (const f of files) {
      attestations.push(
        ...(await readAttestationPath(path(f), (u) =>
          unreadable.push({ source: u.source, ok: false, checks: [{ name: 'attestation', status: 'fail', message: `${u.error.message} [${u.error.code}]` }] }),
        )),
      );
    }

    // --json is for machines: nothing but the JSON, even on a terminal.
    const progressOut = boolFlag(values, 'json') ? { isTTY: false, write: () => true } : io.stderr;
    const progress = new ProgressBar(progressOut as NodeJS.WritableStream & { isTTY?: boolean }, attestations.length);
    const reports = attestations.map((a) => {
      const report = verifyAttestation(a.source, a.envelope, opts, a.evidence);
      progress.tick(report.ok);
      return report;
    });
    return finish(io, values, [...unreadable, ...reports]);
  },
};

function notFound(source: string, message: string): VerificationReport {
  return { source, ok: false, checks: [{ name: 'attestation', status: 'fail', message }] };
}

/** Nothing verified is never a pass: zero attestations is NOT VERIFIED, exit 1 (EXIT_INVALID). */
function finish(io: Parameters<Command['run']>[1], values: Record<string, unknown>, reports: VerificationReport[]): number {
  const ok = verdictOf(reports);
  if (values.json === true) io.stdout.write(reportsToJson(reports));
  else if (reports.length === 0) io.stdout.write(`NOT VERIFIED: ${NOTHING_VERIFIED_MESSAGE}\n`);
  else {
    const paint = paintFor(io.stdout, io.env);
    for (const r of reports) io.stdout.write(renderReport(r, paint));
    if (reports.length > 1) io.stdout.write(`${ok ? 'VERIFIED' : 'NOT VERIFIED'}: ${reports.filter((r) => r.ok).length} of ${reports.length} attestations passed\n`);
  }
  return ok ? EXIT_OK : EXIT_INVALID;
}

async function loadPolicy(values: Parameters<typeof stringFlag>[0], path: (p: string) => string): Promise<Policy> {
  const file = stringFlag(values, 'policy');
  const policy = file ? parsePolicy(await readInputFile(path(file), '--policy')) : defaultPolicy();
  const maxAge = stringFlag(values, 'max-age');
  if (maxAge) policy.maxAgeMs = parseDuration(maxAge);
  const builderId = stringFlag(values, 'builder-id');
  if (builderId) policy.builderId = builderId;
  return policy;
}

export default command;
