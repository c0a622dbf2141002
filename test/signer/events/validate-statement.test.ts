import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isProvenanceError } from '../../../signer/errors.ts';
import { decodeUtf8, validateEventStatement } from '../../../signer/events/validate-statement.ts';
import { eventStatement, statementBytes } from './event-fixture.ts';

/** The decoder decodeUtf8 replaced: its answer (text, or a throw) is the reference. */
function fatalDecode(bytes: Buffer): string | 'invalid' {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return 'invalid';
  }
}

function fastDecode(bytes: Buffer): string | 'invalid' {
  try {
    return decodeUtf8(bytes);
  } catch (err) {
    assert.ok(isProvenanceError(err, 'INVALID_EVENT_RECORD'));
    return 'invalid';
  }
}

const TRICKY: number[][] = [
  [0xef, 0xbb, 0xbf, 0x7b, 0x7d], // BOM: kept, as with ignoreBOM
  [0xc0, 0xaf], // overlong "/"
  [0xe0, 0x80, 0xaf], // overlong, 3 bytes
  [0xed, 0xa0, 0x80], // encoded surrogate U+D800
  [0xed, 0x9f, 0xbf], // U+D7FF, the last code point before the surrogates
  [0xf4, 0x90, 0x80, 0x80], // above U+10FFFF
  [0xf4, 0x8f, 0xbf, 0xbf], // U+10FFFF
  [0xe2, 0x82], // truncated sequence at the end
  [0x80], // lone continuation byte
  [0xff],
  [0x00, 0x41],
  [0xc3, 0xa9, 0xe2, 0x80, 0xa8], // é and U+2028
  [],
];

test('decodeUtf8 answers exactly what a fatal TextDecoder (ignoreBOM) answers', () => {
  for (const seq of TRICKY) {
    const bytes = Buffer.from(seq);
    assert.deepEqual(fastDecode(bytes), fatalDecode(bytes), bytes.toString('hex'));
  }
  const chunks = fc.oneof(
    fc.uint8Array({ maxLength: 16 }),
    fc.constantFrom(...TRICKY.map((s) => Uint8Array.from(s))),
    fc.string({ unit: 'grapheme', maxLength: 8 }).map((s) => new TextEncoder().encode(s)),
  );
  fc.assert(
    fc.property(fc.array(chunks, { maxLength: 8 }), (parts) => {
      const bytes = Buffer.concat(parts);
      assert.deepEqual(fastDecode(bytes), fatalDecode(bytes));
    }),
    { numRuns: 2000 },
  );
});

test('a statement that is not UTF-8 is refused before parsing; a valid one passes', () => {
  const good = statementBytes(eventStatement('{"name":"caf\u00e9"}', { eventId: 'ev-utf8' }));
  assert.equal(validateEventStatement(good).eventId, 'ev-utf8');
  const at = good.indexOf('caf') + 3; // the two bytes of é
  const bad = Buffer.from(good);
  bad[at] = 0xc0; // an overlong lead byte: not UTF-8
  assert.throws(
    () => validateEventStatement(bad),
    (e) => isProvenanceError(e, 'INVALID_EVENT_RECORD') && /not valid UTF-8/.test((e as Error).message),
  );
});
