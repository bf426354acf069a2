import { describe, expect, it } from 'vitest';
import {
  IAM_USER_PLACEHOLDER,
  IMMUTA_ACCOUNT_PLACEHOLDER,
  bucketPolicy,
  bucketPolicyStatement,
  exportObjectArn,
  isAwsAccountId,
  kmsKeyPolicyStatement,
  rolePermissionPolicy,
  trustPolicy,
} from '../../../src/lib/policy-templates/index.js';

describe('policy templates', () => {
  it('trust policy: exactly the documented shape, with the configuration id as sts:ExternalId', () => {
    const result = trustPolicy({ immutaAccountId: '111122223333', externalId: '259fc41c-b502-418a-a8ff-d875335dbe9b' });
    expect(result.placeholders).toEqual([]);
    expect(result.policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': '259fc41c-b502-418a-a8ff-d875335dbe9b' } },
        },
      ],
    });
  });

  it('trust policy: an unknown or malformed account becomes the documented placeholder, and says so', () => {
    for (const account of [undefined, '1234', 'abc']) {
      const result = trustPolicy({ immutaAccountId: account, externalId: 'cfg' });
      expect(result.placeholders).toEqual([IMMUTA_ACCOUNT_PLACEHOLDER]);
      expect(result.policy.Statement[0]?.Principal).toEqual({ AWS: 'arn:aws:iam::<Immuta AWS Account ID>:root' });
    }
  });

  it('trust policy: follows the role partition', () => {
    expect(
      trustPolicy({ immutaAccountId: '111122223333', externalId: 'x', partition: 'aws-us-gov' }).policy.Statement[0]
        ?.Principal,
    ).toEqual({
      AWS: 'arn:aws-us-gov:iam::111122223333:root',
    });
  });

  it('object ARNs cover the export prefix only', () => {
    expect(exportObjectArn('b')).toBe('arn:aws:s3:::b/*');
    expect(exportObjectArn('b', '/audit/logs/')).toBe('arn:aws:s3:::b/audit/logs/*');
    expect(exportObjectArn('b', '', 'aws-cn')).toBe('arn:aws-cn:s3:::b/*');
  });

  it('object ARNs write *, ? and $ of a path as IAM literals, so a prefix cannot widen the grant or name a policy variable', () => {
    // S3 keys may hold these characters; in an IAM Resource `*`/`?` are wildcards and `${...}` a
    // policy variable (Version 2012-10-17), so `a*` would grant every prefix starting with `a`.
    expect(exportObjectArn('b', 'a*b?c/${aws:username}')).toBe('arn:aws:s3:::b/a${*}b${?}c/${$}{aws:username}/*');
    expect(rolePermissionPolicy({ bucket: 'b', path: 'x*' }).policy.Statement[0]?.Resource).toBe(
      'arn:aws:s3:::b/x${*}/*',
    );
  });

  it('role permission policy: s3:PutObject on bucket/path/*, plus KMS when given a key', () => {
    expect(rolePermissionPolicy({ bucket: 'b', path: 'audit' }).policy).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Sid: 'ImmutaAuditExportWrite', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/audit/*' },
      ],
    });
    const key = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(rolePermissionPolicy({ bucket: 'b', kmsKeyArn: key }).policy.Statement).toEqual([
      { Sid: 'ImmutaAuditExportWrite', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' },
      { Sid: 'ImmutaAuditExportKms', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: key },
    ]);
  });

  it('bucket policy statement: the IAM user when known, else the documented placeholder', () => {
    const known = bucketPolicyStatement({
      bucket: 'b',
      path: 'p',
      principalArn: 'arn:aws:iam::123456789012:user/immuta',
    });
    expect(known).toEqual({
      policy: {
        Sid: 'ImmutaAuditExportWrite',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::123456789012:user/immuta' },
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::b/p/*',
      },
      placeholders: [],
    });
    const unknown = bucketPolicy({ bucket: 'b' });
    expect(unknown.placeholders).toEqual([IAM_USER_PLACEHOLDER]);
    expect(unknown.policy.Statement[0]?.Principal).toEqual({
      AWS: 'arn:aws:iam::<Your AWS account ID>:user/<Your IAM User>',
    });
  });

  it('KMS key policy statement and account id check', () => {
    expect(kmsKeyPolicyStatement('arn:aws:iam::123456789012:role/r').Action).toEqual([
      'kms:GenerateDataKey',
      'kms:Decrypt',
    ]);
    expect(isAwsAccountId('012345678901')).toBe(true);
    expect(isAwsAccountId('12345678901')).toBe(false);
  });
});
