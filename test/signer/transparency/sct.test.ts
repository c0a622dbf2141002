// SCTs as real Fulcio embeds them: the stand-in issues a precertificate to its CT log stand-in
// and embeds the SCT in the leaf; with CT logs in the trusted root, verification requires the
// SCT (as cosign does) and a leaf without one, or with a bent one, fails by name. Checked with
// @sigstore/verify alone and through our verify path (verifyLogged, checkKeyless, the upload check).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import forge from 'node-forge';
import { IN_TOTO_PAYLOAD_TYPE, type DsseEnvelope } from '../../../signer/dsse/envelope.ts';
import { serializeEnvelope, signEnvelope } from '../../../signer/dsse/sign.ts';
import { FulcioClient } from '../../../signer/keyless/fulcio-client.ts';
import { KeylessSigner, type CertifiedSigner } from '../../../signer/keyless/keyless-signer.ts';
import { HttpTransport } from '../../../signer/remote/transport.ts';
import type { LoggedEntry } from '../../../signer/transparency/entry.ts';
import { RekorClient } from '../../../signer/transparency/rekor-client.ts';
import { transparencyLogs } from '../../../signer/transparency/registry.ts';
import { verifyLogged } from '../../../signer/transparency/verify-logged.ts';
import { checkKeyless } from '../../../signer/verify/checks/transparency.ts';
import { CT_POISON_OID, FulcioStandIn, SCT_LIST_OID, type FulcioFault } from '../../harness/fulcio/index.ts';
import { OidcIssuerStandIn } from '../../harness/oidc/index.ts';
import { RekorStandIn, trustedRoot } from '../../harness/rekor/index.ts';
import { sigstoreVerifyBundle } from './sigstore-check.ts';

const NS = 'tekton-provenance';
const SA = 'tekton-provenance-controller';
const SAN = `https://kubernetes.io/namespaces/${NS}/serviceaccounts/${SA}`;

let oidc: OidcIssuerStandIn;
let fulcio: FulcioStandIn;
let rekor: RekorStandIn;
let dir: string;
let withCt: Record<string, unknown>;
let withoutCt: Record<string, unknown>;

/** One keyless, logged signature per Fulcio behaviour (a fresh signer: no cached certificate). */
interface Signed {
  session: CertifiedSigner;
  envelope: DsseEnvelope;
  logged: LoggedEntry;
}
const signed: Partial<Record<'embed' | FulcioFault, Signed>> = {};

async function keylessLogged(fault?: FulcioFault): Promise<Signed> {
  if (fault) fulcio.injectFaults(fault, 1);
  const tokenFile = join(dir, 'oidc-token');
  writeFileSync(tokenFile, oidc.mint({ namespace: NS, serviceAccount: SA }));
  const client = new FulcioClient(fulcio.url, new HttpTransport({ retries: 0, timeoutMs: 2000 }, 'FULCIO'));
  const session = await new KeylessSigner({ fulcio: client, tokenFile, issuer: oidc.url }).session();
  const envelope = await signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', fault: fault ?? 'none' })), [session.signer]);
  // Logged by the bare client (the log does not read SCTs); the checks come later.
  const pem = session.certificates[0] ?? '';
  const { uuid, entry } = await new RekorClient(rekor.url).createEntry({
    apiVersion: '0.0.1', kind: 'dsse', spec: { proposedContent: { envelope: serializeEnvelope(envelope), verifiers: [Buffer.from(pem).toString('base64')] } },
  });
  return { session, envelope, logged: { url: rekor.url, uuid, entry } };
}

const derOf = (pem: string): Buffer => Buffer.from(pem.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');

function bundleOf(s: Signed): unknown {
  const sig = s.envelope.signatures[0];
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { certificate: { rawBytes: derOf(s.session.certificates[0] ?? '').toString('base64') }, tlogEntries: [s.logged.entry], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: s.envelope.payload, payloadType: s.envelope.payloadType, signatures: [{ sig: sig?.sig, keyid: '' }] },
  };
}

