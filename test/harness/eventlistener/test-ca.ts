import forge from 'node-forge';
import { randomBytes } from 'node:crypto';

/**
 * A throw-away CA and a server certificate signed by it, for HTTPS test servers (interceptors,
 * the registry fixture). Generated with node-forge so tests need no openssl CLI. RSA 2048 keeps
 * generation around 100 ms; the EL only checks the chain and the hostname, not the key type.
 */
export interface TestCertificates {
  /** PEM of the CA certificate: what a ClusterInterceptor's caBundle holds (before base64). */
  caPem: string;
  /** PEM of the leaf certificate (signed by the CA). */
  certPem: string;
  /** PEM (PKCS#1) private key of the leaf. */
  keyPem: string;
}

export interface TestCertOptions {
  /** DNS SANs of the leaf; default `localhost` plus the Triggers service names when given. */
  dnsNames?: string[];
  /** IP SANs of the leaf; default `127.0.0.1`. */
  ipAddresses?: string[];
  /** Common name of the CA; default `tekton-provenance test CA`. */
  caName?: string;
  /** Validity start; default now minus one hour (clock skew). */
  notBefore?: Date;
  /** Validity in days; default 1. */
  days?: number;
}

function serial(): string {
  // Positive, non-zero serial: clear the top bit.
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f;
  return b.toString('hex');
}

function validity(cert: forge.pki.Certificate, opts: TestCertOptions): void {
  const from = opts.notBefore ?? new Date(Date.now() - 3600_000);
  cert.validity.notBefore = from;
  cert.validity.notAfter = new Date(from.getTime() + (opts.days ?? 1) * 86_400_000);
}

/** Makes a CA and a leaf certificate for `127.0.0.1` / `localhost` (and any extra names). */
export function makeTestCertificates(opts: TestCertOptions = {}): TestCertificates {
  const caKeys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  validity(ca, opts);
  const caSubject = [{ name: 'commonName', value: opts.caName ?? 'tekton-provenance test CA' }];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const leafKeys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const leaf = forge.pki.createCertificate();
  leaf.publicKey = leafKeys.publicKey;
  leaf.serialNumber = serial();
  validity(leaf, opts);
  const dns = opts.dnsNames ?? ['localhost'];
  const ips = opts.ipAddresses ?? ['127.0.0.1'];
  leaf.setSubject([{ name: 'commonName', value: dns[0] ?? ips[0] ?? 'localhost' }]);
  leaf.setIssuer(caSubject);
  leaf.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...dns.map((value) => ({ type: 2, value })), ...ips.map((ip) => ({ type: 7, ip }))],
    },
  ]);
  leaf.sign(caKeys.privateKey, forge.md.sha256.create());

  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(leaf),
    keyPem: forge.pki.privateKeyToPem(leafKeys.privateKey),
  };
}

/** The Triggers-style DNS names of an in-cluster service (what core interceptors put in SANs). */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}
