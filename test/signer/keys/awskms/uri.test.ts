import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAwsKmsUri } from '../../../../signer/keys/awskms/uri.ts';
import { isProvenanceError } from '../../../../signer/errors.ts';

const KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_ARN = `arn:aws:kms:us-east-2:111122223333:key/${KEY}`;
const ALIAS_ARN = 'arn:aws:kms:us-east-2:111122223333:alias/ExampleAlias';

test('the four key forms parse without an endpoint (awskms:///...)', () => {
  assert.deepEqual(parseAwsKmsUri(`awskms:///${KEY}`), {
    endpoint: undefined,
    keyId: KEY,
    form: 'key-id',
    arnRegion: undefined,
  });
  assert.deepEqual(parseAwsKmsUri(`awskms:///${KEY_ARN}`), {
    endpoint: undefined,
    keyId: KEY_ARN,
    form: 'key-arn',
    arnRegion: 'us-east-2',
  });
  assert.deepEqual(parseAwsKmsUri('awskms:///alias/ExampleAlias'), {
    endpoint: undefined,
    keyId: 'alias/ExampleAlias',
    form: 'alias-name',
    arnRegion: undefined,
  });
  assert.deepEqual(parseAwsKmsUri(`awskms:///${ALIAS_ARN}`), {
    endpoint: undefined,
    keyId: ALIAS_ARN,
    form: 'alias-arn',
    arnRegion: 'us-east-2',
  });
});

test('an endpoint host:port is kept apart from the key', () => {
  assert.deepEqual(parseAwsKmsUri(`awskms://localhost:4566/${KEY}`), {
    endpoint: 'localhost:4566',
    keyId: KEY,
    form: 'key-id',
    arnRegion: undefined,
  });
  assert.equal(parseAwsKmsUri(`awskms://kms.example.com/${KEY_ARN}`).endpoint, 'kms.example.com');
  assert.equal(parseAwsKmsUri('awskms://127.0.0.1:8443/alias/a/b_c-d').keyId, 'alias/a/b_c-d');
  assert.equal(parseAwsKmsUri(`awskms://[::1]:4566/${ALIAS_ARN}`).endpoint, '[::1]:4566');
});

test('multi-region keys, un-hyphenated ids and other partitions are accepted', () => {
  assert.equal(parseAwsKmsUri('awskms:///mrk-1234abcd12ab34cd56ef1234567890ab').form, 'key-id');
  assert.equal(
    parseAwsKmsUri(`awskms:///arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/${KEY}`).arnRegion,
    'us-gov-west-1',
  );
  assert.equal(parseAwsKmsUri(`awskms:///arn:aws-cn:kms:cn-north-1:111122223333:alias/x`).form, 'alias-arn');
});

test('malformed references are KMS_BAD_URI errors that say what was expected', () => {
  const bad = [
    `gcpkms:///${KEY}`, // another scheme
    'awskms://', // nothing
    'awskms:///', // no key
    'awskms:///not-a-key-id', // neither uuid, arn nor alias
    'awskms:///alias/', // empty alias name
    'awskms:///alias/has space', // illegal alias characters
    `awskms:///arn:aws:kms:us-east-2:1111:key/${KEY}`, // account is not 12 digits
    `awskms:///arn:aws:s3:us-east-2:111122223333:key/${KEY}`, // not kms
    `awskms://host:99999/${KEY}`, // port out of range
    `awskms://ho_st/${KEY}`, // invalid host
    `awskms://host/extra/${KEY}`, // a path segment where none belongs
    `awskms:///${KEY}?x=1`, // trailing query
  ];
  for (const uri of bad) {
    assert.throws(
      () => parseAwsKmsUri(uri),
      (err) => isProvenanceError(err, 'KMS_BAD_URI') && /awskms:\/\/|endpoint/.test(err.message),
      uri,
    );
  }
});
