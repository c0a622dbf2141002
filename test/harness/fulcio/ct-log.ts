import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { children, explicit, oid, readTlv, seq, tlv } from './der.ts';

/** RFC 6962 3.1: the critical extension that makes a certificate a precertificate (value NULL). */
export const CT_POISON_OID = '1.3.6.1.4.1.11129.2.4.3';
/** RFC 6962 3.3: the SignedCertificateTimestampList embedded in the final certificate. */
export const SCT_LIST_OID = '1.3.6.1.4.1.11129.2.4.2';

const POISON_OID_DER = oid(CT_POISON_OID);

const uint = (n: number | bigint, bytes: number): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b.subarray(8 - bytes);
};
/** A TLS opaque<..2^(8*bytes)-1>: length prefix then the bytes. */
const opaque = (v: Buffer, bytes: number): Buffer => Buffer.concat([uint(v.length, bytes), v]);

/**
 * A Certificate Transparency log stand-in that answers what Fulcio's CT log (ctfe) answers to
 * `add-pre-chain`: a v1 SCT (RFC 6962 3.2) over the precertificate entry, i.e. sha256 of the
 * issuer's SPKI then the precertificate's TBSCertificate with the poison extension removed,
 * signed with its own P-256 key. It reads the precertificate it is given (it does not trust
 * how the CA built it), so a final certificate whose TBS differs from the precertificate's
 * fails verification as it would against a real log. No Merkle tree: verifiers check SCTs only.
 */
export class CtLogStandIn {
  readonly publicKey: KeyObject;
  /** RFC 6962 LogID: sha256 of the DER SubjectPublicKeyInfo (also the trusted root's `logId.keyId`). */
  readonly logId: Buffer;
  readonly #key: KeyObject;
  /** Precertificates logged so far (DER). */
  readonly precertificates: Buffer[] = [];

  constructor() {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#key = pair.privateKey;
    this.publicKey = pair.publicKey;
    this.logId = createHash('sha256').update(pair.publicKey.export({ type: 'spki', format: 'der' })).digest();
  }

  /** The SCT (TLS-encoded) for a precertificate issued by the holder of `issuerSpki`. */
  addPreChain(precertDer: Buffer, issuerSpki: Buffer, at = new Date()): Buffer {
    const tbs = stripPoison(precertDer);
    this.precertificates.push(precertDer);
    const timestamp = uint(at.getTime(), 8);
    const extensions = Buffer.alloc(0);
    const signed = Buffer.concat([
      Buffer.from([0, 0]), // sct_version v1, signature_type certificate_timestamp
      timestamp,
      uint(1, 2), // LogEntryType precert_entry
      createHash('sha256').update(issuerSpki).digest(), // issuer_key_hash
      opaque(tbs, 3),
      opaque(extensions, 2),
    ]);
    const signature = sign('sha256', signed, this.#key); // DER ECDSA, as ctfe
    return Buffer.concat([
      Buffer.from([0]), this.logId, timestamp, opaque(extensions, 2),
      Buffer.from([4, 3]), // hash sha256(4), signature ecdsa(3)
      opaque(signature, 2),
    ]);
  }
}

/** The extension value of `SCT_LIST_OID`: an OCTET STRING holding the TLS SignedCertificateTimestampList. */
export function sctListValue(scts: Buffer[]): Buffer {
  return tlv(0x04, opaque(Buffer.concat(scts.map((s) => opaque(s, 2))), 2));
}

/** The precertificate's TBSCertificate without the (required, critical) poison extension. */
function stripPoison(precertDer: Buffer): Buffer {
  const [tbs] = children(readTlv(precertDer).content);
  if (!tbs) throw new Error('CT log: not a certificate');
  const fields = children(tbs.content);
  const extsField = fields.find((f) => f.tag === 0xa3);
  const exts = extsField ? children(readTlv(extsField.content).content) : [];
  const isPoison = (e: (typeof exts)[number]): boolean => readTlv(e.content).whole.equals(POISON_OID_DER);
  const poison = exts.find(isPoison);
  if (!poison || children(poison.content)[1]?.tag !== 0x01) throw new Error('CT log: add-pre-chain needs a precertificate (critical poison extension)');
  const rest = exts.filter((e) => !isPoison(e)).map((e) => e.whole);
  return seq(...fields.map((f) => (f === extsField ? explicit(3, seq(...rest)) : f.whole)));
}
