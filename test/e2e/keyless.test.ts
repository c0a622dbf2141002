// Done-when of issue 11: the controller makes a keyless, logged attestation (Fulcio + Rekor
// stand-ins, a projected ServiceAccount token), and it verifies with `tkn-provenance verify
// --trusted-root` from files only, and with @sigstore/verify on its own.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { main } from '../../signer/cli/main.ts';
import { SIGNED_ANNOTATION, FAILURE_ANNOTATION } from '../../signer/controller/annotations.ts';
import type { AttestationController } from '../../signer/controller/controller.ts';
import { parseEnvelope } from '../../signer/dsse/parse.ts';
import { RegistryClient } from '../../signer/storage/oci/client.ts';
import { readAttestationLayers } from '../../signer/storage/oci/read.ts';
import { SqliteAttestationStorage } from '../../signer/storage/sqlite/backend.ts';
import type { LoggedEntry } from '../../signer/transparency/entry.ts';
import { TRANSPARENCY_ANNOTATION } from '../../signer/transparency/upload.ts';
import { KubeConfigMapReader } from '../../admission/kube/config-maps.ts';
import { PolicyKeys } from '../../admission/policy/keys.ts';
import { parseVerificationPolicy } from '../../admission/policy/parse.ts';
import { Verdicts } from '../../admission/verdict/verdicts.ts';
import { FulcioStandIn } from '../harness/fulcio/index.ts';
import { OidcIssuerStandIn } from '../harness/oidc/index.ts';
import { RekorStandIn, trustedRoot } from '../harness/rekor/index.ts';
import { drive } from '../signer/controller/drive.ts';
import { buildInput, waitFinal } from '../signer/controller/runs.ts';
import { CONTROLLER_NS, RUN_NS, pushSubjectImage, startController, startWorld, testConfig, writeConfig, writeFileIn, type World } from '../signer/controller/setup.ts';
import { sigstoreVerifyBundle } from '../signer/transparency/sigstore-check.ts';

const SA = 'tekton-provenance-controller';
const IDENTITY = `https://kubernetes.io/namespaces/${CONTROLLER_NS}/serviceaccounts/${SA}`;

let w: World;
let oidc: OidcIssuerStandIn;
let fulcio: FulcioStandIn;
let rekor: RekorStandIn;
let controller: AttestationController;
let root: Record<string, unknown>;

before(async () => {
  w = await startWorld();
  oidc = await OidcIssuerStandIn.start();
  fulcio = await FulcioStandIn.start({ issuers: [oidc.url] });
  rekor = await RekorStandIn.start();
  // With the CT log: the controller's upload check, verify and @sigstore/verify all require the leaf's SCT.
  root = trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey }, fulcio: { url: fulcio.url, chainDer: fulcio.chainDer }, ctlog: fulcio.ctLog });
  writeFileIn(w, 'trusted_root.json', JSON.stringify(root));
  const data = testConfig(w, {
    'artifacts.pipelinerun.format': 'in-toto',
    'signers.x509.fulcio.enabled': 'true',
    'signers.x509.fulcio.address': fulcio.url,
    'signers.x509.fulcio.issuer': oidc.url,
    'signers.x509.identity.token.file': writeFileIn(w, 'oidc-token', oidc.mint({ namespace: CONTROLLER_NS, serviceAccount: SA })),
    // transparency.enabled stays false: keyless attestations are logged regardless.
    'transparency.url': rekor.url,
    'transparency.trusted-root': join(w.dir, 'trusted_root.json'),
  });
  await writeConfig(w, data);
  controller = await startController(w, data, { loadSigner: () => Promise.reject(new Error('keyless needs no key')) });
});
after(async () => {
  await controller.stop();
  await Promise.all([rekor.close(), fulcio.close(), oidc.close()]);
  await w.close();
});

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (chunks.push(Buffer.from(c)), cb()) });
  const code = await main(args, { stdout: sink, stderr: sink, env: {}, cwd: w.dir });
  return { code, out: Buffer.concat(chunks).toString() };
}

let keylessDigest: string | undefined;

