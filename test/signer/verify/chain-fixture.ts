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
import { simpleBuildPolicy } from '../../e2e/support/policy.ts';

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
    authenticity: { provider: 'github', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: 'tekton-provenance-signer' },
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

/** The e2e suite's simple-build policy, without a freshness limit (these runs have fixed past times). */
export const SIMPLE_BUILD_POLICY = simpleBuildPolicy('https://tekton.dev/chains/v2', {});
