// What an attacker without the webhook secret can get signed (an unverified `provider: none`
// event, through the interceptor or straight over the socket) never passes `verify`: not with
// the default policy, not with any policy printed in docs/. And an event accepted through
// another namespace's Trigger (whose Secret the attacker controls) fails by name where the
// policy pins its Triggers.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { StaticSecretResolver } from '../../signer/authenticity/secrets/static.ts';
import { WebhookAuthenticator } from '../../signer/authenticity/authenticator.ts';
import { decodeSignWebhook, encodeSignWebhook } from '../../signer/authenticity/proof.ts';
import type { EventPredicate, SignedEventRecord } from '../../signer/events/event-record.ts';
import { SqliteEventStore } from '../../signer/events/stores/sqlite.ts';
import { EventSigningService } from '../../signer/server/sign-and-store.ts';
import { silentLogger } from '../../signer/server/index.ts';
import type { Policy } from '../../signer/verify/policy/policy.ts';
import { defaultPolicy, parsePolicy } from '../../signer/verify/policy/parse-policy.ts';
import { verifyAttestation } from '../../signer/verify/verify-attestation.ts';
import { hmac } from '../interceptor/helpers/requests.ts';
import { eventStatement, statementBytes } from '../signer/events/event-fixture.ts';
import { attest, IMAGE, IMAGE_DIGEST, newSigner, pushBody, simpleBuild, verifierOf } from '../signer/verify/chain-fixture.ts';

const DOCS = join(import.meta.dirname, '../../docs');
const eventKey = newSigner();
const attestationKey = newSigner();

/** Every ```yaml block in docs/ (and the README) that is a whole, valid policy. */
function docPolicies(): Array<[string, Policy]> {
  const found: Array<[string, Policy]> = [];
  const files = [...readdirSync(DOCS).filter((f) => f.endsWith('.md')).map((f) => join(DOCS, f)), join(DOCS, '../README.md')];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    let i = 0;
    for (const m of text.matchAll(/```yaml\n([\s\S]*?)```/g)) {
      i++;
      try {
        found.push([`${file.split('/').at(-1)} yaml block ${i}`, parsePolicy(m[1]!)]);
      } catch {
        // not a policy (a manifest, a fragment with "...", a config file)
      }
    }
  }
  return found;
}

/** The signer's own path (validate -> authenticity -> sign -> store), no transport. */
async function signAs(triggerId: string, authenticity: EventPredicate['authenticity'], proofSecret?: string): Promise<SignedEventRecord> {
  const store = new SqliteEventStore(':memory:');
  const auth = new WebhookAuthenticator({ log: silentLogger, secrets: new StaticSecretResolver({ 'attacker-webhook/token': 'team-b-owns-this' }) });
  const service = new EventSigningService(eventKey, store, silentLogger, undefined, auth);
  const body = pushBody();
  const bytes = statementBytes(eventStatement(body, { authenticity, context: { eventId: crypto.randomUUID(), eventUrl: '/', triggerId } }));
  const proof =
    proofSecret === undefined
      ? undefined
      : decodeSignWebhook(
          Buffer.concat(
            encodeSignWebhook(
              {
                provider: 'github',
                secretRef: { secretName: 'attacker-webhook', secretKey: 'token' },
                allowSha1: false,
                headers: { 'X-Hub-Signature-256': hmac('sha256', proofSecret, body) },
                source: '10.0.0.66',
              },
              bytes,
            ),
          ),
        ).proof;
  const { record } = await service.signAndStore(bytes, { proof });
  await store.close();
  return record;
}

async function verdicts(record: SignedEventRecord, policies: Array<[string, Policy]>) {
  const [att] = await attest(simpleBuild(record), attestationKey, { state: 'found', record }, ['in-toto']);
  return policies.map(([name, policy]) => {
    const report = verifyAttestation(name, att!.envelope, {
      keys: [verifierOf(attestationKey)],
      eventKeys: [verifierOf(eventKey)],
      policy,
      image: { repository: IMAGE, digest: IMAGE_DIGEST },
      now: new Date('2026-11-28T23:10:00Z'),
    });
    return { name, report, failed: report.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.message}`) };
  });
}

test('docs/ holds policies to check (the suite is not vacuous)', () => {
  assert.ok(docPolicies().length >= 3, docPolicies().map(([n]) => n).join(', '));
});

test('the unverified event an attacker can get signed fails `event authenticity` under the default policy and every docs policy', async () => {
  const none = await signAs('namespaces/ci/triggers/github-push', { provider: 'none', verified: false, method: 'none', checkedBy: '' });
  const policies: Array<[string, Policy]> = [['default policy', defaultPolicy()], ...docPolicies()];
  for (const v of await verdicts(none, policies)) {
    assert.equal(v.report.ok, false, v.name);
    assert.ok(v.failed.some((f) => /^event authenticity: the webhook was not authenticated: provider none/.test(f)), `${v.name}: ${v.failed.join('; ')}`);
  }
  console.log(`security verify: ${policies.length} policies (default + ${policies.length - 1} from docs/) all refuse the unverified event`);
});

test('an event verified with ANOTHER namespace\'s Secret fails by name where the policy pins Triggers', async () => {
  // team-b's owner has their own labelled Secret: the signer verifies, and says through which Trigger.
  const fromTeamB = await signAs(
    'namespaces/team-b/triggers/push',
    { provider: 'github', verified: true, method: 'hmac-sha256 X-Hub-Signature-256', checkedBy: 'tekton-provenance-signer' },
    'team-b-owns-this',
  );
  const pinned = parsePolicy('event: {providers: [github], triggers: [ci/github-push]}');
  const [v] = await verdicts(fromTeamB, [['pinned', pinned]]);
  assert.equal(v!.report.ok, false);
  assert.deepEqual(
    v!.failed.filter((f) => f.startsWith('event')),
    ['event trigger: accepted through Trigger team-b/push, policy allows ci/github-push'],
  );
  const [open] = await verdicts(fromTeamB, [['unpinned', parsePolicy('event: {providers: [github]}')]]);
  assert.ok(!open!.failed.some((f) => f.startsWith('event')), 'without the pin it passes: why docs/policy.md says to pin');
});

test('a policy that still names trustedDelegates is refused, not silently weakened', () => {
  assert.throws(() => parsePolicy('event: {providers: [github, none], trustedDelegates: [github]}'), /trustedDelegates is no longer supported/);
});
