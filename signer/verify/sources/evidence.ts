import type { TlogEntryJson } from '../../transparency/entry.ts';

/**
 * What a storage form keeps next to an envelope, for offline verification: transparency log
 * entries (bundle JSON form), the signing certificate chain (PEM, leaf first; keyless), and
 * the exact envelope bytes when the form has them (cosign's envelopeHash check needs those).
 */
export interface Evidence {
  tlogEntries?: TlogEntryJson[];
  certificates?: string[];
  raw?: Buffer;
}

type Obj = Record<string, unknown>;

/** Log entries and certificates of a sigstore bundle v0.1-v0.3 (JSON form, as serialized). */
export function bundleEvidence(doc: unknown): Evidence | undefined {
  const vm = ((doc as Obj).verificationMaterial ?? {}) as Obj;
  const out: Evidence = {};
  if (Array.isArray(vm.tlogEntries) && vm.tlogEntries.length > 0) out.tlogEntries = vm.tlogEntries as TlogEntryJson[];
  const chain = (vm.x509CertificateChain as { certificates?: Array<{ rawBytes?: unknown }> } | undefined)?.certificates;
  const leaf = (vm.certificate as { rawBytes?: unknown } | undefined)?.rawBytes;
  const raws = chain ? chain.map((c) => c.rawBytes) : leaf !== undefined ? [leaf] : [];
  const pems = raws.filter((r): r is string => typeof r === 'string').map(derToPem);
  if (pems.length > 0) out.certificates = pems;
  return out.tlogEntries || out.certificates ? out : undefined;
}

/** Our stored form `{envelope, tlog: {url, uuid, entry}, certificates?}` (SQLite rows, exports). */
export function storedFormEvidence(doc: unknown): Evidence | undefined {
  const o = doc as Obj;
  const entry = (o.tlog as { entry?: unknown } | undefined)?.entry;
  const out: Evidence = {};
  if (entry && typeof entry === 'object') out.tlogEntries = [entry as TlogEntryJson];
  if (Array.isArray(o.certificates)) out.certificates = o.certificates.filter((c): c is string => typeof c === 'string');
  return out.tlogEntries || out.certificates?.length ? out : undefined;
}

export function derToPem(b64: string): string {
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/** Splits a PEM bundle (cosign's `/chain` annotation) into certificates. */
export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g)?.map((p) => (p.endsWith('\n') ? p : `${p}\n`)) ?? [];
}
