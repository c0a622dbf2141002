import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  KEY_SOURCES,
  awsKmsKeySource,
  loadSigner,
  loadVerifiers,
  sourceNameOf,
} from '../../../signer/keys/sources.ts';
import { signEnvelope } from '../../../signer/dsse/sign.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { cosignKeyFixture } from './cosign-fixture.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'key-sources-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string | Buffer): string => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
};
const spki = (k: KeyObject): string => k.export({ type: 'spki', format: 'pem' }) as string;

async function roundTrip(keyRef: string, pubRef: string, opts = {}): Promise<string> {
  const signer = await loadSigner(keyRef, opts);
  const env = await signEnvelope('text/plain', Buffer.from('x'), [signer]);
  return verifyEnvelope(env, await loadVerifiers(pubRef)).keyids[0]!;
}

test('PKCS#8 PEM files: ECDSA P-256, Ed25519 and RSA sign with the matching algorithm', async () => {
  const cases = [
    [generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'ecdsa-p256-sha256'],
    [generateKeyPairSync('ed25519'), 'ed25519'],
    [generateKeyPairSync('rsa', { modulusLength: 2048 }), 'rsa-pkcs1v15-sha256'],
  ] as const;
  for (const [{ privateKey, publicKey }, algorithm] of cases) {
    const key = write(`${algorithm}.pem`, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const pub = write(`${algorithm}.pub`, spki(publicKey));
    assert.equal((await loadSigner(key)).algorithm, algorithm);
    assert.equal(await roundTrip(`file://${key}`, pub), (await loadSigner(key)).keyid);
  }
});

test('SEC1 "EC PRIVATE KEY" and PKCS#1 "RSA PRIVATE KEY" are accepted too', async () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await roundTrip(
    write('sec1.pem', ec.privateKey.export({ type: 'sec1', format: 'pem' })),
    write('sec1.pub', spki(ec.publicKey)),
  );
  await roundTrip(
    write('pkcs1.pem', rsa.privateKey.export({ type: 'pkcs1', format: 'pem' })),
    write('pkcs1.pub', spki(rsa.publicKey)),
  );
});

test('unsupported or wrong key files each have their own error code', async () => {
  const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
  const smallRsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const ed = generateKeyPairSync('ed25519');
  const enc = ed.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' });
  const cases: [string, string][] = [
    [write('p521.pem', p521.privateKey.export({ type: 'pkcs8', format: 'pem' })), 'UNSUPPORTED_CURVE'],
    [write('rsa1024.pem', smallRsa.privateKey.export({ type: 'pkcs8', format: 'pem' })), 'UNSUPPORTED_KEY'],
    [write('enc.pem', enc), 'ENCRYPTED_PEM'],
    [write('only.pub', spki(ed.publicKey)), 'NOT_A_PRIVATE_KEY'],
    [write('junk.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), 'UNREADABLE_KEY'],
    [join(dir, 'missing.pem'), 'KEY_NOT_FOUND'],
    ['gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k', 'UNKNOWN_KEY_SOURCE'],
  ];
  for (const [ref, code] of cases) await assert.rejects(loadSigner(ref), { code }, ref);
  await assert.rejects(
    loadVerifiers(write('priv-only.pem', ed.privateKey.export({ type: 'pkcs8', format: 'pem' }))),
    {
      code: 'NOT_A_PUBLIC_KEY',
    },
  );
  await assert.rejects(loadVerifiers(join(dir, 'nope.pub')), { code: 'KEY_NOT_FOUND' });
});

test('a Chains signing-secrets directory with x509.pem signs', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  write('secret-x509/x509.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }));
  await roundTrip(join(dir, 'secret-x509'), write('secret-x509.pub', spki(publicKey)));
});

test('a Chains signing-secrets directory with cosign.key + cosign.password signs (Secret mount symlinks)', async () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  // Kubernetes mounts Secret keys as symlinks into a ..data directory.
  write('secret-cosign/..data/cosign.key', cosignKeyFixture(privateKey, 'chains-pw'));
  write('secret-cosign/..data/cosign.password', 'chains-pw');
  write('secret-cosign/..data/cosign.pub', spki(publicKey));
  for (const f of ['cosign.key', 'cosign.password', 'cosign.pub'])
    symlinkSync(join('..data', f), join(dir, 'secret-cosign', f));
  const secret = join(dir, 'secret-cosign');
  await roundTrip(secret, secret, { env: {} });
  // An explicit password wins over the directory's file.
  await assert.rejects(loadSigner(secret, { password: 'other' }), { code: 'WRONG_PASSWORD' });
  await assert.rejects(loadSigner(write('empty-dir/readme.txt', 'x').replace('/readme.txt', '')), {
    code: 'NO_KEYS',
    message: /x509\.pem nor cosign\.key/,
  });
});

test('a directory of public keys gives one verifier per key (rotation), skipping non-key files', async () => {
  const a = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b = generateKeyPairSync('ed25519');
  write('trust/old.pub', spki(a.publicKey));
  write('trust/new.pem', spki(b.publicKey));
  write('trust/x509.pem', a.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  write('trust/cosign.password', 'pw');
  write('trust/dup.pub', spki(a.publicKey));
  const verifiers = await loadVerifiers(join(dir, 'trust'));
  assert.equal(verifiers.length, 2);
  const signerA = await loadSigner(join(dir, 'trust/x509.pem'));
  const env = await signEnvelope('t', Buffer.from('x'), [signerA]);
  assert.deepEqual(verifyEnvelope(env, verifiers).keyids, [signerA.keyid]);
  await assert.rejects(loadVerifiers(write('no-pubs/a.txt', 'x').replace('/a.txt', '')), { code: 'NO_KEYS' });
});

test('one PEM file with several public keys and several refs merge, one verifier per keyid', async () => {
  const a = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const both = write('both.pub', spki(a.publicKey) + spki(b.publicKey));
  const onlyA = write('a-only.pub', spki(a.publicKey));
  assert.equal((await loadVerifiers([both, onlyA])).length, 2);
});

test('awskms:// refs go to the AWS KMS key source; other schemes are named as unsupported', async () => {
  assert.equal(sourceNameOf('awskms://localhost:4566/alias/x'), 'awskms');
  assert.equal(sourceNameOf('awskms:///arn:aws:kms:us-east-1:1:key/k'), 'awskms');
  assert.equal(sourceNameOf('/etc/keys/cosign.key'), 'file');
  assert.equal(KEY_SOURCES.get('awskms'), awsKmsKeySource);
  await assert.rejects(loadVerifiers('hashivault://k'), {
    code: 'UNKNOWN_KEY_SOURCE',
    message: /awskms, file/,
  });
});
