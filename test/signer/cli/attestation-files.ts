// Attestation files for the verify/inspect CLI tests: the TEP-0084 simple-build chain
// (signed event + attestations from the production attestRun path), written to a temp dir.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { main } from '../../../signer/cli/main.ts';
import type { DsseEnvelope } from '../../../signer/dsse/envelope.ts';
import { attest, newSigner, signedEvent, simpleBuild, SIMPLE_BUILD_POLICY } from '../verify/chain-fixture.ts';

export interface AttestationFiles {
  dir: string;
  /** Directory with in-toto.json, slsa-v1.json and tampered.json. */
  attestations: string;
  inToto: string;
  slsaV1: string;
  tampered: string;
  publicKey: string;
  /** A second (rotated-in) public key that signed nothing here. */
  otherKey: string;
  policy: string;
}

/** The payload with one param changed and the signature kept: what an attacker's edit looks like. */
export function tamper(envelope: DsseEnvelope): DsseEnvelope {
  const statement = Buffer.from(envelope.payload, 'base64').toString('utf8');
  const edited = statement.replace('https://github.com/tektoncd/pipeline.git', 'https://github.com/attacker/pipeline.git');
  if (edited === statement) throw new Error('fixture: nothing to tamper with');
  return { ...envelope, payload: Buffer.from(edited, 'utf8').toString('base64') };
}

export async function writeAttestationFiles(): Promise<AttestationFiles> {
  const dir = mkdtempSync(join(tmpdir(), 'tp-cli-verify-'));
  const signer = newSigner();
  const record = await signedEvent(signer);
  const [inToto, slsaV1] = (await attest(simpleBuild(record), signer, { state: 'found', record })).map((a) => a.envelope) as [DsseEnvelope, DsseEnvelope];
  const attestations = join(dir, 'attestations');
  mkdirSync(attestations);
  const file = (name: string, env: DsseEnvelope) => {
    const p = join(attestations, name);
    writeFileSync(p, JSON.stringify(env));
    return p;
  };
  const publicKey = join(dir, 'signing.pub');
  writeFileSync(publicKey, signer.publicKey.export({ type: 'spki', format: 'pem' }));
  const otherKey = join(dir, 'rotated-in.pub');
  writeFileSync(otherKey, newSigner().publicKey.export({ type: 'spki', format: 'pem' }));
  const policy = join(dir, 'policy.yaml');
  writeFileSync(policy, SIMPLE_BUILD_POLICY);
  return {
    dir, attestations, publicKey, otherKey, policy,
    inToto: file('in-toto.json', inToto),
    slsaV1: file('slsa-v1.json', slsaV1),
    tampered: file('tampered.json', tamper(inToto)),
  };
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process with captured streams (`tty` makes stderr look like a terminal). */
export async function cli(argv: string[], cwd: string, opts: { tty?: boolean } = {}): Promise<Captured> {
  const sink = () => {
    const chunks: Buffer[] = [];
    const w = new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) }) as Writable & { isTTY?: boolean; text(): string };
    w.text = () => Buffer.concat(chunks).toString('utf8');
    return w;
  };
  const stdout = sink();
  const stderr = sink();
  if (opts.tty) stderr.isTTY = true;
  const code = await main(argv, { stdout, stderr, env: {}, cwd });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
