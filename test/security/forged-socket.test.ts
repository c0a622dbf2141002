// Hostile inputs straight to the signing socket (a compromised or impersonated interceptor, or
// any local process that can open the socket): no statement claiming a verified webhook is
// signed unless the signer checked the HMAC or token itself. Counts go to docs/security.md.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, test } from 'node:test';
import { FrameTransport } from '../../interceptor/signer-client/frame-transport.ts';
import { encodeSignWebhook, PROOF_HEADER, type AuthenticityProof } from '../../signer/authenticity/proof.ts';
import { KubeSecretResolver } from '../../signer/authenticity/secrets/kube.ts';
import type { EventPredicate } from '../../signer/events/event-record.ts';
import { FrameKind, frameDeadline } from '../../signer/protocol/frames.ts';
import { jsonLogger } from '../../signer/server/index.ts';
import { startKubeApiServer, type KubeApiServer } from '../harness/kube/index.ts';
import { SECRETS } from '../interceptor/helpers/requests.ts';
import { startSignerFixture, type SignerFixture } from '../interceptor/helpers/signer.ts';
import { eventStatement, statementBytes } from '../signer/events/event-fixture.ts';
import { capture, KNOWN_VALUE, seedSecrets, Tally, udsPost } from './support.ts';

type Authenticity = EventPredicate['authenticity'];

let kube: KubeApiServer;
let fx: SignerFixture;
let frames: FrameTransport;
const log = capture();
const tally = new Tally();
const BODY = '{"ref":"refs/heads/main","after":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","note":"Grüße ✓"}';

/** Every set of words a forger might put in the authenticity block. */
const CLAIMS: Authenticity[] = [
  { provider: 'github', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: 'tekton-provenance-signer' },
  { provider: 'github', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: 'tekton-provenance-interceptor' },
  { provider: 'gitlab', verified: true, method: 'shared-token X-Gitlab-Token', checkedBy: 'tekton-provenance-signer' },
  { provider: 'bitbucket', verified: true, method: 'hmac-sha256 X-Hub-Signature', checkedBy: 'tekton-provenance-signer' },
  { provider: 'none', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: 'github' },
  { provider: 'none', verified: false, method: 'delegated', checkedBy: 'github' },
  { provider: 'github', verified: false, method: 'none', checkedBy: '' },
];

function statement(authenticity: Authenticity, triggerId = 'namespaces/ci/triggers/on-push', body = BODY): Buffer {
  return statementBytes(eventStatement(body, { authenticity, context: { eventId: crypto.randomUUID(), eventUrl: '/', triggerId } }));
}

