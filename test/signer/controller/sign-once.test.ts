// The signing journal (SQLite and in memory) and the `sign` step that replays it: a retry of
// the same run and payload gets the envelope (and log entry) an earlier attempt made.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BuiltAttestation } from '../../../signer/attest/attest-run.ts';
import type { ReconcileDeps } from '../../../signer/controller/deps.ts';
import { JOURNAL_TTL_MS, type JournalKey, type SigningJournal } from '../../../signer/controller/journal/journal.ts';
import { MemorySigningJournal } from '../../../signer/controller/journal/memory.ts';
import { SqliteSigningJournal } from '../../../signer/controller/journal/sqlite.ts';
import { journalLogged, signOnce } from '../../../signer/controller/sign-once.ts';
import type { SigningIdentity } from '../../../signer/controller/transparency.ts';
import { IN_TOTO_PAYLOAD_TYPE } from '../../../signer/dsse/envelope.ts';
import { serializeEnvelope } from '../../../signer/dsse/sign.ts';
import type { KeylessSigner } from '../../../signer/keyless/keyless-signer.ts';
import { LocalSigner } from '../../../signer/keys/local.ts';
import type { LoggedEntry } from '../../../signer/transparency/entry.ts';
import { FulcioCa } from '../../harness/fulcio/index.ts';
import { runRef, testSigner } from '../storage/fixtures.ts';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'journal-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

const KEY: JournalKey = { runUid: 'uid-1', format: 'in-toto', payloadSha256: 'ab'.repeat(32), signer: 'SHA256:k' };
const TLOG: LoggedEntry = {
  url: 'http://127.0.0.1:1', uuid: 'u',
  entry: { logIndex: '7', logId: { keyId: 'AA==' }, kindVersion: { kind: 'dsse', version: '0.0.1' }, integratedTime: '1', canonicalizedBody: 'e30=' },
};

for (const [kind, open] of [['sqlite', (name: string) => new SqliteSigningJournal(join(dir, name))], ['memory', () => new MemorySigningJournal()]] as const) {
  describe(`${kind} journal`, () => {
    test('signed -> find -> logged -> find; other payload, format or signer: nothing; forget drops the run', async () => {
      const j: SigningJournal = open(`${kind}-a.db`);
      try {
        assert.equal(await j.find(KEY), undefined);
        await j.signed(KEY, { envelope: '{"e":1}', certificates: ['PEM'] });
        assert.deepEqual(await j.find(KEY), { envelope: '{"e":1}', certificates: ['PEM'] });
        await j.logged(KEY, TLOG);
        assert.deepEqual(await j.find(KEY), { envelope: '{"e":1}', certificates: ['PEM'], tlog: TLOG });
        for (const other of [{ payloadSha256: 'cd'.repeat(32) }, { format: 'slsa/v1' }, { signer: 'keyless' }, { runUid: 'uid-2' }]) {
          assert.equal(await j.find({ ...KEY, ...other }), undefined, JSON.stringify(other));
        }
        await j.signed({ ...KEY, runUid: 'uid-2' }, { envelope: '{"e":2}' });
        await j.forget('uid-1');
        assert.equal(await j.find(KEY), undefined);
        assert.deepEqual(await j.find({ ...KEY, runUid: 'uid-2' }), { envelope: '{"e":2}' });
      } finally {
        j.close();
      }
    });
  });
}

describe('sqlite journal durability', () => {
  test('an entry survives closing and reopening; entries older than the TTL go on open', async () => {
    const path = join(dir, 'durable.db');
    const a = new SqliteSigningJournal(path);
    await a.signed(KEY, { envelope: '{"e":1}' });
    await a.logged(KEY, TLOG);
    a.close();
    const b = new SqliteSigningJournal(path);
    assert.deepEqual(await b.find(KEY), { envelope: '{"e":1}', tlog: TLOG });
    b.close();
    const realNow = Date.now;
    Date.now = () => realNow() + JOURNAL_TTL_MS + 60_000;
    try {
      const c = new SqliteSigningJournal(path);
      assert.equal(c.count(), 0, 'an entry of a run never marked expires');
      c.close();
    } finally {
      Date.now = realNow;
    }
  });

  test('a journal that cannot be opened is JOURNAL_FAILED', () => {
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    assert.throws(() => new SqliteSigningJournal(join(file, 'journal.db')), { code: 'JOURNAL_FAILED' });
  });

  test('the memory journal is bounded: the oldest entries go first', async () => {
    const j = new MemorySigningJournal(2);
    for (const uid of ['a', 'b', 'c']) await j.signed({ ...KEY, runUid: uid }, { envelope: uid });
    assert.equal(await j.find({ ...KEY, runUid: 'a' }), undefined);
    assert.ok(await j.find({ ...KEY, runUid: 'c' }));
  });
});

