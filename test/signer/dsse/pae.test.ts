import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pae } from '../../../signer/dsse/pae.ts';

test('PAE matches the DSSE protocol example', () => {
  const out = pae('http://example.com/HelloWorld', Buffer.from('hello world'));
  assert.equal(out.toString(), 'DSSEv1 29 http://example.com/HelloWorld 11 hello world');
});

test('PAE lengths are UTF-8 byte counts, not characters', () => {
  const out = pae('application/vnd.exämple+json', Buffer.from('{}'));
  assert.equal(out.toString('utf8'), 'DSSEv1 29 application/vnd.exämple+json 2 {}');
});

test('PAE of an empty body ends with "0 " and an empty type gives "0  "', () => {
  assert.equal(pae('t', Buffer.alloc(0)).toString(), 'DSSEv1 1 t 0 ');
  assert.equal(pae('', Buffer.from('x')).toString(), 'DSSEv1 0  1 x');
});

test('PAE keeps binary payload bytes as they are', () => {
  const body = Buffer.from([0, 255, 10, 32, 0x80]);
  const out = pae('b', body);
  assert.deepEqual(out.subarray(out.length - body.length), body);
  assert.equal(out.subarray(0, out.length - body.length).toString(), 'DSSEv1 1 b 5 ');
});
