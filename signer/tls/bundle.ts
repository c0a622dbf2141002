import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createCertificate } from './x509.ts';

/** What is kept (Secret or directory) and served: PEM texts. */
export interface CertBundle {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

export interface CertIdentity {
  /** SANs the serving cert must carry, e.g. svc, svc.ns, svc.ns.svc, svc.ns.svc.cluster.local. */
  dnsNames: string[];
  ipAddresses?: string[];
}

const DAY_MS = 86_400_000;
/** The CA lives long (its rotation changes the caBundle); the serving cert is re-issued yearly. */
export const CA_VALIDITY_DAYS = 3650;
export const SERVER_VALIDITY_DAYS = 365;
/** Re-issue when less than this is left. */
export const RENEW_BEFORE_DAYS = 30;
/** Tolerate clock skew between us and the EventListener. */
const BACKDATE_MS = 5 * 60_000;

/** The Service's DNS names, as Triggers' core interceptors put them in their certs. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

export function newCa(now: Date): Pick<CertBundle, 'caCert' | 'caKey'> {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caCert = createCertificate({
    subject: 'tekton-provenance-interceptor-ca',
    publicKey,
    privateKey,
    isCA: true,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
  });
  return { caCert, caKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** A fresh serving cert for `identity`, issued by the bundle's CA (new CA when none is given). */
export function issueBundle(identity: CertIdentity, now: Date, ca = newCa(now)): CertBundle {
  const caKey = createPrivateKey(ca.caKey);
  const caX509 = new X509Certificate(ca.caCert);
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const serverCert = createCertificate({
    subject: identity.dnsNames[0] ?? 'tekton-provenance-interceptor',
    issuer: { subject: 'tekton-provenance-interceptor-ca', privateKey: caKey, publicKey: caX509.publicKey },
    publicKey,
    privateKey,
    isCA: false,
    dnsNames: identity.dnsNames,
    ipAddresses: identity.ipAddresses ?? [],
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + SERVER_VALIDITY_DAYS * DAY_MS),
  });
  return { ...ca, serverCert, serverKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export type BundleVerdict = 'valid' | 'renew-server' | 'replace';

/**
 * Whether a stored bundle can be served as is, needs only a new serving cert (same CA, so
 * the caBundle stays valid), or must be replaced (unreadable, wrong CA, CA near expiry).
 */
export function judgeBundle(bundle: CertBundle, identity: CertIdentity, now: Date): BundleVerdict {
  let ca: X509Certificate;
  try {
    ca = new X509Certificate(bundle.caCert);
    if (!ca.ca || !ca.checkPrivateKey(createPrivateKey(bundle.caKey))) return 'replace';
  } catch {
    return 'replace';
  }
  if (daysLeft(ca, now) < RENEW_BEFORE_DAYS) return 'replace';
  try {
    const server = new X509Certificate(bundle.serverCert);
    const ok =
      server.checkIssued(ca) &&
      server.verify(ca.publicKey) &&
      server.checkPrivateKey(createPrivateKey(bundle.serverKey)) &&
      identity.dnsNames.every((n) => server.checkHost(n, { wildcards: false }) === n) &&
      (identity.ipAddresses ?? []).every((ip) => server.checkIP(ip) === ip) &&
      daysLeft(server, now) >= RENEW_BEFORE_DAYS &&
      new Date(server.validFrom).getTime() <= now.getTime();
    return ok ? 'valid' : 'renew-server';
  } catch {
    return 'renew-server';
  }
}

function daysLeft(cert: X509Certificate, now: Date): number {
  return (new Date(cert.validTo).getTime() - now.getTime()) / DAY_MS;
}