test('a keyless, logged attestation: verify --trusted-root from files only, and @sigstore/verify', async () => {
  const digest = await pushSubjectImage(w, 'demo/keyless', 'v1');
  keylessDigest = digest;
  const issuedBefore = fulcio.issued;
  await drive(w.kc, buildInput(w, 'keyless-a', 'demo/keyless', digest));
  await drive(w.kc, buildInput(w, 'keyless-b', 'demo/keyless', digest));
  const pr = await waitFinal(w, 'keyless-a', 30_000);
  await waitFinal(w, 'keyless-b', 30_000);
  const ann = pr.metadata.annotations ?? {};
  assert.equal(ann[SIGNED_ANNOTATION], 'true', ann[FAILURE_ANNOTATION]);
  assert.match(ann[TRANSPARENCY_ANNOTATION] ?? '', /\/api\/v1\/log\/entries\?logIndex=\d+$/);
  assert.ok(ann[`chains.tekton.dev/cert-pipelinerun-${pr.metadata.uid}`], "Chains' cert- annotation");
  assert.ok(ann[`chains.tekton.dev/chain-pipelinerun-${pr.metadata.uid}`], "Chains' chain- annotation");
  assert.equal(fulcio.issued - issuedBefore, 1, 'two runs, one certificate');

  // cosign's layer annotations on the .att layer.
  const layers = await readAttestationLayers(new RegistryClient(w.registry.host, { insecure: true }), 'demo/keyless', digest);
  const layer = layers.find((l) => l.descriptor.annotations?.['dev.tekton-provenance/run']?.startsWith(pr.metadata.uid));
  assert.match(layer?.descriptor.annotations?.['dev.sigstore.cosign/certificate'] ?? '', /BEGIN CERTIFICATE/);
  assert.equal((layer?.descriptor.annotations?.['dev.sigstore.cosign/chain'] ?? '').match(/BEGIN CERTIFICATE/g)?.length, 2);
  assert.ok(layer?.descriptor.annotations?.['dev.sigstore.cosign/bundle']);

  // Files only: the PipelineRun as exported JSON, the SQLite store, the trusted root.
  const exported = w.kube.objects.get('tekton.dev/v1', 'PipelineRun', RUN_NS, 'keyless-a');
  writeFileIn(w, 'pr.json', JSON.stringify(exported));
  writeFileIn(w, 'policy.yaml', 'transparency: required\nevent:\n  required: false\n');
  const base = ['verify', '--pipelinerun', 'pr.json', '--store', 'attestations.db', '--trusted-root', 'trusted_root.json', '--policy', 'policy.yaml', '--certificate-oidc-issuer', oidc.url];
  const ok = await cli([...base, '--certificate-identity', IDENTITY]);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /signature.*certificate for https:\/\/kubernetes\.io\/namespaces\/tekton-provenance\/serviceaccounts\/tekton-provenance-controller/);
  assert.match(ok.out, /transparency.*logged at index/);
  // The same from the registry (cosign's .att layer annotations: certificate, chain, bundle).
  const fromImage = await cli(['verify', '--image', `${w.registry.host}/demo/keyless@${digest}`, '--insecure-registry', '--trusted-root', 'trusted_root.json', '--policy', 'policy.yaml', '--certificate-oidc-issuer', oidc.url, '--certificate-identity', IDENTITY]);
  assert.equal(fromImage.code, 0, fromImage.out);
  assert.match(fromImage.out, /transparency.*logged at index/);
  const other = await cli([...base, '--certificate-identity', `https://kubernetes.io/namespaces/${RUN_NS}/serviceaccounts/default`]);
  assert.equal(other.code, 1, other.out);
  assert.match(other.out, /CERT_IDENTITY_MISMATCH/);

  // @sigstore/verify alone, on a v0.3 bundle assembled from the stored row.
  const db = new SqliteAttestationStorage(join(w.dir, 'attestations.db'));
  const row = db.read(pr.metadata.uid)[0]!;
  db.close();
  const logged = JSON.parse(row.tlogEntry!) as LoggedEntry;
  const leaf = (JSON.parse(row.certificates!) as string[])[0]!;
  const env = parseEnvelope(row.envelope);
  sigstoreVerifyBundle({
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { certificate: { rawBytes: leaf.replace(/-----[A-Z ]+-----|\s/g, '') }, tlogEntries: [logged.entry], timestampVerificationData: { rfc3161Timestamps: [] } },
    dsseEnvelope: { payload: env.payload, payloadType: env.payloadType, signatures: [{ sig: env.signatures[0]!.sig, keyid: '' }] },
  }, root, undefined, { subjectAlternativeName: IDENTITY, extensions: { issuer: oidc.url } });
});

