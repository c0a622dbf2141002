import { createPrivateKey, type KeyObject } from 'node:crypto';
import { decryptCosignKey, isCosignKey } from './cosign.ts';
import { keyError } from './errors.ts';
import { resolvePassword, type PasswordSources } from './password.ts';
import { pemBlocks } from './pem.ts';

/** PEM labels of plain private keys node:crypto reads directly. */
const PLAIN_LABELS = new Set(['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY']);

/**
 * A private key from PEM text: PKCS#8 (`PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`), PKCS#1
 * (`RSA PRIVATE KEY`), or a cosign encrypted key (password from `src`). `what` names the
 * source in errors (a path, never the key itself).
 */
export async function privateKeyFromPem(
  pem: string,
  what: string,
  src: PasswordSources = {},
): Promise<KeyObject> {
  if (isCosignKey(pem)) return decryptCosignKey(pem, await resolvePassword(src, what));
  const blocks = pemBlocks(pem);
  if (blocks.some((b) => b.label === 'ENCRYPTED PRIVATE KEY')) {
    throw keyError(
      'ENCRYPTED_PEM',
      `${what} is a passphrase-protected PKCS#8 key: convert it to a cosign key or an unencrypted PKCS#8 key`,
    );
  }
  const block = blocks.find((b) => PLAIN_LABELS.has(b.label));
  if (!block) {
    const labels = blocks.map((b) => b.label).join(', ') || 'no PEM block';
    throw keyError('NOT_A_PRIVATE_KEY', `${what} holds no private key (found: ${labels})`);
  }
  try {
    const type =
      block.label === 'PRIVATE KEY' ? 'pkcs8' : block.label === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs1';
    return createPrivateKey({ key: block.der, format: 'der', type });
  } catch (err) {
    throw keyError(
      'UNREADABLE_KEY',
      `${what}: ${block.label} cannot be parsed (${(err as Error).message})`,
      err,
    );
  }
}
