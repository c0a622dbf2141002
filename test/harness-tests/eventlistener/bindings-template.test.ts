import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isProvenanceError } from '../../../signer/errors.ts';
import { resolveParams } from '../../harness/eventlistener/bindings.ts';
import { findExpressions } from '../../harness/eventlistener/jsonpath.ts';
import { renderTemplate } from '../../harness/eventlistener/template.ts';
import { labelResource } from '../../harness/eventlistener/create.ts';
import { resolveClusterInterceptor } from '../../harness/eventlistener/cluster-interceptor.ts';

const event = {
  body: JSON.stringify({ repository: { id: 123456789, clone_url: 'https://x/y.git', 'a.b': 'dotted' }, head_commit: { id: 'abc', message: 'say "hi" <b>' }, commits: [{ id: 'c0' }, { id: 'c1' }], ok: true }),
  header: { 'X-Github-Event': ['push'], 'X-Multi': ['a', 'b'] },
  extensions: { provenance: { digest: 'sha256:00', signature: 'c2ln' } },
  eventId: '1b4e28ba-2fa1-4d2e-9f2b-7c1e0a9b8f7d',
};

describe('TriggerBinding resolution', () => {
  test('body, header, extensions and context expressions', () => {
    const p = resolveParams(
      [
        { name: 'url', value: '$(body.repository.clone_url)' },
        { name: 'rev', value: 'rev-$(body.head_commit.id)-$(body.commits[1].id)' },
        { name: 'event', value: '$(header.X-Github-Event)' },
        { name: 'multi', value: '$(header.X-Multi)' },
        { name: 'digest', value: '$(extensions.provenance.digest)' },
        { name: 'eid', value: '$(context.eventID)' },
        { name: 'id', value: '$(body.repository.id)' },
        { name: 'msg', value: '$(body.head_commit.message)' },
        { name: 'obj', value: '$(body.commits[0])' },
        { name: 'dotted', value: "$(body.repository['a.b'])" },
        { name: 'flag', value: '$(body.ok)' },
      ],
      [],
      event,
    );
    assert.equal(p['url'], 'https://x/y.git');
    assert.equal(p['rev'], 'rev-abc-c1');
    assert.equal(p['event'], 'push');
    assert.equal(p['multi'], 'a,b', 'multiple header values are joined with ","');
    assert.equal(p['digest'], 'sha256:00');
    assert.equal(p['eid'], event.eventId);
    assert.equal(p['id'], '1.23456789e+08', 'numbers print like Go fmt');
    assert.equal(p['msg'], 'say \\"hi\\" \\u003cb\\u003e', 'strings are JSON-escaped without their quotes');
    assert.equal(p['obj'], '{"id":"c0"}');
    assert.equal(p['dotted'], 'dotted');
    assert.equal(p['flag'], 'true');
  });
  test('a missing key uses the template default, or drops the trigger', () => {
    const p = resolveParams([{ name: 'x', value: '$(body.nope)' }], [{ name: 'x', default: 'dflt' }, { name: 'y', default: 'yy' }], event);
    assert.deepEqual(p, { x: 'dflt', y: 'yy' });
    assert.throws(() => resolveParams([{ name: 'x', value: '$(body.nope)' }], [], event), (e) => isProvenanceError(e, 'BINDING_UNRESOLVED'));
    assert.throws(() => resolveParams([{ name: 'x', value: '$(header.x-github-event)' }], [], event), (e) => isProvenanceError(e, 'BINDING_UNRESOLVED'), 'header keys are Go-canonical');
  });
  test('duplicate binding params are an error', () => {
    assert.throws(() => resolveParams([{ name: 'a', value: '1' }, { name: 'a', value: '2' }], [], event), (e) => isProvenanceError(e, 'DUPLICATE_PARAM'));
  });
  test('finds nested $() expressions', () => {
    assert.deepEqual(findExpressions('a $(body.x) b $(body.y[0]) $(x(y))'), ['$(body.x)', '$(body.y[0])', '$(x(y))']);
  });
});

