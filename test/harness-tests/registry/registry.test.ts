import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isProvenanceError } from '../../../signer/errors.ts';
import { getBlob, getManifest, pushBlob, pushManifest, startRegistry } from '../../harness/registry/index.ts';
import type { TestRegistry } from '../../harness/registry/index.ts';
import { bcryptHash } from '../../harness/registry/htpasswd.ts';

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

describe('registry fixture over plain HTTP (fetch)', () => {
  let reg: TestRegistry;
  before(async () => {
    const t = Date.now();
    reg = await startRegistry();
    console.log(`registry start: ${Date.now() - t} ms`);
  });
  after(async () => {
    const t = Date.now();
    await reg.close();
    console.log(`registry stop: ${Date.now() - t} ms`);
    assert.equal(existsSync(reg.storageDir), false, 'temp storage is removed');
  });

  test('binds 127.0.0.1 and answers /v2/', async () => {
    assert.match(reg.host, /^127\.0\.0\.1:\d+$/);
    const r = await fetch(`${reg.url}/v2/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('docker-distribution-api-version'), 'registry/2.0');
  });

  test('pushes and pulls a blob and a tagged manifest with fetch', async () => {
    const layer = Buffer.from('{"hello":"wörld ✓"}');
    const config = Buffer.from('{}');
    for (const blob of [layer, config]) {
      const start = await fetch(`${reg.url}/v2/demo/app/blobs/uploads/`, { method: 'POST' });
      assert.equal(start.status, 202);
      const location = new URL(start.headers.get('location') ?? '', reg.url);
      location.searchParams.set('digest', sha256(blob));
      const put = await fetch(location, { method: 'PUT', body: blob, headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(put.status, 201);
      assert.equal(put.headers.get('docker-content-digest'), sha256(blob));
    }
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.dsse.envelope.v1+json', digest: sha256(layer), size: layer.length }],
      }),
    );
    const put = await fetch(`${reg.url}/v2/demo/app/manifests/v1`, {
      method: 'PUT',
      body: manifest,
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    assert.equal(put.status, 201);
    assert.equal(put.headers.get('docker-content-digest'), sha256(manifest));

    const byTag = await fetch(`${reg.url}/v2/demo/app/manifests/v1`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    assert.equal(byTag.status, 200);
    assert.deepEqual(Buffer.from(await byTag.arrayBuffer()), manifest, 'manifest bytes come back unchanged');
    const blob = await fetch(`${reg.url}/v2/demo/app/blobs/${sha256(layer)}`);
    assert.deepEqual(Buffer.from(await blob.arrayBuffer()), layer);
    const tags = (await (await fetch(`${reg.url}/v2/demo/app/tags/list`)).json()) as { tags: string[] };
    assert.deepEqual(tags.tags, ['v1']);
  });

  test('deletes a manifest by digest', async () => {
    const cfg = await pushBlob(reg, 'demo/del', Buffer.from('{}'));
    const m = await pushManifest(reg, 'demo/del', 'gone', {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfg, size: 2 },
      layers: [],
    });
    const del = await fetch(`${reg.url}/v2/demo/del/manifests/${m.digest}`, { method: 'DELETE' });
    assert.equal(del.status, 202);
    assert.equal(await getManifest(reg, 'demo/del', 'gone'), null);
  });

  test('stores a manifest with `subject` byte for byte; no referrers API (distribution 2.8)', async () => {
    const cfg = await pushBlob(reg, 'demo/ref', Buffer.from('{}'));
    const base = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cfg, size: 2 }, layers: [] };
    const image = await pushManifest(reg, 'demo/ref', 'v1', base);
    const referrer = await pushManifest(reg, 'demo/ref', 'sig', { ...base, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json', subject: { mediaType: base.mediaType, digest: image.digest, size: image.bytes.length } });
    assert.deepEqual((await getManifest(reg, 'demo/ref', referrer.digest))?.bytes, referrer.bytes);
    const referrers = await fetch(`${reg.url}/v2/demo/ref/referrers/${image.digest}`);
    assert.equal(referrers.status, 404);
  });

  test('survives stop + restart on the same port with the same storage', async () => {
    const digest = await pushBlob(reg, 'demo/persist', Buffer.from('kept across restarts'));
    await reg.stop();
    assert.equal(reg.running, false);
    await assert.rejects(fetch(`${reg.url}/v2/`), 'down while stopped');
    const t = Date.now();
    await reg.restart();
    console.log(`registry restart: ${Date.now() - t} ms`);
    assert.equal(reg.running, true);
    assert.equal((await getBlob(reg, 'demo/persist', digest))?.toString(), 'kept across restarts');
  });
});

describe('registry fixture with htpasswd auth and TLS', () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry({ auth: { username: 'ci', password: 'pässwörd:1' }, tls: true });
  });
  after(() => reg.close());

  test('serves https with the test CA and requires basic auth', async () => {
    assert.match(reg.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.ok(reg.caPem?.includes('BEGIN CERTIFICATE'));
    const { send } = await import('../../harness/registry/client.ts');
    const anonymous = await send({ url: reg.url, ca: reg.caPem }, 'GET', '/v2/');
    assert.equal(anonymous.status, 401);
    assert.match(String(anonymous.headers['www-authenticate']), /^Basic realm=/);
    const wrong = await send({ url: reg.url, ca: reg.caPem, authorization: 'Basic ' + Buffer.from('ci:nope').toString('base64') }, 'GET', '/v2/');
    assert.equal(wrong.status, 401);
    const ok = await send({ url: reg.url, ca: reg.caPem, authorization: reg.authorization }, 'GET', '/v2/');
    assert.equal(ok.status, 200);
  });

  test('round-trips a blob with credentials', async () => {
    const opts = { url: reg.url, ca: reg.caPem, authorization: reg.authorization };
    const digest = await pushBlob(opts, 'secure/app', Buffer.from('secret layer'));
    assert.equal((await getBlob(opts, 'secure/app', digest))?.toString(), 'secret layer');
  });

  test('rejects a client that does not trust the test CA', async () => {
    const { send } = await import('../../harness/registry/client.ts');
    await assert.rejects(send({ url: reg.url }, 'GET', '/v2/'), /self.signed|unable to verify|certificate/i);
  });
});

describe('htpasswd', () => {
  test('makes bcrypt hashes the Go bcrypt reader accepts ($2b$, 60 chars)', () => {
    const h = bcryptHash('x');
    assert.match(h, /^\$2b\$05\$[./A-Za-z0-9]{53}$/);
    assert.notEqual(bcryptHash('x'), h, 'salted');
  });
  test('rejects a user name with a colon', async () => {
    await assert.rejects(startRegistry({ auth: { username: 'a:b', password: 'p' } }), (e) => isProvenanceError(e, 'HTPASSWD_INVALID'));
  });
});

describe('registry fixture failures', () => {
  test('a missing binary is REGISTRY_BINARY_MISSING', async () => {
    await assert.rejects(startRegistry({ binary: '/nonexistent/docker-registry' }), (e) => isProvenanceError(e, 'REGISTRY_BINARY_MISSING'));
  });
  test('a test process that exits without close() leaves no registry and no temp dir', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `import { startRegistry } from ${JSON.stringify(new URL('../../harness/registry/index.ts', import.meta.url).href)};
const r = await startRegistry(); console.log(r.pid + ' ' + r.storageDir); process.exit(0);`;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000 });
    const [pidText, storageDir] = out.stdout.trim().split(' ');
    const pid = Number(pidText);
    assert.equal(existsSync(storageDir ?? '/'), false, 'its temp storage is removed too');
    assert.ok(pid > 0, out.stderr);
    // Dead = gone, or a zombie waiting for a reaper (PID 1 of a container may never reap it).
    const { readFileSync } = await import('node:fs');
    const alive = (): boolean => {
      try {
        return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 2000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(alive(), false, 'the registry died with its test process');
  });
  test('close() is idempotent and restart() after close() is REGISTRY_NOT_RUNNING', async () => {
    const reg = await startRegistry();
    await reg.close();
    await reg.close();
    await assert.rejects(reg.restart(), (e) => isProvenanceError(e, 'REGISTRY_NOT_RUNNING'));
  });
});