/** The TBSCertificate's extensions, parsed by node-forge (not by the stand-in's DER code). */
function extensionsOf(der: Buffer): { tbs: forge.asn1.Asn1; exts: Array<{ oid: string; critical: boolean; node: forge.asn1.Asn1 }> } {
  const cert = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  const tbs = (cert.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
  const tagged = (tbs.value as forge.asn1.Asn1[]).find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 3);
  const list = ((tagged?.value as forge.asn1.Asn1[])[0]?.value ?? []) as forge.asn1.Asn1[];
  return {
    tbs,
    exts: list.map((node) => {
      const parts = node.value as forge.asn1.Asn1[];
      const critical = parts.length === 3 && (parts[1]?.value as string) === '\xff';
      return { oid: forge.asn1.derToOid(parts[0]?.value as string), critical, node };
    }),
  };
}

/** The TBSCertificate (hex) with one extension removed: what RFC 6962 signs over for a precert entry. */
const tbsWithout = (der: Buffer, oid: string): string => {
  const { tbs, exts } = extensionsOf(der); // a fresh parse: edited in place
  const drop = exts.find((e) => e.oid === oid)?.node;
  const tagged = (tbs.value as forge.asn1.Asn1[]).find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 3) as forge.asn1.Asn1;
  const list = (tagged.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
  list.value = (list.value as forge.asn1.Asn1[]).filter((n) => n !== drop);
  return Buffer.from(forge.asn1.toDer(tbs).getBytes(), 'binary').toString('hex');
};

