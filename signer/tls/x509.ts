import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

export interface CertificateSpec {
  subject: string;
  /** The issuer's name and key; omitted for a self-signed CA. */
  issuer?: { subject: string; privateKey: KeyObject; publicKey: KeyObject };
  publicKey: KeyObject;
  /** Signs the certificate when there is no issuer (self-signed). */
  privateKey: KeyObject;
  isCA: boolean;
  dnsNames?: string[];
  ipAddresses?: string[];
  notBefore: Date;
  notAfter: Date;
}

/**
 * An X.509 v3 certificate signed with ECDSA P-256 / SHA-256, as PEM. node-forge signs only
 * RSA certificates, so forge builds the DER structure and node:crypto signs it.
 */
export function createCertificate(spec: CertificateSpec): string {
  const issuerName = spec.issuer?.subject ?? spec.subject;
  const issuerPublic = spec.issuer?.publicKey ?? spec.publicKey;
  const signingKey = spec.issuer?.privateKey ?? spec.privateKey;
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f; // positive INTEGER
  const tbs = seq([
    ctx(0, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(2).getBytes())]),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, serial.toString('binary')),
    seq([oid(OID.ecdsaWithSha256)]),
    name(issuerName),
    seq([time(spec.notBefore), time(spec.notAfter)]),
    name(spec.subject),
    asn1.fromDer(spkiDer(spec.publicKey).toString('binary')),
    ctx(3, [seq(extensions(spec, issuerPublic))]),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, signingKey);
  const cert = seq([tbs, seq([oid(OID.ecdsaWithSha256)]), bitString(signature)]);
  return forge.pem.encode({ type: 'CERTIFICATE', body: asn1.toDer(cert).getBytes() }).replace(/\r\n/g, '\n');
}

function extensions(spec: CertificateSpec, issuerPublic: KeyObject): Asn1[] {
  const exts = [
    ext(OID.basicConstraints, true, seq(spec.isCA ? [bool(true), int(0)] : [])),
    // digitalSignature (bit 0), plus keyCertSign (5) and cRLSign (6) for the CA.
    ext(OID.keyUsage, true, spec.isCA ? bitString(Buffer.from([0x86]), 1) : bitString(Buffer.from([0x80]), 7)),
    ext(OID.subjectKeyId, false, octets(keyId(spec.publicKey))),
  ];
  if (spec.issuer) exts.push(ext(OID.authorityKeyId, false, seq([ctxPrimitive(0, keyId(issuerPublic))])));
  if (!spec.isCA) {
    exts.push(ext(OID.extKeyUsage, false, seq([oid(OID.serverAuth)])));
    const names = [
      ...(spec.dnsNames ?? []).map((n) => ctxPrimitive(2, Buffer.from(n, 'ascii'))),
      ...(spec.ipAddresses ?? []).map((ip) => ctxPrimitive(7, ipBytes(ip))),
    ];
    exts.push(ext(OID.subjectAltName, false, seq(names)));
  }
  return exts;
}

function spkiDer(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/** RFC 5280 method 1: sha1 of the subjectPublicKey bits (the point, after the SPKI header). */
function keyId(key: KeyObject): Buffer {
  const spki = asn1.fromDer(spkiDer(key).toString('binary'));
  const bits = (spki.value as Asn1[])[1]?.value as string;
  return createHash('sha1').update(Buffer.from(bits, 'binary').subarray(1)).digest();
}

function ipBytes(ip: string): Buffer {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`only IPv4 addresses are supported in certificates, got ${ip}`);
  }
  return Buffer.from(parts);
}

const seq = (items: Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const oid = (id: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
const bool = (v: boolean) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, v ? '\xff' : '\x00');
const int = (n: number) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(n).getBytes());
const octets = (b: Buffer) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, b.toString('binary'));
const ctx = (tag: number, items: Asn1[]) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, items);
const ctxPrimitive = (tag: number, b: Buffer) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, false, b.toString('binary'));

function bitString(bytes: Buffer, unusedBits = 0): Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, String.fromCharCode(unusedBits) + bytes.toString('binary'));
}

function ext(id: string, critical: boolean, value: Asn1): Asn1 {
  const parts = [oid(id)];
  if (critical) parts.push(bool(true));
  parts.push(asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(value).getBytes()));
  return seq(parts);
}

function name(cn: string): Asn1 {
  const rdn = (id: string, value: string) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
      seq([oid(id), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, forge.util.encodeUtf8(value))]),
    ]);
  return seq([rdn(OID.organization, 'tekton-provenance'), rdn(OID.commonName, cn)]);
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 4.1.2.5). */
function time(date: Date): Asn1 {
  if (date.getUTCFullYear() < 2050) {
    return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date));
  }
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}
