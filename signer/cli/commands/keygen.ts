import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { EXIT_OK, EXIT_USAGE, UsageError, type CliIO, type Command } from '../command.ts';
import { boolFlag, parseFlags, stringFlag } from '../flags.ts';
import { encryptCosignKey } from '../../keys/cosign.ts';
import { KEY_TYPES, generateKeyPair, pemPair, type KeyType } from '../../keys/generate.ts';
import { chainsKeyId } from '../../keys/keyid.ts';
import { promptNewPassword } from '../prompt.ts';

const HELP = `tkn-provenance keygen: generate a signing key pair

Usage:
  tkn-provenance keygen [--out DIR] [--type ecdsa-p256|ed25519|rsa] [--cosign] [--force]

Writes, in DIR (default: the current directory):
  signing.key  PKCS#8 PEM private key (mode 0600)       signing.pub  SPKI "PUBLIC KEY" PEM
or with --cosign (the layout of \`cosign generate-key-pair\`):
  cosign.key   "ENCRYPTED SIGSTORE PRIVATE KEY" (scrypt N=65536 + nacl secretbox, mode 0600)
  cosign.pub   SPKI "PUBLIC KEY" PEM
and prints the keyid (Chains' SHA256:... fingerprint) on stdout.

Flags:
  --out DIR                  directory to write into (created if missing)
  --type TYPE                ecdsa-p256 (default), ed25519 or rsa (3072 bits)
  --cosign                   write a cosign encrypted key; the password is COSIGN_PASSWORD,
                             or asked twice on the terminal (no echo) when that is unset
  --allow-empty-password     with --cosign, accept COSIGN_PASSWORD="" (refused by default)
  --force                    overwrite existing key files

Exit: 0 written, 2 usage error (bad flag, missing password, files exist).

Examples:
  tkn-provenance keygen --out ./keys
  tkn-provenance keygen --type ed25519 --out ./keys
  COSIGN_PASSWORD=... tkn-provenance keygen --cosign --out ./signing-secrets
  kubectl create secret generic signing-secrets -n tekton-provenance \\
    --from-file=cosign.key=./signing-secrets/cosign.key --from-literal=cosign.password="$COSIGN_PASSWORD"
  kubectl create secret generic signing-secrets -n tekton-provenance --from-file=x509.pem=./keys/signing.key
`;

const FLAGS = {
  out: { type: 'string' },
  type: { type: 'string' },
  cosign: { type: 'boolean' },
  'allow-empty-password': { type: 'boolean' },
  force: { type: 'boolean' },
} as const;

const command: Command = {
  name: 'keygen',
  summary: 'generate a signing key pair',
  help: HELP,
  async run(argv, io) {
    const { values } = parseFlags(argv, FLAGS, { maxPositionals: 0 });
    const type = (stringFlag(values, 'type') ?? 'ecdsa-p256') as KeyType;
    if (!KEY_TYPES.includes(type))
      throw new UsageError(`--type must be one of ${KEY_TYPES.join(', ')}, got "${type}"`);
    const cosign = boolFlag(values, 'cosign');
    const password = cosign ? await cosignPassword(io, boolFlag(values, 'allow-empty-password')) : undefined;
    const dir = resolve(io.cwd, stringFlag(values, 'out') ?? '.');
    const { privateKey, publicKey } = generateKeyPair(type);
    const { privatePem, publicPem } = pemPair(privateKey);
    const privateText = password === undefined ? privatePem : await encryptCosignKey(privateKey, password);
    const base = cosign ? 'cosign' : 'signing';
    const files = { key: join(dir, `${base}.key`), pub: join(dir, `${base}.pub`) };
    const flag = boolFlag(values, 'force') ? 'w' : 'wx';
    try {
      await mkdir(dir, { recursive: true });
      await writeFile(files.key, privateText, { mode: 0o600, flag });
      await writeFile(files.pub, publicPem, { mode: 0o644, flag });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      io.stderr.write(
        `tkn-provenance keygen: ${(err as NodeJS.ErrnoException).path} exists; use --force to overwrite\n`,
      );
      return EXIT_USAGE;
    }
    io.stderr.write(`private key: ${files.key}\npublic key:  ${files.pub}\n`);
    io.stdout.write(`${chainsKeyId(publicKey)}\n`);
    return EXIT_OK;
  },
};

/**
 * COSIGN_PASSWORD, or (unset) asked twice on the terminal without echo, as cosign does;
 * empty only when explicitly allowed. Never echoed, logged or stored.
 */
async function cosignPassword(io: CliIO, allowEmpty: boolean): Promise<Buffer> {
  let value = io.env.COSIGN_PASSWORD;
  if (value === undefined) {
    if (io.stdin?.isTTY !== true) {
      throw new UsageError('--cosign needs a password: set COSIGN_PASSWORD, or run on a terminal to be asked for it');
    }
    value = await promptNewPassword({ input: io.stdin, output: io.stderr });
  }
  if (value === '' && !allowEmpty) {
    throw new UsageError(
      'the password is empty: an unprotected key; pass --allow-empty-password to accept that',
    );
  }
  return Buffer.from(value);
}

export default command;