test('admission: a VerificationPolicy with a keyless identity and a trustedRootRef ConfigMap admits the image; another identity, no identity, or a missing root does not', async () => {
  assert.ok(keylessDigest, 'the first test made the keyless attestation');
  w.kube.objects.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sigstore-root', namespace: CONTROLLER_NS }, data: { 'trusted_root.json': JSON.stringify(root) } } as never);
  const image = { canonical: `${w.registry.host}/demo/keyless`, digest: keylessDigest };
  const verdicts = new Verdicts({
    // the real ConfigMap read through client-node, as in the cluster (RBAC: a Role in our namespace)
    keys: new PolicyKeys({ secrets: undefined, kms: {}, configMaps: new KubeConfigMapReader(w.kc), namespace: CONTROLLER_NS }),
    insecureRegistry: true,
    transport: { retries: 0, backoffMs: 10, timeoutMs: 10_000, maxBytes: 16 << 20 },
    cacheTtlMs: 60_000, cacheMaxEntries: 10, concurrency: 2, maxQueued: 10,
  });
  let generation = 0;
  const judge = async (spec: Record<string, unknown>) => {
    const policy = parseVerificationPolicy({ metadata: { name: 'keyless', uid: 'u', generation: ++generation }, spec: { event: { required: false }, transparency: 'required', ...spec } }, CONTROLLER_NS);
    return (await verdicts.verdict(image, policy, undefined, Date.now() + 30_000)).verdict;
  };
  const ok = await judge({ keys: [{ keyless: { issuer: oidc.url, subject: IDENTITY } }], trustedRootRef: { name: 'sigstore-root' } });
  assert.equal(ok.ok, true, JSON.stringify(ok));
  const regexp = await judge({ keys: [{ keyless: { issuer: oidc.url, subjectRegExp: `^https://kubernetes\\.io/namespaces/${CONTROLLER_NS}/` } }], trustedRootRef: { name: 'sigstore-root' } });
  assert.equal(regexp.ok, true, JSON.stringify(regexp));
  const other = await judge({ keys: [{ keyless: { issuer: oidc.url, subject: `https://kubernetes.io/namespaces/${RUN_NS}/serviceaccounts/default` } }], trustedRootRef: { name: 'sigstore-root' } });
  assert.equal(other.ok, false);
  assert.match(JSON.stringify(other.failures), /CERT_IDENTITY_MISMATCH/);
  const wrongIssuer = await judge({ keys: [{ keyless: { issuer: 'https://accounts.example', subject: IDENTITY } }], trustedRootRef: { name: 'sigstore-root' } });
  assert.equal(wrongIssuer.ok, false);
  // a key-only policy: the certificate-signed attestation names no identity the policy trusts
  const keyOnly = await judge({ keys: [{ pem: w.publicKeyPem }], trustedRootRef: { name: 'sigstore-root' } });
  assert.equal(keyOnly.ok, false);
  assert.match(JSON.stringify(keyOnly.failures), /CERT_IDENTITY_MISMATCH/);
  const missing = await judge({ keys: [{ keyless: { issuer: oidc.url, subject: IDENTITY } }], trustedRootRef: { name: 'no-such-root' } });
  assert.equal(missing.ok, false);
  assert.equal(missing.reason, 'KEYS_UNAVAILABLE');
  assert.match(JSON.stringify(missing.failures), /ConfigMap tekton-provenance\/no-such-root does not exist/);
});

test('Fulcio refuses the token (wrong audience): nothing signed, the run fails naming Fulcio', async () => {
  writeFileSync(join(w.dir, 'oidc-token'), oidc.mint({ namespace: CONTROLLER_NS, serviceAccount: SA, audience: 'https://kubernetes.default.svc' }));
  const fresh = await startController(w, { ...testConfig(w), 'artifacts.pipelinerun.format': 'in-toto', 'signers.x509.fulcio.enabled': 'true', 'signers.x509.fulcio.address': fulcio.url, 'signers.x509.identity.token.file': join(w.dir, 'oidc-token'), 'transparency.url': rekor.url }, { identity: 'replica-b' });
  await controller.stop(); // hand the lease over to the controller with a fresh (uncached) keyless signer
  try {
    const digest = await pushSubjectImage(w, 'demo/keyless-bad', 'v1');
    const size = rekor.log.size;
    await drive(w.kc, buildInput(w, 'keyless-refused', 'demo/keyless-bad', digest));
    const pr = await waitFinal(w, 'keyless-refused', 30_000);
    assert.equal(pr.metadata.annotations?.[SIGNED_ANNOTATION], 'failed');
    assert.match(pr.metadata.annotations?.[FAILURE_ANNOTATION] ?? '', /^certificate: FULCIO_REJECTED.*audience/);
    assert.equal(rekor.log.size, size, 'nothing logged');
  } finally {
    await fresh.stop();
  }
});
