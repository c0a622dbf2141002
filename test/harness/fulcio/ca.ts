import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { CT_POISON_OID, CtLogStandIn, SCT_LIST_OID, sctListValue } from './ct-log.ts';
import { bits, bool, explicit, implicit, integer, octets, oid, seq, set, time, utf8 } from './der.ts';

/**
 * A Fulcio-shaped CA: root (self-signed) -> intermediate -> leaf, ECDSA P-256 / SHA-256.
 * Leaves carry what Fulcio puts in them: an empty subject, the SAN URI of the identity
 * (critical), codeSigning EKU, and the OIDC issuer as extensions 1.3.6.1.4.1.57264.1.1
 * (raw string) and .1.8 (DER UTF8String). As Fulcio, a leaf is first issued as a
 * precertificate (critical CT poison extension) that the CT log stand-in turns into an SCT,
 * then issued again with the same serial and fields and the SCT list in place of the poison.
 */
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const OID = {
  basicConstraints: '2.5.29.19', keyUsage: '2.5.29.15', extKeyUsage: '2.5.29.37', san: '2.5.29.17',
  ski: '2.5.29.14', aki: '2.5.29.35', codeSigning: '1.3.6.1.5.5.7.3.3',
  issuerV1: '1.3.6.1.4.1.57264.1.1', issuerV2: '1.3.6.1.4.1.57264.1.8',
};

const name = (cn: string): Buffer => seq(
  set(seq(oid('2.5.4.10'), utf8('tekton-provenance test'))),
  set(seq(oid('2.5.4.3'), utf8(cn))),
);
const ext = (id: string, critical: boolean, value: Buffer): Buffer => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
const keyId = (spki: Buffer): Buffer => createHash('sha1').update(spki).digest();

interface Issuer {
  name: Buffer;
  key: KeyObject;
  spki: Buffer;
}

function certificate(tbs: Buffer, key: KeyObject): Buffer {
  return seq(tbs, ECDSA_SHA256, bits(sign('sha256', tbs, key)));
}

function tbs(o: { serial?: Buffer; issuer: Issuer; subject: Buffer; spki: Buffer; notBefore: Date; notAfter: Date; extensions: Buffer[] }): Buffer {
  return seq(
    explicit(0, integer(Buffer.from([2]))), integer(o.serial ?? randomBytes(16)), ECDSA_SHA256, o.issuer.name,
    seq(time(o.notBefore), time(o.notAfter)), o.subject, o.spki,
    explicit(3, seq(...o.extensions, ext(OID.ski, false, octets(keyId(o.spki))), ext(OID.aki, false, seq(implicit(0, keyId(o.issuer.spki)))))),
  );
}

/**
 * The SCT of a leaf: `embed` (Fulcio's behaviour), or the faults `omit` (a leaf without the
 * SCT list: a Fulcio without a CT log) and `corrupt` (an SCT whose signature is bent).
 */
export type SctMode = 'embed' | 'omit' | 'corrupt';

export interface LeafRequest {
  publicKey: KeyObject;
  sanUri: string;
  oidcIssuer: string;
  notBefore?: Date;
  /** Default 10 minutes, as Fulcio. */
  lifetimeMs?: number;
  /** Default `embed`. */
  sct?: SctMode;
}

export class FulcioCa {
  readonly rootDer: Buffer;
  readonly intermediateDer: Buffer;
  /** The CT log the CA submits its precertificates to (its key goes in the trusted root's `ctlogs`). */
  readonly ctLog = new CtLogStandIn();
  readonly #intermediate: Issuer;

  constructor(validFrom = new Date(Date.now() - 3600_000)) {
    const until = new Date(validFrom.getTime() + 10 * 365 * 86400_000);
    const rootKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const root: Issuer = { name: name('fulcio stand-in root'), key: rootKey.privateKey, spki: rootKey.publicKey.export({ type: 'spki', format: 'der' }) };
    const caExt = [ext(OID.basicConstraints, true, seq(bool(true))), ext(OID.keyUsage, true, bits(Buffer.from([0x06]), 1))];
    this.rootDer = certificate(tbs({ issuer: root, subject: root.name, spki: root.spki, notBefore: validFrom, notAfter: until, extensions: caExt }), root.key);
    const interKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#intermediate = { name: name('fulcio stand-in intermediate'), key: interKey.privateKey, spki: interKey.publicKey.export({ type: 'spki', format: 'der' }) };
    const interExt = [ext(OID.basicConstraints, true, seq(bool(true), integer(Buffer.from([0])))), ext(OID.keyUsage, true, bits(Buffer.from([0x06]), 1))];
    this.intermediateDer = certificate(tbs({ issuer: root, subject: this.#intermediate.name, spki: this.#intermediate.spki, notBefore: validFrom, notAfter: until, extensions: interExt }), root.key);
  }

  /** The leaf for an identity, DER. */
  issue(r: LeafRequest): Buffer {
    const notBefore = r.notBefore ?? new Date(Date.now() - 1000);
    const notAfter = new Date(notBefore.getTime() + (r.lifetimeMs ?? 600_000));
    const spki = r.publicKey.export({ type: 'spki', format: 'der' });
    const extensions = [
      ext(OID.keyUsage, true, bits(Buffer.from([0x80]), 7)),
      ext(OID.extKeyUsage, false, seq(oid(OID.codeSigning))),
      ext(OID.san, true, seq(implicit(6, Buffer.from(r.sanUri)))),
      ext(OID.issuerV1, false, Buffer.from(r.oidcIssuer)),
      ext(OID.issuerV2, false, utf8(r.oidcIssuer)),
    ];
    const leaf = { serial: randomBytes(16), issuer: this.#intermediate, subject: seq(), spki, notBefore, notAfter };
    const sign = (last: Buffer[]): Buffer => certificate(tbs({ ...leaf, extensions: [...extensions, ...last] }), this.#intermediate.key);
    if (r.sct === 'omit') return sign([]);
    // RFC 6962 3.1: the poison extension is critical with a NULL value; the final certificate
    // has the SCT list at the same place, so removing either gives the same TBSCertificate.
    const precert = sign([ext(CT_POISON_OID, true, Buffer.from([0x05, 0x00]))]);
    const sct = this.ctLog.addPreChain(precert, this.#intermediate.spki);
    if (r.sct === 'corrupt') sct[sct.length - 1] = (sct[sct.length - 1] ?? 0) ^ 0x01; // the signature's last byte
    return sign([ext(SCT_LIST_OID, false, sctListValue([sct]))]);
  }

  /** PEM of a DER certificate (validated by node's parser on the way). */
  static pem(der: Buffer): string {
    return new X509Certificate(der).toString();
  }
}
