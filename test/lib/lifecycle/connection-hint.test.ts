import { describe, expect, it } from 'vitest';
import { connectionHint } from '../../../src/lib/lifecycle/connection-hint.js';

describe('connectionHint', () => {
  it('for the documented assumed-role error: the trust policy with sts:ExternalId = the id', () => {
    const status =
      'Error testing access to S3 using AssumedRole arn:aws:iam::123:role/x - User: arn:aws:iam::999:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123:role/x';
    const hint = connectionHint(status, 'cfg-42');
    expect(hint).toContain('sts:ExternalId = "cfg-42"');
    expect(hint).toContain('test cfg-42 --wait');
  });

  it.each([
    ['InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records.', 'update:s3:accessKey'],
    ['SignatureDoesNotMatch', 'update:s3:accessKey'],
    ['NoSuchBucket: The specified bucket does not exist', 'bucket name'],
    [
      'PermanentRedirect: the bucket you are attempting to access must be addressed using the specified endpoint',
      'region',
    ],
    ['AccessDenied: User is not authorized to perform kms:GenerateDataKey', 'kms:GenerateDataKey'],
    ['AuthorizationFailure: This request is not authorized to perform this operation.', 'SAS token'],
    ['AccessDenied: Access Denied', 'doctor --id cfg-1'],
    ['something nobody has seen', 'doctor --id cfg-1'],
  ])('%s -> mentions %s', (status, expected) => {
    expect(connectionHint(status, 'cfg-1')).toContain(expected);
  });

  it('for no status at all: wait for one', () => {
    expect(connectionHint(null, 'cfg-1')).toContain('--wait');
  });
});
