import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../../signer/config/parse.ts';

test('defaults: in-toto into sqlite, x509, Chains builder id', () => {
  const c = parseConfig({});
  assert.deepEqual(c.formats, ['in-toto']);
  assert.deepEqual(c.storage, ['sqlite']);
  assert.equal(c.signer.kind, 'x509');
  assert.equal(c.signer.ref, '/etc/signing-secrets');
  assert.equal(c.builderId, 'https://tekton.dev/chains/v2');
  assert.equal(c.buildType, undefined);
  assert.equal(c.oci.encoding, 'dsse');
  assert.equal(c.controller.workers, 4);
  assert.equal(c.controller.backoffBaseMs, 1000);
});

test('Chains keys from chains-config carry over; ours win key by key', () => {
  const c = parseConfig({
    chains: { 'artifacts.pipelinerun.format': 'slsa/v2alpha4', 'artifacts.pipelinerun.storage': 'oci,tekton', 'storage.oci.repository': 'reg.example/att', 'artifacts.taskrun.format': 'in-toto', 'some.future.chains-key': 'x' },
    ours: { 'artifacts.pipelinerun.format': 'in-toto, tekton', 'storage.oci.repository.insecure': 'true', 'controller.backoff-base': '250ms' },
  });
  assert.deepEqual(c.formats, ['in-toto', 'tekton']);
  assert.deepEqual(c.storage, ['oci', 'tekton']);
  assert.equal(c.oci.repository, 'reg.example/att');
  assert.equal(c.oci.insecure, true);
  assert.equal(c.controller.backoffBaseMs, 250);
  assert.deepEqual(c.ignoredKeys, ['artifacts.taskrun.format', 'some.future.chains-key']);
});

test('an empty storage list disables attestation (as in Chains)', () => {
  assert.deepEqual(parseConfig({ ours: { 'artifacts.pipelinerun.storage': '' } }).storage, []);
});

test('kms needs signers.kms.kmsref', () => {
  assert.throws(() => parseConfig({ ours: { 'artifacts.pipelinerun.signer': 'kms' } }), { code: 'MISSING_KEY', message: /signers\.kms\.kmsref/ });
  const c = parseConfig({ ours: { 'artifacts.pipelinerun.signer': 'kms', 'signers.kms.kmsref': 'awskms:///alias/tp' } });
  assert.deepEqual(c.signer, { kind: 'kms', ref: 'awskms:///alias/tp', explicit: true });
});

test('clear errors: unknown key, format, storage, signer, bad values', () => {
  const cases: Array<[Record<string, string>, string, RegExp]> = [
    [{ 'artifacts.pipelinerun.fromat': 'in-toto' }, 'UNKNOWN_KEY', /artifacts\.pipelinerun\.fromat/],
    [{ 'artifacts.pipelinerun.format': 'in-toto,slsa/v9' }, 'UNKNOWN_FORMAT', /slsa\/v9.*known: in-toto/],
    [{ 'artifacts.pipelinerun.format': '' }, 'INVALID_VALUE', /at least one/],
    [{ 'artifacts.pipelinerun.storage': 'oci,gcs' }, 'UNKNOWN_STORAGE', /"gcs" is a Chains backend/],
    [{ 'artifacts.pipelinerun.storage': 'tekton,s3' }, 'UNKNOWN_STORAGE', /"s3"/],
    [{ 'artifacts.pipelinerun.storage': 'oci,oci' }, 'INVALID_VALUE', /twice/],
    [{ 'artifacts.pipelinerun.signer': 'pgp' }, 'UNKNOWN_SIGNER', /pgp/],
    [{ 'storage.oci.encoding-format': 'protobuf' }, 'INVALID_VALUE', /dsse, sigstore-bundle/],
    [{ 'storage.oci.repository.insecure': 'yes' }, 'INVALID_VALUE', /true or false/],
    [{ 'controller.workers': '0' }, 'INVALID_VALUE', /controller\.workers/],
    [{ 'controller.backoff-base': '10 seconds' }, 'INVALID_VALUE', /duration/],
    [{ 'controller.backoff-base': '10m', 'controller.backoff-max': '1m' }, 'INVALID_VALUE', /backoff-max/],
    [{ 'transparency.enabled': 'yes' }, 'INVALID_VALUE', /true, manual, false/],
    [{ 'transparency.url': 'rekor.example' }, 'INVALID_VALUE', /transparency\.url/],
    [{ 'transparency.log': 'rekor-v2' }, 'INVALID_VALUE', /known: rekor/],
    [{ 'transparency.events': 'manual' }, 'INVALID_VALUE', /transparency\.events/],
  ];
  for (const [ours, code, message] of cases) assert.throws(() => parseConfig({ ours }), { code, message }, JSON.stringify(ours));
});

test("artifacts.pipelinerun.enable-deep-inspection is read from Chains' config (was accepted and ignored)", () => {
  assert.equal(parseConfig({}).deepInspection, false);
  const c = parseConfig({ chains: { 'artifacts.pipelinerun.enable-deep-inspection': 'true' } });
  assert.equal(c.deepInspection, true);
  assert.deepEqual(c.ignoredKeys, []);
  assert.throws(() => parseConfig({ ours: { 'artifacts.pipelinerun.enable-deep-inspection': 'maybe' } }));
});

test("transparency: Chains' true|manual|false and url; ours: log plugin and trusted root", () => {
  const off = parseConfig({});
  assert.deepEqual(off.transparency, { mode: 'false', url: 'https://rekor.sigstore.dev', log: 'rekor', trustedRoot: undefined, events: false });
  const manual = parseConfig({ chains: { 'transparency.enabled': 'manual', 'transparency.url': 'http://rekor.local:3000/' } });
  assert.equal(manual.transparency.mode, 'manual');
  assert.equal(manual.transparency.url, 'http://rekor.local:3000');
  assert.equal(parseConfig({ ours: { 'transparency.enabled': 'true', 'transparency.trusted-root': '/etc/root.json' } }).transparency.trustedRoot, '/etc/root.json');
  assert.equal(parseConfig({ ours: { 'transparency.events': 'true' } }).transparency.events, true, 'ours: event records logged after the answer');
});
