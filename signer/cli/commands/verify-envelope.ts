import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXIT_INVALID, EXIT_OK, UsageError, type CliIO, type Command } from '../command.ts';
import { boolFlag, onePositional, parseFlags, stringFlag, stringList } from '../flags.ts';
import { verifySignedDocument, type VerifiedDocument } from '../../bundle/verify-any.ts';
import { isProvenanceError } from '../../errors.ts';
import { loadVerifiers } from '../../keys/sources.ts';
import { resolveKeyRef } from '../key-refs.ts';
import { TRUST_FLAGS, trustFlags } from '../trust-flags.ts';
import { verifyLoggedDocument } from '../../verify/logged-document.ts';

const HELP = `tkn-provenance verify-envelope: verify a DSSE envelope against public keys

Usage:
  tkn-provenance verify-envelope --key PUB [--key PUB2 ...] [--payload-type TYPE] [--threshold N] [--json] FILE

FILE is a DSSE envelope or a sigstore bundle holding one (as \`sign\` and \`sign --bundle\` write,
or cosign/Chains produce). The signature is checked over DSSE's PAE of the exact payload bytes.
Prints a one-line verdict on stdout (or JSON with --json).

PUB is any of: a PEM public key (cosign.pub, SPKI "PUBLIC KEY", or a certificate), a PEM file
with several keys, a directory of *.pub / *.pem keys (key rotation), or awskms://... .
Every --key is trusted; keyid hints in the envelope only pick which key to try first.

Flags:
  --key PUB              trusted public key(s) (required, repeatable)
  --payload-type TYPE    require this payloadType (e.g. application/vnd.in-toto+json)
  --threshold N          require N distinct trusted keys to have signed (default 1)
  --json                 print {"valid", "format", "payloadType", "keyids", "payloadSha256"} or
                         {"valid": false, "code", "error"}
  --trusted-root FILE    Sigstore trusted_root.json: the document must then carry a transparency
                         log entry (sigstore bundle tlogEntries) that verifies offline against it
  --certificate-identity ID, --certificate-identity-regexp RE, --certificate-oidc-issuer URL
                         for a keyless bundle (signing certificate): the identity required;
                         --key is then not needed

Exit: 0 valid, 1 invalid (bad signature, wrong payload type, unknown key, malformed file),
      2 usage error (bad flags, unreadable key or file).

Examples:
  tkn-provenance verify-envelope --key cosign.pub statement.dsse.json
  tkn-provenance verify-envelope --key keys/ --payload-type application/vnd.in-toto+json --json att.json
  tkn-provenance verify-envelope --key old.pub --key new.pub --threshold 2 release.dsse.json
`;

const FLAGS = {
  key: { type: 'string', multiple: true },
  'payload-type': { type: 'string' },
  threshold: { type: 'string' },
  json: { type: 'boolean' },
  ...TRUST_FLAGS,
} as const;

const command: Command = {
  name: 'verify-envelope',
  summary: 'verify a DSSE envelope against public keys',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseFlags(argv, FLAGS);
    const file = resolve(io.cwd, onePositional(positionals, 'FILE to verify'));
    const keys = stringList(values, 'key');
    const trust = await trustFlags(values, (p) => resolve(io.cwd, p));
    if (keys.length === 0 && !trust.trustedRoot)
      throw new UsageError('--key is required (a public key file, a directory of keys or awskms://...), or --trusted-root for a keyless bundle');
    const threshold = parseThreshold(stringFlag(values, 'threshold'));
    const verifiers = await loadVerifiers(
      keys.map((k) => resolveKeyRef(k, io.cwd)),
      { env: io.env },
    );
    const text = await readDocument(file);
    const json = boolFlag(values, 'json');
    try {
      const payloadType = stringFlag(values, 'payload-type');
      const result = trust.trustedRoot
        ? verifyLoggedDocument(text, verifiers, { trustedRoot: trust.trustedRoot, ...(trust.identity ? { identity: trust.identity } : {}) }, payloadType)
        : verifySignedDocument(text, verifiers, { payloadType, threshold });
      reportValid(io, file, result, json);
      return EXIT_OK;
    } catch (err) {
      if (!isProvenanceError(err)) throw err;
      if (err.code === 'BAD_THRESHOLD') throw new UsageError(err.message);
      if (json) io.stdout.write(`${JSON.stringify({ valid: false, code: err.code, error: err.message })}\n`);
      else io.stdout.write(`INVALID ${file}: ${err.message} [${err.code}]\n`);
      return EXIT_INVALID;
    }
  },
};

function reportValid(io: CliIO, file: string, r: VerifiedDocument, json: boolean): void {
  const payloadSha256 = createHash('sha256').update(r.payload).digest('hex');
  if (json) {
    io.stdout.write(
      `${JSON.stringify({ valid: true, format: r.format, payloadType: r.payloadType, keyids: r.keyids, payloadSha256 })}\n`,
    );
  } else {
    io.stdout.write(
      `VALID ${file}: ${r.payloadType} payload (${r.payload.length} bytes, sha256:${payloadSha256}) signed by ${r.keyids.join(', ')}\n`,
    );
  }
}

function parseThreshold(value: string | undefined): number {
  if (value === undefined) return 1;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`--threshold must be a whole number >= 1, got "${value}"`);
  return n;
}

async function readDocument(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new UsageError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

export default command;