before(async () => {
  oidc = await OidcIssuerStandIn.start();
  fulcio = await FulcioStandIn.start({ issuers: [oidc.url] });
  rekor = await RekorStandIn.start();
  dir = mkdtempSync(join(tmpdir(), 'sct-'));
  const parts = { rekor: { url: rekor.url, publicKey: rekor.log.publicKey }, fulcio: { url: fulcio.url, chainDer: fulcio.chainDer } };
  withCt = trustedRoot({ ...parts, ctlog: fulcio.ctLog });
  withoutCt = trustedRoot(parts);
  signed.embed = await keylessLogged();
  signed['no-sct'] = await keylessLogged('no-sct');
  signed['bad-sct'] = await keylessLogged('bad-sct');
});
after(async () => {
  await Promise.all([fulcio.close(), rekor.close(), oidc.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('the Fulcio stand-in embeds an SCT from its CT log stand-in', () => {
  test('precertificate with the critical poison extension; the leaf has the SCT list instead, same TBS otherwise', () => {
    const leaf = derOf(signed.embed!.session.certificates[0] ?? '');
    const serial = (der: Buffer): string => forge.asn1.toDer((extensionsOf(der).tbs.value as forge.asn1.Asn1[])[1] as forge.asn1.Asn1).toHex();
    const precert = fulcio.ca.ctLog.precertificates.find((p) => serial(p) === serial(leaf)) as Buffer;
    assert.ok(precert, 'the CT log got a precertificate with the leaf\'s serial');
    const pre = extensionsOf(precert).exts;
    assert.deepEqual(pre.filter((e) => e.oid === CT_POISON_OID).map((e) => e.critical), [true], 'one critical poison extension');
    const fin = extensionsOf(leaf).exts;
    assert.equal(fin.some((e) => e.oid === CT_POISON_OID), false);
    assert.deepEqual(fin.filter((e) => e.oid === SCT_LIST_OID).map((e) => e.critical), [false], 'one SCT list, not critical');
    assert.equal(tbsWithout(leaf, SCT_LIST_OID), tbsWithout(precert, CT_POISON_OID), 'RFC 6962 3.2: the precert entry is the leaf TBS without its SCT list');
    assert.equal(extensionsOf(derOf(signed['no-sct']!.session.certificates[0] ?? '')).exts.some((e) => e.oid === SCT_LIST_OID), false, 'no-sct: no SCT list');
  });

  test('@sigstore/verify with ctlogThreshold 1 accepts the embedded SCT, and rejects a leaf without or with a bent one', () => {
    const policy = { subjectAlternativeName: SAN, extensions: { issuer: oidc.url } };
    sigstoreVerifyBundle(bundleOf(signed.embed!), withCt, undefined, policy);
    assert.throws(() => sigstoreVerifyBundle(bundleOf(signed['no-sct']!), withCt, undefined, policy), { code: 'CERTIFICATE_ERROR', message: 'expected 1 SCTs, got 0' });
    assert.throws(() => sigstoreVerifyBundle(bundleOf(signed['bad-sct']!), withCt, undefined, policy), { code: 'CERTIFICATE_ERROR', message: 'SCT verification failed' });
    // An SCT signed by a CT log the root does not hold: as bent.
    const otherCt = trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey }, fulcio: { url: fulcio.url, chainDer: fulcio.chainDer }, ctlog: { url: 'https://ct.invalid', publicKey: rekor.log.publicKey } });
    assert.throws(() => sigstoreVerifyBundle(bundleOf(signed.embed!), otherCt, undefined, policy), { message: 'SCT verification failed' });
  });
});

describe('our verify path: CT logs in the trusted root make the SCT required', () => {
  const verify = (s: Signed, root: Record<string, unknown>) =>
    verifyLogged({ envelope: s.envelope, entries: [s.logged.entry], key: { certificates: s.session.certificates } }, TrustedRoot.fromJSON(root));

  test('verifyLogged: embedded SCT passes; none -> CERT_SCT_MISSING; bent -> CERT_BAD_SCT', () => {
    assert.equal(verify(signed.embed!, withCt).identity?.subjectAlternativeName, SAN);
    assert.throws(() => verify(signed['no-sct']!, withCt), { code: 'CERT_SCT_MISSING', message: /embeds no SCT/ });
    assert.throws(() => verify(signed['bad-sct']!, withCt), { code: 'CERT_BAD_SCT', message: /SCT does not verify/ });
  });

  test('a root without CT logs: no SCT is asked for, but an embedded one from a log it does not hold fails (as in @sigstore/verify)', () => {
    assert.equal(verify(signed['no-sct']!, withoutCt).identity?.subjectAlternativeName, SAN);
    assert.throws(() => verify(signed.embed!, withoutCt), { code: 'CERT_BAD_SCT' });
  });

  test('checkKeyless: the signature check fails naming the SCT', () => {
    const t = { trustedRoot: TrustedRoot.fromJSON(withCt), requirement: 'required' as const, identity: { identity: SAN, issuer: oidc.url } };
    const evidence = (s: Signed) => ({ certificates: s.session.certificates, tlogEntries: [s.logged.entry] });
    assert.deepEqual(checkKeyless(signed.embed!.envelope, evidence(signed.embed!), t).map((r) => r.status), ['pass', 'pass']);
    const [missing] = checkKeyless(signed['no-sct']!.envelope, evidence(signed['no-sct']!), t);
    assert.equal(missing?.name, 'signature');
    assert.equal(missing?.status, 'fail');
    assert.match(missing?.message ?? '', /CERT_SCT_MISSING/);
    assert.match(checkKeyless(signed['bad-sct']!.envelope, evidence(signed['bad-sct']!), t)[0]?.message ?? '', /CERT_BAD_SCT/);
  });

  test('the upload check (transparency.trusted-root with CT logs) refuses a leaf without SCT before anything is stored', async () => {
    const log = transparencyLogs.get('rekor')({ url: rekor.url, trustedRoot: TrustedRoot.fromJSON(withCt) });
    const s = signed['no-sct']!;
    await assert.rejects(log.logEnvelope(serializeEnvelope(s.envelope), s.envelope, { certificates: s.session.certificates }), { code: 'CERT_SCT_MISSING' });
    const ok = signed.embed!;
    const again = await log.logEnvelope(serializeEnvelope(ok.envelope), ok.envelope, { certificates: ok.session.certificates });
    assert.equal(again.entry.logIndex, ok.logged.entry.logIndex, '409: the existing entry');
  });
});