describe('TriggerTemplate rendering', () => {
  const template = {
    metadata: { name: 'tt' },
    spec: {
      params: [{ name: 'msg' }],
      resourcetemplates: [
        { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { generateName: 'build-', name: 'run-$(uid)', annotations: { m: '$(tt.params.msg)' } } },
      ],
    },
  };
  test('substitutes raw: a binding value keeps its JSON escaping and decodes back', () => {
    const [pr] = renderTemplate(template, { msg: 'say \\"hi\\" \\u003cb\\u003e' }, 'u1') as Array<{ metadata: { name: string; annotations: Record<string, string> } }>;
    assert.equal(pr?.metadata.annotations['m'], 'say "hi" <b>');
    assert.equal(pr?.metadata.name, 'run-u1');
  });
  test('a raw quote breaks the JSON, as in Triggers', () => {
    assert.throws(() => renderTemplate(template, { msg: 'a"b' }), (e) => isProvenanceError(e, 'TEMPLATE_INVALID_JSON'));
  });
  test('old-escape-quotes escapes quotes first', () => {
    const old = { ...template, metadata: { name: 'tt', annotations: { 'triggers.tekton.dev/old-escape-quotes': 'true' } } };
    const [pr] = renderTemplate(old, { msg: 'a"b' }) as Array<{ metadata: { annotations: Record<string, string> } }>;
    assert.equal(pr?.metadata.annotations['m'], 'a"b');
  });
  test('labels created resources with the three triggers.tekton.dev labels', () => {
    const obj = labelResource({ metadata: { labels: { app: 'x' } } }, { eventListener: 'el', trigger: 't', eventId: 'e1', namespace: 'ns' });
    assert.deepEqual(obj.metadata, {
      namespace: 'ns',
      labels: { app: 'x', 'triggers.tekton.dev/eventlistener': 'el', 'triggers.tekton.dev/triggers-eventid': 'e1', 'triggers.tekton.dev/trigger': 't' },
    });
  });
});

describe('ClusterInterceptor resolution', () => {
  const ca = Buffer.from('-----BEGIN CERTIFICATE-----\n...').toString('base64');
  test('service with server/type https -> https://svc.ns.svc:8443/path', () => {
    const r = resolveClusterInterceptor({
      metadata: { name: 'provenance', labels: { 'server/type': 'https' } },
      spec: { clientConfig: { caBundle: ca, service: { name: 'tp-interceptor', namespace: 'tekton-provenance', path: 'sign' } } },
    });
    assert.equal(r.url, 'https://tp-interceptor.tekton-provenance.svc:8443/sign');
    assert.ok(r.caPem?.startsWith('-----BEGIN CERTIFICATE-----'));
  });
  test('status.address.url wins', () => {
    const r = resolveClusterInterceptor({
      metadata: { name: 'p', labels: { 'server/type': 'https' } },
      spec: { clientConfig: { caBundle: ca, url: 'https://a' } },
      status: { address: { url: 'https://b:9443/x' } },
    });
    assert.equal(r.url, 'https://b:9443/x');
  });
  test('no url and no service is RESOLVE_FAILED', () => {
    assert.throws(
      () => resolveClusterInterceptor({ metadata: { name: 'p', labels: { 'server/type': 'https' } }, spec: { clientConfig: { caBundle: ca } } }),
      (e) => isProvenanceError(e, 'RESOLVE_FAILED'),
    );
  });
  test('an https interceptor with an empty caBundle is EMPTY_CA_BUNDLE', () => {
    assert.throws(
      () => resolveClusterInterceptor({ metadata: { name: 'p', labels: { 'server/type': 'https' } }, spec: { clientConfig: { url: 'https://a' } } }),
      (e) => isProvenanceError(e, 'EMPTY_CA_BUNDLE'),
    );
  });
});
