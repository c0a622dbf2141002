/**
 * A self-signed serving certificate for 127.0.0.1/localhost, made once per process so parallel
 * servers start fast. The kubeconfig carries it as the CA. `openssl` makes an ECDSA P-256 cert
 * in ~50 ms; without openssl, node-forge signs an RSA-2048 one (node:crypto keygen, slower).
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface ServingCert {
  keyPem: string;
  certPem: string;
}

let cached: Promise<ServingCert> | undefined;

export function servingCert(): Promise<ServingCert> {
  cached ??= opensslCert().catch(() => forgeCert());
  return cached;
}

const SUBJECT = 'kube-apiserver-test';

function opensslCert(): Promise<ServingCert> {
  const args = [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    '/dev/stdout',
    '-out',
    '/dev/stdout',
    '-subj',
    `/CN=${SUBJECT}`,
    '-days',
    '2',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,digitalSignature,keyCertSign',
    '-addext',
    'extendedKeyUsage=serverAuth',
  ];
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { timeout: 10_000 }, (err, stdout) => {
      const key = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/.exec(stdout)?.[0];
      const cert = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/.exec(stdout)?.[0];
      if (err !== null || key === undefined || cert === undefined)
        reject(err ?? new Error('openssl printed no key or certificate'));
      else resolve({ keyPem: key, certPem: cert });
    });
  });
}

function forgeCert(): ServingCert {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 48 * 3600_000);
  const subject = [{ name: 'commonName', value: SUBJECT }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' },
      ],
    },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { keyPem, certPem: forge.pki.certificateToPem(cert) };
}

/** For tests of the fallback path. */
export { forgeCert as _forgeCertForTests };
