import { createHash, type KeyObject } from 'node:crypto';
import { ProvenanceError } from '../errors.ts';

/**
 * The keyid Tekton Chains puts in DSSE signatures: `SHA256:` + unpadded standard base64 of
 * sha256 over the SSH wire encoding of the public key (golang.org/x/crypto/ssh
 * FingerprintSHA256). Computing it the same way lets Chains- and our-signed records share
 * one trust list.
 */
export function chainsKeyId(publicKey: KeyObject): string {
  const digest = createHash('sha256').update(sshWirePublicKey(publicKey)).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}

/** RFC 4253 / RFC 5656 / RFC 8709 public key blob. */
export function sshWirePublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  switch (publicKey.asymmetricKeyType) {
    case 'ec': {
      const curve = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' }[jwk.crv ?? ''];
      if (!curve)
        throw new ProvenanceError('UNSUPPORTED_CURVE', `unsupported EC curve ${jwk.crv ?? 'unknown'}`);
      const point = Buffer.concat([Buffer.from([4]), b64u(jwk.x), b64u(jwk.y)]);
      return Buffer.concat([sshString(`ecdsa-sha2-${curve}`), sshString(curve), sshString(point)]);
    }
    case 'ed25519':
      return Buffer.concat([sshString('ssh-ed25519'), sshString(b64u(jwk.x))]);
    case 'rsa':
      return Buffer.concat([sshString('ssh-rsa'), sshMpint(b64u(jwk.e)), sshMpint(b64u(jwk.n))]);
    default:
      throw new ProvenanceError('UNSUPPORTED_KEY', `unsupported key type ${publicKey.asymmetricKeyType}`);
  }
}

function b64u(value: string | undefined): Buffer {
  if (value === undefined) throw new ProvenanceError('UNSUPPORTED_KEY', 'public key JWK is missing a field');
  return Buffer.from(value, 'base64url');
}

function sshString(value: string | Buffer): Buffer {
  const body = typeof value === 'string' ? Buffer.from(value) : value;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** Unsigned big-endian integer as an SSH mpint: no leading zeros, a 0x00 pad when the top bit is set. */
function sshMpint(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  let body = value.subarray(start);
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return sshString(body);
}
