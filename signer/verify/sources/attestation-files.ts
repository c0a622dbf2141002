import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DsseEnvelope } from '../../dsse/envelope.ts';
import { parseEnvelope } from '../../dsse/parse.ts';
import { ProvenanceError } from '../../errors.ts';
import { bundleEvidence, storedFormEvidence, type Evidence } from './evidence.ts';

/** One attestation to verify and where it came from (shown in the report). */
export interface LoadedAttestation {
  source: string;
  envelope: DsseEnvelope;
  /** What was stored with it: log entries, a signing certificate chain, the exact envelope bytes. */
  evidence?: Evidence;
}

const BUNDLE_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(\.v0\.\d+)?\+json/;
export type { Evidence } from './evidence.ts';

/** A file that could not be read as attestations, and why (a coded error). */
export interface UnreadableAttestation {
  source: string;
  error: ProvenanceError;
}

/**
 * Reads attestations from a file or a directory of files. A file may hold one DSSE envelope,
 * one sigstore bundle, a JSON array of them, or JSON lines (cosign's `.intoto.jsonl`).
 * Without `onUnreadable` the first unreadable file throws ATTESTATION_UNREADABLE; with it,
 * each unreadable file (not JSON, not an attestation, a symlink loop) is handed to it and
 * skipped, so `verify` can report it as a failure beside the others. A `path` that does not
 * exist always throws.
 */
export async function readAttestationPath(
  path: string,
  onUnreadable?: (u: UnreadableAttestation) => void,
): Promise<LoadedAttestation[]> {
  const readOne = async (file: string): Promise<LoadedAttestation[]> => {
    try {
      const text = await readFile(file, 'utf8').catch((err: unknown) => {
        throw new ProvenanceError('ATTESTATION_UNREADABLE', `cannot read ${file}: ${(err as Error).message}`);
      });
      return parseAttestationText(text, file);
    } catch (err) {
      if (onUnreadable === undefined || !(err instanceof ProvenanceError)) throw err;
      onUnreadable({ source: file, error: err });
      return [];
    }
  };
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const error = new ProvenanceError('ATTESTATION_UNREADABLE', `cannot read ${path}: ${(err as Error).message}`);
    // A path that does not exist is the caller's typo (a usage error), not a file that failed.
    if (onUnreadable === undefined || (err as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    onUnreadable({ source: path, error });
    return [];
  }
  if (!info.isDirectory()) return readOne(path);
  const names = (await readdir(path)).filter((n) => /\.(json|jsonl)$/.test(n)).sort();
  const all: LoadedAttestation[] = [];
  for (const name of names) all.push(...(await readOne(join(path, name))));
  return all;
}

/** Splits a file's text into attestations, naming each by file and position. */
export function parseAttestationText(text: string, source: string): LoadedAttestation[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new ProvenanceError('ATTESTATION_UNREADABLE', `${source} is empty`);
  let docs: unknown[];
  try {
    const whole: unknown = JSON.parse(trimmed);
    docs = Array.isArray(whole) ? whole : [whole];
  } catch {
    docs = trimmed.split('\n').filter((l) => l.trim() !== '').map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new ProvenanceError('ATTESTATION_UNREADABLE', `${source}: line ${i + 1} is not JSON (truncated or not an attestation file)`);
      }
    });
  }
  return docs.map((doc, i) => {
    const loaded: LoadedAttestation = { source: docs.length > 1 ? `${source}#${i + 1}` : source, envelope: toEnvelope(doc, source) };
    const evidence = isBundle(doc) ? bundleEvidence(doc) : storedFormEvidence(doc);
    if (evidence) loaded.evidence = evidence;
    return loaded;
  });
}

function isBundle(doc: unknown): boolean {
  const mediaType = (doc as { mediaType?: unknown } | null)?.mediaType;
  return typeof mediaType === 'string' && BUNDLE_MEDIA_TYPE.test(mediaType);
}

/** A DSSE envelope as is, or the envelope inside a sigstore bundle. */
export function toEnvelope(doc: unknown, source: string): DsseEnvelope {
  if (doc === null || typeof doc !== 'object') throw new ProvenanceError('ATTESTATION_UNREADABLE', `${source}: not a JSON object`);
  const o = doc as Record<string, unknown>;
  if (typeof o.mediaType === 'string' && BUNDLE_MEDIA_TYPE.test(o.mediaType)) {
    if (!o.dsseEnvelope) throw new ProvenanceError('ATTESTATION_UNREADABLE', `${source}: sigstore bundle has no dsseEnvelope`);
    return shaped(o.dsseEnvelope);
  }
  if ('payloadType' in o && 'signatures' in o) return shaped(o);
  if (o.envelope && typeof o.envelope === 'object') return shaped(o.envelope);
  throw new ProvenanceError('ATTESTATION_UNREADABLE', `${source}: neither a DSSE envelope nor a sigstore bundle`);
}

/** Shape-checks an envelope with the DSSE parser, so checks never meet a malformed object. */
function shaped(value: unknown): DsseEnvelope {
  return parseEnvelope(JSON.stringify(value));
}
