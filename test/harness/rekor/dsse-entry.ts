import { createHash, createPublicKey, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { json } from '@sigstore/core';

/**
 * Rekor's `dsse` v0.0.1 type as the server runs it (rekor pkg/types/dsse/v0.0.1/entry.go):
 * the proposed envelope's every signature must verify over PAE with one of the given
 * verifiers; the log stores only the canonical body (envelope hash, payload hash, signatures
 * sorted, each with its verifier's canonical PEM), never the envelope itself.
 */
export class EntryRejected extends Error {}

interface ProposedEntry {
  apiVersion?: unknown;
  kind?: unknown;
  spec?: { proposedContent?: { envelope?: unknown; verifiers?: unknown } };
}

interface Envelope {
  payloadType: string;
  payload: string;
  signatures: Array<{ sig: string; keyid?: string }>;
}

/** The canonical (JCS) body Rekor would log for `proposed`, or EntryRejected (a 400). */
export function canonicalDsseBody(proposed: unknown): Buffer {
  const p = proposed as ProposedEntry;
  if (p?.kind !== 'dsse' || p.apiVersion !== '0.0.1') throw new EntryRejected(`unsupported entry kind ${String(p?.kind)} ${String(p?.apiVersion)}`);
  const content = p.spec?.proposedContent;
  if (typeof content?.envelope !== 'string') throw new EntryRejected('proposed content envelope is missing');
  const envText = content.envelope;
  let env: Envelope;
  try {
    env = JSON.parse(envText) as Envelope;
  } catch (err) {
    throw new EntryRejected(`envelope is not JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(env.signatures) || env.signatures.length === 0) throw new EntryRejected('DSSE envelope must contain 1 or more signatures');
  if (typeof env.payload !== 'string' || typeof env.payloadType !== 'string') throw new EntryRejected('envelope lacks payload or payloadType');
  const verifiers = Array.isArray(content.verifiers) ? content.verifiers.map(parseVerifier) : [];
  const payload = Buffer.from(env.payload, 'base64');
  const message = pae(env.payloadType, payload);
  const signatures = env.signatures.map((s) => {
    const key = verifiers.find((v) => verifies(message, v.key, Buffer.from(s.sig, 'base64')));
    if (!key) throw new EntryRejected('could not verify envelope signature with the given verifiers');
    return { signature: s.sig, verifier: Buffer.from(key.canonical).toString('base64') };
  });
  signatures.sort((a, b) => (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0));
  const body = {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256Hex(Buffer.from(envText, 'utf8')) },
      payloadHash: { algorithm: 'sha256', value: sha256Hex(payload) },
      signatures,
    },
  };
  return Buffer.from(json.canonicalize(body), 'utf8');
}

function parseVerifier(b64: unknown): { key: KeyObject; canonical: string } {
  if (typeof b64 !== 'string') throw new EntryRejected('an invalid null verifier was provided in ProposedContent');
  const pem = Buffer.from(b64, 'base64').toString('utf8');
  try {
    if (pem.includes('BEGIN CERTIFICATE')) {
      const cert = new X509Certificate(pem);
      return { key: cert.publicKey, canonical: cert.toString() };
    }
    const key = createPublicKey(pem);
    return { key, canonical: key.export({ type: 'spki', format: 'pem' }) as string };
  } catch (err) {
    throw new EntryRejected(`verifier is not a PEM public key or certificate: ${(err as Error).message}`);
  }
}

function verifies(message: Buffer, key: KeyObject, sig: Buffer): boolean {
  try {
    return verify(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', message, key, sig);
  } catch {
    return false;
  }
}

function pae(type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${body.length} `), body]);
}

const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
