// Builds a real signed chain for verifier tests and benches: a GitHub push event record signed
// like the interceptor's signer does, the TEP-0084 simple-build run from the run simulator,
// and its attestations from the production attestRun path.
import { generateKeyPairSync } from 'node:crypto';
import { attestRun } from '../../../signer/attest/attest-run.ts';
import type { EventLink, SignedAttestation } from '../../../signer/attest/types.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../../../signer/dsse/envelope.ts';
import { signEnvelope } from '../../../signer/dsse/sign.ts';
import { EVENT_DIGEST_ANNOTATION, TRIGGERS_EVENT_ID_LABEL, type SignedEventRecord } from '../../../signer/events/event-record.ts';
import { LocalSigner, PublicKeyVerifier } from '../../../signer/keys/local.ts';
import { matchChildren, normaliseRun } from '../../../signer/model/index.ts';
import type { TektonRun } from '../../../signer/model/types.ts';
import { buildEventStatement } from '../../../interceptor/record/statement.ts';
import { fakeUid, simulatePipelineRun } from '../../harness/tekton/simulate.ts';
import { simpleBuildBehaviour, simpleBuildRun } from '../../harness/tekton/pipelines/simple-build.ts';
import type { RunInput } from '../../harness/tekton/types.ts';

export const COMMIT = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const IMAGE = 'registry.example.com/demo/app';
export const IMAGE_DIGEST = `sha256:${'4e'.repeat(32)}`;
export const EVENT_ID = '2f9a4c1e-7d3b-4e8a-9c1f-5b6d7e8f9a0b';

export function newSigner(): LocalSigner {
  return new LocalSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
}

export function verifierOf(signer: LocalSigner): PublicKeyVerifier {
  return new PublicKeyVerifier(signer.publicKey);
}

export function pushBody(over: { cloneUrl?: string; after?: string } = {}): string {
  return JSON.stringify({
    ref: 'refs/heads/main',
    before: '0'.repeat(40),
    after: over.after ?? COMMIT,
    repository: { full_name: 'tektoncd/pipeline', clone_url: over.cloneUrl ?? 'https://github.com/tektoncd/pipeline.git' },
    head_commit: { id: over.after ?? COMMIT, message: 'Grüße: ünïcödé commit' },
    pusher: { name: 'octocat' },
  });
}

/** A signed event record as the signer stores it. */
export async function signedEvent(signer: LocalSigner, body = pushBody(), eventId = EVENT_ID): Promise<SignedEventRecord> {
  const st = buildEventStatement({
    body,
    bodyBytes: Buffer.from(body, 'utf8'),
    header: { 'Content-Type': ['application/json'], 'X-Github-Event': ['push'], 'X-Hub-Signature-256': ['sha256=…'] },
    context: { event_id: eventId, event_url: '/', trigger_id: 'namespaces/default/triggers/github-push' },
    receivedAt: new Date('2026-11-28T22:59:58Z'),
    authenticity: { provider: 'github', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: 'tekton-provenance-interceptor' },
    interceptor: { name: 'tekton-provenance-interceptor', version: '0.1.0' },
  });
  const envelope = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, st.bytes, [signer]);
  return { eventId, digest: st.digest, triggerId: 'namespaces/default/triggers/github-push', keyid: signer.keyid, envelope, storedAt: '2026-11-28T22:59:58Z' };
}

/** The finished simple-build run, normalised as the controller does. */
export function simpleBuild(record: SignedEventRecord, over: Partial<RunInput> = {}): TektonRun {
  const input = simpleBuildRun({
    labels: { [TRIGGERS_EVENT_ID_LABEL]: record.eventId },
    annotations: { [EVENT_DIGEST_ANNOTATION]: record.digest },
    behaviour: simpleBuildBehaviour(COMMIT, IMAGE_DIGEST),
    ...over,
  });
  const uid = fakeUid(`${input.namespace}/${input.name}`);
  const objects = simulatePipelineRun(input).final(uid);
  (objects.pipelineRun.metadata as Record<string, unknown>).uid = uid; // the API server would assign it
  return normaliseRun(objects.pipelineRun, matchChildren(objects.pipelineRun, [...objects.taskRuns, ...objects.customRuns]));
}

export async function attest(run: TektonRun, signer: LocalSigner, event: EventLink, formats = ['in-toto', 'slsa/v2alpha4']): Promise<SignedAttestation[]> {
  return attestRun(run, { formats, signer, event, now: () => new Date('2026-11-28T23:05:00Z') });
}

/** The policy an auditor of simple-build would write. */
export const SIMPLE_BUILD_POLICY = `
apiVersion: tekton-provenance.dev/v1alpha1
kind: VerificationPolicy
spec:
  builderId: https://tekton.dev/chains/v2
  event:
    providers: [github]
  bindings:
    rules:
      - param: repo-url
        event: repository.clone_url
        compare: git-url
      - param: revision
        event: after
        compare: git-commit
      - material: git-commit
        event: after
        compare: git-commit
  trustedTasks:
    allow:
      - name: git-clone
        bundle: gcr.io/tekton-releases/catalog/upstream/git-clone@sha256:0b7ba2fdd7f4b0e51ff2c32a8a2b5d0e3b5a3c9c26b7e1d4f0a6e8c2b1d3f5a7
      - name: source-security-scan
        kind: Task
        pipelineTasks: [source-security-scan]
      - source: git+https://github.com/tektoncd/catalog.git
        sourceDigest: sha1:c7a3bd3f1f0b9c1cc6b8e1c1c2f23d7a5e8f0a91
      - name: image-security-scan
        bundle: quay.io/tekton-provenance-examples/image-security-scan@sha256:5d2a8c0e4b6f1a3c5e7d9b0f2a4c6e8d0b1f3a5c7e9d2b4f6a8c0e1d3b5f7a9c
`;
