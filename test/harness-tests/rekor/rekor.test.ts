import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { leafHash, MerkleTree, RekorStandIn, trustedRoot, type LogEntryAnon } from '../../harness/rekor/index.ts';

// The stand-in is checked against independent code: RFC 6962 vectors, a proof checker written
// here from RFC 9162 section 2.1.3.2, and @sigstore/verify on the entries it answers.

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pem = key.publicKey.export({ type: 'spki', format: 'pem' }) as string;

function envelopeFor(text: string): string {
  const payload = Buffer.from(text);
  const type = 'application/vnd.in-toto+json';
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${payload.length} `), payload]);
  return JSON.stringify({ payloadType: type, payload: payload.toString('base64'), signatures: [{ keyid: 'k', sig: sign('sha256', pae, key.privateKey).toString('base64') }] });
}

const proposed = (envelope: string, verifier = pem): string =>
  JSON.stringify({ apiVersion: '0.0.1', kind: 'dsse', spec: { proposedContent: { envelope, verifiers: [Buffer.from(verifier).toString('base64')] } } });

async function upload(url: string, envelope: string): Promise<{ status: number; body: Record<string, LogEntryAnon>; location: string | null }> {
  const res = await fetch(`${url}/api/v1/log/entries`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: proposed(envelope) });
  return { status: res.status, body: (await res.json()) as Record<string, LogEntryAnon>, location: res.headers.get('location') };
}

function checkInclusion(index: number, size: number, leaf: Buffer, proof: Buffer[], root: Buffer): boolean {
  const node = (l: Buffer, r: Buffer): Buffer => createHash('sha256').update(Buffer.from([1])).update(l).update(r).digest();
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = node(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = node(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && r.equals(root);
}

describe('Merkle tree', () => {
  test('matches the RFC 6962 reference roots (certificate-transparency-go vectors)', () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
    const roots = [
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
      'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
      'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
      '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
      'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    ];
    const tree = new MerkleTree();
    leaves.forEach((hex, i) => {
      tree.append(leafHash(Buffer.from(hex, 'hex')));
      assert.equal(tree.root().toString('hex'), roots[i]);
    });
  });

  test('every inclusion proof in trees of 1..33 leaves checks out', () => {
    const tree = new MerkleTree();
    for (let n = 1; n <= 33; n++) {
      tree.append(leafHash(Buffer.from([n])));
      for (let i = 0; i < n; i++) {
        assert.ok(checkInclusion(i, n, leafHash(Buffer.from([i + 1])), tree.inclusionProof(i, n), tree.root(n)), `leaf ${i} of ${n}`);
      }
    }
  });
});

describe('Rekor stand-in', () => {
  let rekor: RekorStandIn;
  before(async () => {
    rekor = await RekorStandIn.start({ maxBodyBytes: 16 * 1024 });
  });
  after(() => rekor.close());

  test('logs a dsse entry as Rekor does and @sigstore/verify accepts its SET, checkpoint and proof', async () => {
    for (let i = 0; i < 3; i++) await upload(rekor.url, envelopeFor(`{"warm":${i}}`));
    const envelope = envelopeFor('{"_type":"https://in-toto.io/Statement/v0.1"}');
    const res = await upload(rekor.url, envelope);
    assert.equal(res.status, 201);
    const [id, entry] = Object.entries(res.body)[0] as [string, LogEntryAnon];
    assert.equal(id.length, 80);
    assert.equal(res.location, `/api/v1/log/entries/${id}`);
    const body = JSON.parse(Buffer.from(entry.body, 'base64').toString());
    assert.equal(body.kind, 'dsse');
    assert.equal(body.spec.envelopeHash.value, createHash('sha256').update(envelope).digest('hex'));
    assert.equal(Buffer.from(body.spec.signatures[0].verifier, 'base64').toString(), pem);
    assert.equal(entry.logIndex, 3);

    const env = JSON.parse(envelope);
    const bundle = bundleFromJSON({
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {
        publicKey: { hint: 'k' },
        tlogEntries: [{
          logIndex: String(entry.logIndex), logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
          kindVersion: { kind: 'dsse', version: '0.0.1' }, integratedTime: String(entry.integratedTime),
          inclusionPromise: { signedEntryTimestamp: entry.verification.signedEntryTimestamp },
          inclusionProof: {
            logIndex: String(entry.verification.inclusionProof.logIndex), treeSize: String(entry.verification.inclusionProof.treeSize),
            rootHash: Buffer.from(entry.verification.inclusionProof.rootHash, 'hex').toString('base64'),
            hashes: entry.verification.inclusionProof.hashes.map((h) => Buffer.from(h, 'hex').toString('base64')),
            checkpoint: { envelope: entry.verification.inclusionProof.checkpoint },
          },
          canonicalizedBody: entry.body,
        }],
      },
      dsseEnvelope: { payload: env.payload, payloadType: env.payloadType, signatures: [{ sig: env.signatures[0].sig, keyid: 'k' }] },
    });
    const root = TrustedRoot.fromJSON(trustedRoot({ rekor: { url: rekor.url, publicKey: rekor.log.publicKey } }));
    const trust = toTrustMaterial(root, () => ({ publicKey: key.publicKey, validFor: () => true }));
    new Verifier(trust, { ctlogThreshold: 0, timestampThreshold: 1, tlogThreshold: 1 }).verify(toSignedEntity(bundle));

    const byIndex = (await (await fetch(`${rekor.url}/api/v1/log/entries?logIndex=3`)).json()) as Record<string, LogEntryAnon>;
    assert.deepEqual(Object.keys(byIndex), [id]);
    const byUuid = (await (await fetch(`${rekor.url}/api/v1/log/entries/${id.slice(16)}`)).json()) as Record<string, LogEntryAnon>;
    assert.equal(byUuid[id]?.body, entry.body);
  });

  test('409 with the existing entry for the same envelope; 400 for a bad signature; 413 when too large', async () => {
    const envelope = envelopeFor('{"dup":true}');
    const first = await upload(rekor.url, envelope);
    const second = await upload(rekor.url, envelope);
    assert.equal(second.status, 409);
    assert.equal(second.location, `/api/v1/log/entries/${Object.keys(first.body)[0]}`);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }) as string;
    const bad = await fetch(`${rekor.url}/api/v1/log/entries`, { method: 'POST', body: proposed(envelopeFor('{}'), other) });
    assert.equal(bad.status, 400);
    const big = await upload(rekor.url, envelopeFor(JSON.stringify({ pad: 'x'.repeat(20_000) })));
    assert.equal(big.status, 413);
  });

  test('faults are finite: down, 500, garbage', async () => {
    rekor.injectFaults('down', 1);
    await assert.rejects(fetch(`${rekor.url}/api/v1/log`));
    rekor.injectFaults('internal-error', 1);
    assert.equal((await fetch(`${rekor.url}/api/v1/log`)).status, 500);
    rekor.injectFaults('garbage', 1);
    assert.match(await (await fetch(`${rekor.url}/api/v1/log`)).text(), /not rekor/);
    assert.equal((await fetch(`${rekor.url}/api/v1/log`)).status, 200);
  });
});
