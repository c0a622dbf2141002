// Known answers from the real public-good instance: keyless DSSE bundles logged in
// rekor.sigstore.dev (sigstore-conformance test data), verified offline against the trusted
// root @sigstore/tuf ships in its seeds, and each rejected once tampered.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { main } from '../../../signer/cli/main.ts';
import { sigstoreVerifyBundle } from '../transparency/sigstore-check.ts';

const FIXTURES = new URL('../../fixtures/sigstore-public-good/', import.meta.url).pathname;
const IDENTITY = 'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const seeds = createRequire(import.meta.url)('@sigstore/tuf/seeds.json') as Record<string, { targets: Record<string, string> }>;
const ROOT = JSON.parse(Buffer.from(seeds['https://tuf-repo-cdn.sigstore.dev']!.targets['trusted_root.json']!, 'base64').toString()) as Record<string, unknown>;

type Bundle = {
  dsseEnvelope: { payload: string };
  verificationMaterial: { tlogEntries: Array<{ inclusionPromise?: { signedEntryTimestamp: string }; inclusionProof: { hashes: string[]; checkpoint: { envelope: string } } }> };
};
const load = (name: string): Bundle => JSON.parse(readFileSync(join(FIXTURES, `${name}.sigstore.json`), 'utf8')) as Bundle;
const flip = (b64: string, at = 8): string => {
  const buf = Buffer.from(b64, 'base64');
  buf[at] = (buf[at] ?? 0) ^ 0x01;
  return buf.toString('base64');
};

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'public-good-'));
  writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(ROOT));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function verify(bundle: unknown, ...flags: string[]): Promise<{ code: number; out: { valid: boolean; code?: string; error?: string } }> {
  const file = join(dir, `b${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(bundle));
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) });
  const args = flags.length > 0 ? flags : ['--certificate-identity', IDENTITY, '--certificate-oidc-issuer', ISSUER];
  const code = await main(['verify-envelope', '--trusted-root', 'trusted_root.json', ...args, '--json', file], { stdout: sink, stderr: sink, env: {}, cwd: dir });
  return { code, out: JSON.parse(Buffer.concat(chunks).toString() || '{}') };
}

test('a real keyless, logged DSSE bundle verifies offline (chain, SCT, SET, checkpoint, proof, identity); @sigstore/verify agrees', async () => {
  const happy = load('happy-path-intoto-in-dsse-v3');
  const r = await verify(happy);
  assert.equal(r.code, 0, JSON.stringify(r.out));
  assert.equal(r.out.valid, true);
  sigstoreVerifyBundle(happy, ROOT, undefined, { subjectAlternativeName: IDENTITY, extensions: { issuer: ISSUER } });
  const regexp = await verify(happy, '--certificate-identity-regexp', '^https://github\\.com/sigstore-conformance/', '--certificate-oidc-issuer', ISSUER);
  assert.equal(regexp.code, 0);
});

test('another identity or issuer: CERT_IDENTITY_MISMATCH; no identity given: refused', async () => {
  const happy = load('happy-path-intoto-in-dsse-v3');
  assert.equal((await verify(happy, '--certificate-identity', 'https://kubernetes.io/namespaces/ci/serviceaccounts/x', '--certificate-oidc-issuer', ISSUER)).out.code, 'CERT_IDENTITY_MISMATCH');
  assert.equal((await verify(happy, '--certificate-identity', IDENTITY, '--certificate-oidc-issuer', 'https://accounts.google.com')).out.code, 'CERT_IDENTITY_MISMATCH');
  assert.equal((await verify(happy, '--payload-type', 'application/vnd.in-toto+json')).code, 1);
});

test('each tampering is rejected by name, and by @sigstore/verify', async () => {
  const cases: Array<[string, (b: Bundle) => void, string]> = [
    ['stripped entry', (b) => { b.verificationMaterial.tlogEntries = []; }, 'TLOG_MISSING'],
    ['altered SET', (b) => { const e = b.verificationMaterial.tlogEntries[0]!; e.inclusionPromise!.signedEntryTimestamp = flip(e.inclusionPromise!.signedEntryTimestamp); }, 'TLOG_BAD_SET'],
    ['bent proof', (b) => { const p = b.verificationMaterial.tlogEntries[0]!.inclusionProof; p.hashes[0] = flip(p.hashes[0]!); }, 'TLOG_BAD_PROOF'],
    ['altered checkpoint signature', (b) => { const c = b.verificationMaterial.tlogEntries[0]!.inclusionProof.checkpoint; c.envelope = c.envelope.replace(/(\u2014 \S+ )(\S+)\n/, (_m, a: string, sig: string) => `${a}${flip(sig, 20)}\n`); }, 'TLOG_BAD_PROOF'],
    ['altered payload', (b) => { b.dsseEnvelope.payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}').toString('base64'); }, 'TLOG_ENTRY_MISMATCH'],
  ];
  for (const [name, mutate, code] of cases) {
    const b = load('happy-path-intoto-in-dsse-v3');
    mutate(b);
    const r = await verify(b);
    assert.equal(r.code, 1, name);
    assert.equal(r.out.code, code, `${name}: ${JSON.stringify(r.out)}`);
    assert.throws(() => sigstoreVerifyBundle(b, ROOT, undefined, { subjectAlternativeName: IDENTITY, extensions: { issuer: ISSUER } }), Error, name);
  }
});

test("sigstore-conformance's failing DSSE bundles fail here too", async () => {
  for (const [name, code] of [['dsse-mismatch-sig_fail', 'TLOG_ENTRY_MISMATCH'], ['dsse-mismatch-envelope_fail', 'TLOG_ENTRY_MISMATCH'], ['dsse-invalid-sig_fail', 'TLOG_ENTRY_MISMATCH']] as const) {
    const r = await verify(load(name));
    assert.equal(r.code, 1, name);
    assert.equal(r.out.code, code, `${name}: ${JSON.stringify(r.out)}`);
  }
});
