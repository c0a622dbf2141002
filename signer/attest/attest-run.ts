import { signEnvelope } from '../dsse/sign.ts';
import type { Statement } from '../intoto/statement.ts';
import { validateStatement } from '../intoto/validate.ts';
import type { Signer } from '../keys/signer.ts';
import type { TektonRun } from '../model/types.ts';
import { DEFAULT_BUILDER_ID, type FormatContext } from '../formats/format.ts';
import { formats } from '../formats/registry.ts';
import type { EventLink, SignedAttestation } from './types.ts';

export interface AttestOptions {
  /** `artifacts.pipelinerun.format` values, e.g. ["in-toto"]; unknown names are UNKNOWN_PLUGIN errors. */
  formats: string[];
  signer: Signer;
  builderId?: string;
  /** SLSA v1.0 buildType (`builddefinition.buildtype`: v1.0 formats only, as in Chains). */
  buildType?: string;
  /** SLSA v0.2 buildType of the `in-toto` format. */
  inTotoBuildType?: string;
  /** `artifacts.pipelinerun.enable-deep-inspection` / `--deep-inspection`. */
  deepInspection?: boolean;
  event: EventLink;
  now?: () => Date;
}

/** An attestation built and serialised, not yet signed. */
export type BuiltAttestation = Omit<SignedAttestation, 'envelope' | 'tlog' | 'certificates'>;

/**
 * The one build -> serialise -> sign path (controller and `tkn-provenance attest` both call it):
 * each format builds its document, it is serialised ONCE, and exactly those bytes are signed
 * and returned, so storage and verifiers see the signed payload byte for byte.
 */
export async function attestRun(run: TektonRun, opts: AttestOptions): Promise<SignedAttestation[]> {
  const out: SignedAttestation[] = [];
  for (const built of buildAttestations(run, opts)) out.push(await signBuilt(built, opts.signer));
  return out;
}

/** Signs the exact payload bytes a build produced. */
export async function signBuilt(built: BuiltAttestation, signer: Signer): Promise<SignedAttestation> {
  return { ...built, envelope: await signEnvelope(built.payloadType, built.payload, [signer]) };
}

/**
 * The build half: each chosen format's document, serialised once. The same run builds the
 * same bytes, so a retry can find what an earlier attempt signed (signer/controller/sign-once.ts).
 */
export function buildAttestations(run: TektonRun, opts: Omit<AttestOptions, 'signer'>): BuiltAttestation[] {
  const chosen = [...new Set(opts.formats)].map((name) => ({ name, format: formats.get(name) }));
  const ctx: FormatContext = { builderId: opts.builderId || DEFAULT_BUILDER_ID, event: opts.event };
  if (opts.buildType) ctx.buildType = opts.buildType;
  if (opts.inTotoBuildType) ctx.inTotoBuildType = opts.inTotoBuildType;
  if (opts.now) ctx.now = opts.now;
  if (opts.deepInspection) ctx.deepInspection = true;
  const out: BuiltAttestation[] = [];
  for (const { name, format } of chosen) {
    const doc = format.build(run, ctx);
    // Never sign a statement verifiers would reject. A run without type-hinted results has no
    // subjects: attested anyway (as Chains does), the statement check covers the rest.
    if (isStatement(doc) && doc.subject.length > 0) validateStatement(doc, { predicateType: format.predicateType });
    const built: BuiltAttestation = {
      format: name,
      payloadType: format.payloadType,
      predicateType: format.predicateType,
      payload: Buffer.from(JSON.stringify(doc), 'utf8'),
      subjects: format.subjects(run, ctx),
    };
    if (isStatement(doc)) built.statement = doc;
    out.push(built);
  }
  return out;
}

function isStatement(doc: object): doc is Statement {
  return typeof (doc as { _type?: unknown })._type === 'string';
}