describe('signOnce', () => {
  const built = (text: string, format = 'in-toto'): BuiltAttestation => ({
    format, payloadType: IN_TOTO_PAYLOAD_TYPE, predicateType: 'https://slsa.dev/provenance/v0.2', payload: Buffer.from(text), subjects: [],
  });
  const deps = (journal: SigningJournal, keyless = false) =>
    ({ journal, signer: () => testSigner, keyless: () => (keyless ? ({} as KeylessSigner) : undefined) }) as unknown as ReconcileDeps;
  const counting = (id: SigningIdentity) => {
    const calls = { n: 0 };
    return { calls, identity: async () => { calls.n++; return id; } };
  };

  test('key-signed: a retry of the same payload replays the envelope and entry without signing; another payload is signed', async () => {
    const d = deps(new MemorySigningJournal());
    const { calls, identity } = counting({ signer: testSigner });
    const [first] = await signOnce(d, runRef(), [built('{"a":1}')], identity);
    assert.equal(calls.n, 1);
    first!.tlog = TLOG;
    await journalLogged(d, [first!]);
    const [again] = await signOnce(d, runRef(), [built('{"a":1}')], identity);
    assert.equal(calls.n, 1, 'nothing to sign: no identity asked for');
    assert.equal(serializeEnvelope(again!.envelope), serializeEnvelope(first!.envelope));
    assert.deepEqual(again!.tlog, TLOG);
    const [changed] = await signOnce(d, runRef(), [built('{"a":2}')], identity);
    assert.equal(calls.n, 2);
    assert.notEqual(changed!.envelope.payload, first!.envelope.payload);
    const [otherRun] = await signOnce(d, runRef('uid-2'), [built('{"a":1}')], identity);
    assert.notEqual(otherRun!.envelope.signatures[0]?.sig, first!.envelope.signatures[0]?.sig, 'keyed by run uid');
  });

  test('keyless: the journaled chain comes back with the envelope; unlogged under an expiring certificate, it is signed anew', async () => {
    const ca = new FulcioCa();
    const session = (lifetimeMs: number): SigningIdentity => {
      const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const leaf = ca.issue({ publicKey: key.publicKey, sanUri: 'https://kubernetes.io/namespaces/ns/serviceaccounts/sa', oidcIssuer: 'https://issuer', lifetimeMs });
      return { signer: new LocalSigner(key.privateKey), certificates: [FulcioCa.pem(leaf), FulcioCa.pem(ca.intermediateDer), FulcioCa.pem(ca.rootDer)] };
    };
    const d = deps(new MemorySigningJournal(), true);
    const long = session(600_000);
    const [a] = await signOnce(d, runRef(), [built('{"k":1}')], async () => long);
    const [replayed] = await signOnce(d, runRef(), [built('{"k":1}')], async () => session(600_000));
    assert.deepEqual(replayed!.certificates, long.certificates, 'the chain the envelope was signed under, not the new session\'s');
    assert.equal(serializeEnvelope(replayed!.envelope), serializeEnvelope(a!.envelope));

    const short = session(30_000); // under the replay margin: it could expire before the log integrates the entry
    const [s1] = await signOnce(d, runRef('uid-3'), [built('{"k":1}')], async () => short);
    const fresh = session(600_000);
    const [s2] = await signOnce(d, runRef('uid-3'), [built('{"k":1}')], async () => fresh);
    assert.notEqual(s2!.envelope.signatures[0]?.sig, s1!.envelope.signatures[0]?.sig);
    assert.deepEqual(s2!.certificates, fresh.certificates);
    // Once logged, it is replayed whatever the certificate's age (the entry proves when it was signed).
    s2!.tlog = TLOG;
    await journalLogged(d, [s2!]);
    const [s3] = await signOnce(d, runRef('uid-3'), [built('{"k":1}')], async () => session(600_000));
    assert.equal(s3!.envelope.signatures[0]?.sig, s2!.envelope.signatures[0]?.sig);
  });
});