const sig256 = (secret: string, body: string) => `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

function proof(over: Partial<AuthenticityProof> = {}): AuthenticityProof {
  return {
    provider: 'github',
    secretRef: { secretName: 'github-webhook', secretKey: 'secret' },
    allowSha1: false,
    headers: { 'X-Hub-Signature-256': sig256('not-the-secret', BODY) },
    source: '10.0.0.66',
    ...over,
  };
}

/** One forged input on every transport; each must be refused and leave the store unchanged. */
async function refusedEverywhere(bytes: Buffer, p?: AuthenticityProof): Promise<string[]> {
  const codes: string[] = [];
  const before = fx.storedCount();
  // frames: SignEvent (no proof) or SignWebhook (with one), without a deadline
  const frame =
    p === undefined
      ? await frames.exchange(FrameKind.SignEvent, bytes, 10_000)
      : await frames.exchange(FrameKind.SignWebhook, Buffer.concat(encodeSignWebhook(p, bytes)), 10_000);
  assert.equal(frame.kind, FrameKind.Error, frame.payload.toString());
  codes.push((JSON.parse(frame.payload.toString()) as { code: string }).code);
  // frames with a deadline, as the interceptor sends them: SignEventBy / SignWebhookBy
  const deadline = frameDeadline({ beginBy: Date.now() + 20_000, answerBy: Date.now() + 30_000 });
  const framedBy =
    p === undefined
      ? await frames.exchange(FrameKind.SignEventBy, [deadline, bytes], 10_000)
      : await frames.exchange(FrameKind.SignWebhookBy, [deadline, ...encodeSignWebhook(p, bytes)], 10_000);
  assert.equal(framedBy.kind, FrameKind.Error, framedBy.payload.toString());
  codes.push((JSON.parse(framedBy.payload.toString()) as { code: string }).code);
  // HTTP: the raw form and the legacy base64 form, the proof (if any) in its header
  const headers: Record<string, string> = p === undefined ? {} : { [PROOF_HEADER]: Buffer.from(JSON.stringify(p)).toString('base64') };
  for (const [type, body] of [
    ['application/vnd.in-toto+json', bytes],
    ['application/json', Buffer.from(JSON.stringify({ payload: bytes.toString('base64') }))],
  ] as const) {
    const res = await udsPost(fx.socketPath, body, { 'content-type': type, ...headers });
    assert.notEqual(res.status, 200, JSON.stringify(res.json));
    codes.push(res.json.error?.code ?? '?');
  }
  tally.tried += 4;
  assert.equal(fx.storedCount(), before, 'nothing stored');
  return codes;
}

before(async () => {
  kube = await startKubeApiServer();
  seedSecrets(kube);
  fx = await startSignerFixture(jsonLogger('signer', log.out), new KubeSecretResolver(kube.kubeConfig()));
  frames = new FrameTransport(fx.socketPath);
});
after(async () => {
  frames.close();
  await fx.close();
  await kube.close();
  console.log(tally.line('socket'));
});

test('a statement claiming any authenticity words, with no proof, is refused on frames and HTTP', async () => {
  for (const claim of CLAIMS) {
    const codes = await refusedEverywhere(statement(claim));
    assert.deepEqual(codes, ['INVALID_EVENT_RECORD', 'INVALID_EVENT_RECORD', 'INVALID_EVENT_RECORD', 'INVALID_EVENT_RECORD'], JSON.stringify(claim));
  }
});

test('a proof without the secret: wrong HMAC, wrong token, malformed or missing header -> NOT_AUTHENTIC', async () => {
  const claim = CLAIMS[0]!;
  const gitlab: Authenticity = CLAIMS[2]!;
  const cases: Array<[Authenticity, AuthenticityProof]> = [
    [claim, proof()],
    [claim, proof({ headers: { 'X-Hub-Signature-256': 'sha256=' + '0'.repeat(64) } })],
    [claim, proof({ headers: { 'X-Hub-Signature-256': 'sha1=abcd' } })],
    [claim, proof({ headers: {} })],
    [gitlab, proof({ provider: 'gitlab', secretRef: { secretName: 'gitlab-webhook', secretKey: 'token' }, headers: { 'X-Gitlab-Token': 'guess' } })],
  ];
  for (const [c, p] of cases) {
    assert.deepEqual(await refusedEverywhere(statement(c), p), ['NOT_AUTHENTIC', 'NOT_AUTHENTIC', 'NOT_AUTHENTIC', 'NOT_AUTHENTIC']);
  }
});

test('a Secret the attacker knows but that does not opt in (unlabelled, other namespace) proves nothing', async () => {
  const claim = CLAIMS[0]!;
  const known = { 'X-Hub-Signature-256': sig256(KNOWN_VALUE, BODY) };
  // The HMAC is right for the unlabelled Secret's value; the signer must not use that Secret.
  const unlabelled = proof({ secretRef: { secretName: 'registry-token', secretKey: 'token' }, headers: known });
  assert.deepEqual(await refusedEverywhere(statement(claim), unlabelled), ['NOT_AUTHENTIC', 'NOT_AUTHENTIC', 'NOT_AUTHENTIC', 'NOT_AUTHENTIC']);
  const kubeSystem = proof({ secretRef: { secretName: 'bootstrap-token', secretKey: 'token' }, headers: known });
  assert.deepEqual(
    await refusedEverywhere(statement(claim, 'namespaces/kube-system/triggers/x'), kubeSystem),
    ['NOT_AUTHENTIC', 'NOT_AUTHENTIC', 'NOT_AUTHENTIC', 'NOT_AUTHENTIC'],
  );
  assert.match(log.text(), /"reason":"SECRET_NOT_LABELLED"/, 'the detail is in the signer log only');
});

test('even WITH the secret, a statement whose words differ from what the signer established is refused', async () => {
  const genuine = { 'X-Hub-Signature-256': sig256(SECRETS.github, BODY) };
  for (const claim of CLAIMS.slice(1)) {
    const codes = await refusedEverywhere(statement(claim), proof({ headers: genuine }));
    assert.ok(codes.every((c) => c === 'INVALID_EVENT_RECORD'), `${JSON.stringify(claim)}: ${codes.join(',')}`);
  }
  tally.tried -= 3 * (CLAIMS.length - 1); // not forged inputs: these had the secret
  // The established words pass: the control that shows the check is not simply refusing.
  const ok = await frames.exchange(FrameKind.SignWebhook, Buffer.concat(encodeSignWebhook(proof({ headers: genuine }), statement(CLAIMS[0]!))), 10_000);
  assert.equal(ok.kind, FrameKind.Signed, ok.payload.toString());
});

test('a proof for one body does not carry over to another body (the HMAC is over the statement body)', async () => {
  const genuine = { 'X-Hub-Signature-256': sig256(SECRETS.github, BODY) };
  const altered = statement(CLAIMS[0]!, 'namespaces/ci/triggers/on-push', BODY.replace('main', 'evil'));
  assert.deepEqual(await refusedEverywhere(altered, proof({ headers: genuine })), ['NOT_AUTHENTIC', 'NOT_AUTHENTIC', 'NOT_AUTHENTIC', 'NOT_AUTHENTIC']);
});

test('nothing the attacker sent is stored as verified, and no secret reached the log', () => {
  assert.equal(fx.storedCount(), 1, 'only the control event signed with the real secret');
  for (const value of [SECRETS.github, SECRETS.gitlab, KNOWN_VALUE, 'guess']) assert.ok(!log.text().includes(value));
});
