import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXIT_OK, UsageError, type Command } from '../command.ts';
import { boolFlag, onePositional, parseFlags, stringFlag } from '../flags.ts';
import { createDsseBundle } from '../../bundle/create.ts';
import { serializeEnvelope, signEnvelope } from '../../dsse/sign.ts';
import { loadSigner } from '../../keys/sources.ts';
import type { Signer } from '../../keys/signer.ts';
import { resolveKeyRef } from '../key-refs.ts';
import { writeOutputFile } from '../files.ts';

const HELP = `tkn-provenance sign: sign a file as a DSSE envelope

Usage:
  tkn-provenance sign --key KEY --payload-type TYPE [--out FILE] [--bundle] FILE

Signs the exact bytes of FILE (never re-serialised) over DSSE's PAE and writes the envelope
{"payloadType","payload","signatures":[{"keyid","sig"}]} (standard base64) to --out or stdout.
With --bundle, writes a sigstore bundle v0.3 holding the envelope instead (no transparency
log: verify with \`verify-envelope\` or cosign with --insecure-ignore-tlog).

KEY is any key source:
  path/to/key.pem            PKCS#8 (or SEC1 / PKCS#1) PEM: ECDSA P-256, Ed25519, RSA
  path/to/cosign.key         cosign encrypted key; password from COSIGN_PASSWORD or --password-file
  path/to/signing-secrets/   a Chains signing-secrets dir: x509.pem, or cosign.key + cosign.password
  awskms://[endpoint]/KEY    an AWS KMS asymmetric signing key (key id, ARN or alias/NAME)

Flags:
  --key KEY                  signing key (required)
  --payload-type TYPE        DSSE payloadType (required), e.g. application/vnd.in-toto+json
  --out FILE                 write here instead of stdout
  --bundle                   write a sigstore bundle v0.3 instead of a bare envelope
  --password-file FILE       cosign key password file (exact bytes, like Chains' cosign.password)

Exit: 0 signed, 2 usage error or unusable key.

Examples:
  tkn-provenance sign --key signing.key --payload-type application/vnd.in-toto+json statement.json > statement.dsse.json
  COSIGN_PASSWORD=... tkn-provenance sign --key cosign.key --payload-type text/plain --out notes.dsse.json notes.txt
  tkn-provenance sign --key /var/run/secrets/signing-secrets --bundle --payload-type application/vnd.in-toto+json stmt.json
`;

const FLAGS = {
  key: { type: 'string' },
  'payload-type': { type: 'string' },
  out: { type: 'string' },
  bundle: { type: 'boolean' },
  'password-file': { type: 'string' },
} as const;

const command: Command = {
  name: 'sign',
  summary: 'sign a file as a DSSE envelope',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, FLAGS);
    const file = resolve(io.cwd, onePositional(positionals, 'FILE to sign'));
    const payloadType = stringFlag(values, 'payload-type', true);
    const keyRef = resolveKeyRef(stringFlag(values, 'key', true), io.cwd);
    const passwordFile = stringFlag(values, 'password-file');
    const payload = await readInput(file);
    const signer = await loadSigner(keyRef, {
      env: io.env,
      passwordFile: passwordFile && resolve(io.cwd, passwordFile),
    });
    let text: string;
    try {
      text = boolFlag(values, 'bundle')
        ? JSON.stringify(await createDsseBundle(payloadType, payload, signer))
        : serializeEnvelope(await signEnvelope(payloadType, payload, [signer]));
    } finally {
      await closeSigner(signer);
    }
    const out = stringFlag(values, 'out');
    if (out) {
      await writeOutputFile(resolve(io.cwd, out), `${text}\n`);
      io.stderr.write(`signed ${file} with ${signer.keyid} -> ${resolve(io.cwd, out)}\n`);
    } else {
      io.stdout.write(`${text}\n`);
    }
    return EXIT_OK;
  },
};

async function readInput(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new UsageError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** Remote signers (KMS clients) hold connections; release them so the CLI can exit. */
async function closeSigner(signer: Signer): Promise<void> {
  const closable = signer as Signer & { close?: () => unknown };
  if (typeof closable.close === 'function') await closable.close();
}

export default command;
