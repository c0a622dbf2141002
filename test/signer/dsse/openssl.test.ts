// Independent implementation: the openssl CLI verifies what we sign, and signs what we verify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signEnvelope } from '../../../signer/dsse/sign.ts';
import { verifyEnvelope } from '../../../signer/dsse/verify.ts';
import { pae } from '../../../signer/dsse/pae.ts';
import { PublicKeyVerifier } from '../../../signer/keys/local.ts';
import { KEY_TYPES, pair, type KeyType } from './keys.ts';

const TYPE = 'application/vnd.in-toto+json';
const body = Buffer.from('{"_type":"https://in-toto.io/Statement/v1","subject":[]}');
const openssl = (args: string[]): string =>
  execFileSync('openssl', args, { encoding: 'utf8', stdio: 'pipe' });

function withDir(fn: (dir: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsse-openssl-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** openssl's verify command line for a key type (Ed25519 is pure: pkeyutl -rawin, no digest). */
function opensslVerifyArgs(type: KeyType, pub: string, sig: string, data: string): string[] {
  return type === 'ed25519'
    ? ['pkeyutl', '-verify', '-pubin', '-inkey', pub, '-rawin', '-in', data, '-sigfile', sig]
    : ['dgst', '-sha256', '-verify', pub, '-signature', sig, data];
}

for (const type of KEY_TYPES) {
  test(
    `${type}: openssl verifies our envelope signature over the PAE, and rejects it for an altered PAE`,
    withDir(async (dir) => {
      const { signer } = pair(type);
      const env = await signEnvelope(TYPE, body, [signer]);
      const files = { pub: join(dir, 'pub.pem'), sig: join(dir, 'sig.der'), pae: join(dir, 'pae.bin') };
      writeFileSync(files.pub, signer.publicKey.export({ type: 'spki', format: 'pem' }));
      writeFileSync(files.sig, Buffer.from(env.signatures[0]!.sig, 'base64'));
      writeFileSync(files.pae, pae(env.payloadType, Buffer.from(env.payload, 'base64')));
      assert.match(
        openssl(opensslVerifyArgs(type, files.pub, files.sig, files.pae)),
        /Verified OK|Signature Verified Successfully/,
      );
      writeFileSync(files.pae, pae('text/plain', body));
      assert.throws(() => openssl(opensslVerifyArgs(type, files.pub, files.sig, files.pae)));
    }),
  );

  test(
    `${type}: an envelope signed by openssl with an openssl-generated key verifies with ours`,
    withDir((dir) => {
      const genArgs: Record<KeyType, string[]> = {
        'ecdsa-p256': ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
        ed25519: ['-algorithm', 'ED25519'],
        rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      };
      const key = join(dir, 'key.pem');
      const pub = join(dir, 'pub.pem');
      const data = join(dir, 'pae.bin');
      const sig = join(dir, 'sig.bin');
      openssl(['genpkey', ...genArgs[type], '-out', key]);
      openssl(['pkey', '-in', key, '-pubout', '-out', pub]);
      writeFileSync(data, pae(TYPE, body));
      openssl(
        type === 'ed25519'
          ? ['pkeyutl', '-sign', '-inkey', key, '-rawin', '-in', data, '-out', sig]
          : ['dgst', '-sha256', '-sign', key, '-out', sig, data],
      );
      const verifier = PublicKeyVerifier.fromPem(readFileSync(pub));
      const env = {
        payloadType: TYPE,
        payload: body.toString('base64'),
        signatures: [{ sig: readFileSync(sig).toString('base64') }],
      };
      assert.deepEqual(verifyEnvelope(env, [verifier], { payloadType: TYPE }).payload, body);
      assert.throws(() => verifyEnvelope({ ...env, payloadType: 'text/plain' }, [verifier]), {
        code: 'BAD_SIGNATURE',
      });
    }),
  );
}
