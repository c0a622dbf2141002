import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { SignedAttestation } from '../../../signer/attest/types.ts';
import { main } from '../../../signer/cli/main.ts';
import { serializeEnvelope } from '../../../signer/dsse/sign.ts';
import { toBundleJson } from '../../../signer/storage/oci/bundle.ts';
import { cosignBundleAnnotation, fromCosignBundleAnnotation, type TlogEntryJson } from '../../../signer/transparency/entry.ts';
import { transparencyLogs } from '../../../signer/transparency/registry.ts';
import { parsePolicy } from '../../../signer/verify/policy/parse-policy.ts';
import { verifyAttestation } from '../../../signer/verify/verify-attestation.ts';
import { RekorLog, RekorStandIn, trustedRoot } from '../../harness/rekor/index.ts';
import { keyBundle, sigstoreVerifyBundle } from '../transparency/sigstore-check.ts';
import { attest, newSigner, signedEvent, simpleBuild, SIMPLE_BUILD_POLICY, verifierOf } from './chain-fixture.ts';

const signer = newSigner();
let rekor: RekorStandIn;
let dir: string;
let root: Record<string, unknown>;
let att: SignedAttestation;
let other: SignedAttestation;

before(async () => {
  rekor = await RekorStandIn.start();
  root = trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey } });
  dir = mkdtempSync(join(tmpdir(), 'verify-tlog-'));
  writeFileSync(join(dir, 'trusted_root.json'), JSON.stringify(root));
  writeFileSync(join(dir, 'other_root.json'), JSON.stringify(trustedRoot({ rekor: { url: rekor.url, publicKey: new RekorLog().publicKey } })));
  writeFileSync(join(dir, 'key.pub'), signer.publicKey.export({ type: 'spki', format: 'pem' }) as string);
  const record = await signedEvent(signer);
  const log = transparencyLogs.get('rekor')({ url: rekor.url });
  [att, other] = (await attest(simpleBuild(record), signer, { state: 'found', record })) as [SignedAttestation, SignedAttestation];
  for (const a of [att, other]) a.tlog = await log.logEnvelope(serializeEnvelope(a.envelope), a.envelope, { publicKey: signer.publicKey });
});
after(async () => {
  await rekor.close();
  rmSync(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) });
  const code = await main(args, { stdout: sink, stderr: sink, env: {}, cwd: dir });
  return { code, out: Buffer.concat(chunks).toString() };
}

const bundleOf = (a: SignedAttestation, entry: TlogEntryJson | undefined): Record<string, unknown> => {
  const b = JSON.parse(toBundleJson(a).toString()) as { verificationMaterial: { tlogEntries: unknown[] } };
  b.verificationMaterial.tlogEntries = entry ? [entry] : [];
  return b;
};
const clone = (e: TlogEntryJson): TlogEntryJson => JSON.parse(JSON.stringify(e)) as TlogEntryJson;
const flipB64 = (b64: string, at = -1): string => {
  const buf = Buffer.from(b64, 'base64');
  const i = at < 0 ? buf.length + at : at;
  buf[i] = (buf[i] ?? 0) ^ 0x01;
  return buf.toString('base64');
};

/** Every way of breaking the proof, with the code it must fail by. */
function tampered(): Array<[string, TlogEntryJson | undefined, string]> {
  const e = att.tlog!.entry;
  const body = clone(e);
  const bodyJson = JSON.parse(Buffer.from(body.canonicalizedBody, 'base64').toString());
  bodyJson.spec.payloadHash.value = '0'.repeat(64);
  body.canonicalizedBody = Buffer.from(JSON.stringify(bodyJson)).toString('base64');
  const set = clone(e);
  set.inclusionPromise!.signedEntryTimestamp = flipB64(set.inclusionPromise!.signedEntryTimestamp);
  const bent = clone(e);
  delete bent.inclusionPromise; // a proof-only entry: the proof alone must then hold
  bent.inclusionProof!.hashes = bent.inclusionProof!.hashes.length > 0 ? [flipB64(bent.inclusionProof!.hashes[0]!, 0), ...bent.inclusionProof!.hashes.slice(1)] : [Buffer.alloc(32).toString('base64')];
  const root = clone(e);
  root.inclusionProof!.rootHash = flipB64(root.inclusionProof!.rootHash, 0);
  delete root.inclusionPromise;
  const checkpoint = clone(e);
  checkpoint.inclusionProof!.checkpoint.envelope = checkpoint.inclusionProof!.checkpoint.envelope.replace(/\n(\d+)\n/, (_m, n) => `\n${Number(n) + 1}\n`);
  const index = clone(e);
  index.logIndex = String(Number(index.logIndex) + 1);
  return [
    ['stripped', undefined, 'TLOG_MISSING'],
    ['altered body', body, 'TLOG_BAD_SET'],
    ['altered SET', set, 'TLOG_BAD_SET'],
    ['bent proof', bent, 'TLOG_BAD_PROOF'],
    ['wrong root hash', root, 'TLOG_BAD_PROOF'],
    ['altered checkpoint', checkpoint, 'TLOG_BAD_PROOF'],
    ['altered log index', index, 'TLOG_BAD_SET'],
    ["another envelope's entry", other.tlog!.entry, 'TLOG_ENTRY_MISMATCH'],
  ];
}

