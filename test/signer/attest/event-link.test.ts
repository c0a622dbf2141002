import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveEventLink } from '../../../signer/attest/index.ts';
import type { SignedEventRecord } from '../../../signer/events/event-record.ts';
import { chainsRun, eventRecord } from '../formats/run-fixtures.ts';

const record = eventRecord();
const byId = async (id: string): Promise<SignedEventRecord | undefined> => (id === record.eventId ? record : undefined);
const byDigest = async (d: string): Promise<SignedEventRecord[]> => (d === record.digest ? [record] : []);
const LABEL = 'triggers.tekton.dev/triggers-eventid';
const ANNOTATION = 'tekton-provenance.dev/event-digest';

describe('resolveEventLink', () => {
  it('found: the label names a stored event whose digest the annotation repeats', async () => {
    const link = await resolveEventLink(chainsRun(), byId, byDigest);
    assert.equal(link.state, 'found');
    assert.equal(link.state === 'found' && link.record.eventId, record.eventId);
  });

  it('found: a bare hex digest annotation (as a TriggerTemplate may stamp it) is accepted', async () => {
    const run = chainsRun((pr) => (pr.metadata.annotations[ANNOTATION] = record.digest.slice('sha256:'.length).toUpperCase()));
    assert.equal((await resolveEventLink(run, byId)).state, 'found');
  });

  it('absent: neither label nor annotation means not started by a trigger', async () => {
    const run = chainsRun((pr) => {
      delete pr.metadata.labels[LABEL];
      delete pr.metadata.annotations[ANNOTATION];
    });
    const link = await resolveEventLink(run, byId, byDigest);
    assert.deepEqual(link, { state: 'absent', reason: 'not started by a trigger (no event-id label, no event-digest annotation)' });
  });

  it('absent: the label names an event the store does not have', async () => {
    const link = await resolveEventLink(chainsRun(), async () => undefined);
    assert.equal(link.state, 'absent');
    assert.match(link.state === 'absent' ? link.reason : '', /no signed event record for event id 8d6b7e0a/);
  });

  it('mismatch: the annotation digest is not the stored event digest', async () => {
    const run = chainsRun((pr) => (pr.metadata.annotations[ANNOTATION] = `sha256:${'0'.repeat(64)}`));
    const link = await resolveEventLink(run, byId, byDigest);
    assert.equal(link.state, 'mismatch');
    assert.match(link.state === 'mismatch' ? link.reason : '', /annotation digest sha256:0{64} != stored event digest sha256:4d48/);
    assert.equal(link.state === 'mismatch' && link.record?.eventId, record.eventId);
  });

  it('mismatch: the event is stored but the run carries no digest annotation', async () => {
    const run = chainsRun((pr) => delete pr.metadata.annotations[ANNOTATION]);
    assert.equal((await resolveEventLink(run, byId)).state, 'mismatch');
  });

  it('annotation without label: mismatch when the digest names a stored event, else absent', async () => {
    const run = chainsRun((pr) => delete pr.metadata.labels[LABEL]);
    assert.equal((await resolveEventLink(run, byId, byDigest)).state, 'mismatch');
    assert.equal((await resolveEventLink(run, byId)).state, 'absent');
  });
});
