import forge from 'node-forge';
import { generateKeyPairSync, randomBytes, sign as nodeSign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * A throw-away CA and a server certificate signed by it, for HTTPS test servers (interceptors,
 * the registry fixture). Certificates are built with node-forge so tests need no openssl CLI;
 * the RSA 2048 keys come from node:crypto (native, ~20x faster than forge's pure-JS keygen).
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
  /**
   * Common name of the CA; default `tekton-provenance test CA <random>`. Unique by default:
   * OpenSSL picks an issuer by name, so two CAs with one name in a trust pool break verification.
   */
  caName?: string;
  /** Validity start; default now minus one hour (clock skew). */
  notBefore?: Date;
  /** Validity in days; default 1. */
  days?: number;
}

interface KeyPair {
  node: KeyObject;
  publicKey: forge.pki.rsa.PublicKey;
  pem: string;
}

// Keys come from node:crypto (native keygen), and certificates are signed by node:crypto through
// forge's `key.sign(md)` hook: forge's pure-JS RSA is ~20x slower at both.
function rsaKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    node: privateKey,
    publicKey: forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString()) as forge.pki.rsa.PublicKey,
    pem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
  };
}

/** The leaf key is shared within a process (trust hinges on the CA key, which is always fresh). */
let leafKey: KeyPair | undefined;

function signWith(cert: forge.pki.Certificate, key: KeyPair): void {
  const recorder = { algorithm: 'sha256', data: '', update(bytes: string) { this.data += bytes; return this; } };
  const signer = { sign: (md: typeof recorder) => nodeSign('sha256', Buffer.from(md.data, 'binary'), key.node).toString('binary') };
  cert.sign(signer as unknown as forge.pki.rsa.PrivateKey, recorder as unknown as forge.md.MessageDigest);
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
  const caKeys = rsaKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  validity(ca, opts);
  const caSubject = [{ name: 'commonName', value: opts.caName ?? `tekton-provenance test CA ${serial().slice(0, 8)}` }];
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  signWith(ca, caKeys);

  const leafKeys = (leafKey ??= rsaKeyPair());
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
  signWith(leaf, caKeys);

  return {
    caPem: forge.pki.certificateToPem(ca),
    certPem: forge.pki.certificateToPem(leaf),
    keyPem: leafKeys.pem,
  };
}

/** The Triggers-style DNS names of an in-cluster service (what core interceptors put in SANs). */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [service, `${service}.${namespace}`, `${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}