describe('verify-envelope --trusted-root', () => {
  test('a v0.3 bundle with its entry verifies offline; @sigstore/verify agrees', async () => {
    writeFileSync(join(dir, 'good.json'), JSON.stringify(bundleOf(att, att.tlog!.entry)));
    const r = await cli(['verify-envelope', '--key', 'key.pub', '--trusted-root', 'trusted_root.json', 'good.json']);
    assert.equal(r.code, 0, r.out);
    sigstoreVerifyBundle(bundleOf(att, att.tlog!.entry), root, signer.publicKey);
  });

  test('our stored form {envelope, tlog} and a v0.1 bundle from cosign\'s annotation verify too', async () => {
    writeFileSync(join(dir, 'stored.json'), JSON.stringify({ envelope: att.envelope, tlog: att.tlog }));
    assert.equal((await cli(['verify-envelope', '--key', 'key.pub', '--trusted-root', 'trusted_root.json', 'stored.json'])).code, 0);
    const setOnly = fromCosignBundleAnnotation(cosignBundleAnnotation(att.tlog!.entry)!);
    const v01 = { ...bundleOf(att, setOnly), mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1' };
    writeFileSync(join(dir, 'v01.json'), JSON.stringify(v01));
    const r = await cli(['verify-envelope', '--key', 'key.pub', '--trusted-root', 'trusted_root.json', 'v01.json']);
    assert.equal(r.code, 0, r.out);
    sigstoreVerifyBundle(v01, root, signer.publicKey);
  });

  test('stripped, altered or bent proofs fail by name; @sigstore/verify rejects each too', async () => {
    for (const [name, entry, code] of tampered()) {
      const file = `bad-${name.replaceAll(/\W/g, '-')}.json`;
      writeFileSync(join(dir, file), JSON.stringify(bundleOf(att, entry)));
      const r = await cli(['verify-envelope', '--key', 'key.pub', '--trusted-root', 'trusted_root.json', '--json', file]);
      assert.equal(r.code, 1, `${name}: ${r.out}`);
      assert.equal(JSON.parse(r.out).code, code, `${name}: ${r.out}`);
      // @sigstore/verify never reads the proof's own rootHash field (it hashes up to the
      // checkpoint's root); we refuse the disagreement, as cosign does.
      if (entry && name !== 'wrong root hash') assert.throws(() => sigstoreVerifyBundle(bundleOf(att, entry), root, signer.publicKey), Error, name);
    }
  });

  test('a log the trusted root does not hold: TLOG_UNTRUSTED_LOG; a bad root file: usage error', async () => {
    const r = await cli(['verify-envelope', '--key', 'key.pub', '--trusted-root', 'other_root.json', '--json', 'good.json']);
    assert.equal(JSON.parse(r.out).code, 'TLOG_UNTRUSTED_LOG');
    writeFileSync(join(dir, 'not-root.json'), '{"mediaType":"nope"}');
    assert.equal((await cli(['verify-envelope', '--key', 'key.pub', '--trusted-root', 'not-root.json', 'good.json'])).code, 2);
  });
});

describe('verify (whole chain): policy transparency required|optional', () => {
  test('a logged attestation passes the transparency check; unlogged fails only when required', async () => {
    const { parseTrustedRoot } = await import('../../../signer/transparency/trusted-root.ts');
    const trusted = parseTrustedRoot(JSON.stringify(root));
    const opts = { keys: [verifierOf(signer)], policy: { ...parsePolicy(SIMPLE_BUILD_POLICY), transparency: 'required' as const }, trustedRoot: trusted };
    const ok = verifyAttestation('logged', att.envelope, opts, { tlogEntries: [att.tlog!.entry], raw: Buffer.from(serializeEnvelope(att.envelope)) });
    assert.equal(ok.checks.find((c) => c.name === 'transparency')?.status, 'pass', JSON.stringify(ok.checks));
    const missing = verifyAttestation('unlogged', att.envelope, opts);
    assert.match(missing.checks.find((c) => c.name === 'transparency')?.message ?? '', /TLOG_MISSING/);
    assert.equal(missing.ok, false);
    const optional = verifyAttestation('unlogged', att.envelope, { ...opts, policy: { ...opts.policy, transparency: 'optional' } });
    assert.equal(optional.checks.find((c) => c.name === 'transparency'), undefined, 'not logged, not required: no check');
    // cosign's check: the stored bytes must be the logged envelope (a re-serialised copy is not).
    const reordered = Buffer.from(JSON.stringify({ payload: att.envelope.payload, payloadType: att.envelope.payloadType, signatures: att.envelope.signatures }));
    const wrongBytes = verifyAttestation('reserialised', att.envelope, opts, { tlogEntries: [att.tlog!.entry], raw: reordered });
    assert.match(wrongBytes.checks.find((c) => c.name === 'transparency')?.message ?? '', /TLOG_ENTRY_MISMATCH/);
  });

  test('tkn-provenance verify --trusted-root reads the entry from a bundle file', async () => {
    writeFileSync(join(dir, 'att.bundle.json'), JSON.stringify(bundleOf(att, att.tlog!.entry)));
    writeFileSync(join(dir, 'policy.yaml'), 'transparency: required\nevent:\n  required: false\n');
    const r = await cli(['verify', '--key', 'key.pub', '--trusted-root', 'trusted_root.json', '--policy', 'policy.yaml', '--attestation', 'att.bundle.json']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /transparency.*logged at index/);
    writeFileSync(join(dir, 'att.plain.json'), serializeEnvelope(att.envelope));
    const plain = await cli(['verify', '--key', 'key.pub', '--trusted-root', 'trusted_root.json', '--policy', 'policy.yaml', '--attestation', 'att.plain.json']);
    assert.equal(plain.code, 1, plain.out);
  });
});

test('keyBundle helper stays in step with toBundleJson', () => {
  assert.ok(keyBundle(att.envelope, att.tlog!.entry));
});
