import { describe, expect, it } from 'vitest';
import { checkAccessKeyId, checkSecretAccessKey } from '../../../src/lib/export-config/rules/aws-access-key.js';
import { KNOWN_REGIONS, checkRegion, partitionOfRegion } from '../../../src/lib/export-config/rules/aws-region.js';
import { adlsFromUrl, checkFileSystem, checkStorageAccount } from '../../../src/lib/export-config/rules/adls.js';
import { checkRoleArn, parseRoleArn } from '../../../src/lib/export-config/rules/iam-role-arn.js';
import { checkInterval } from '../../../src/lib/export-config/rules/interval.js';
import { checkPath, normalizePath } from '../../../src/lib/export-config/rules/path.js';
import type { RuleProblem } from '../../../src/lib/export-config/rules/rule.js';
import { checkSasToken, normalizeSasToken } from '../../../src/lib/export-config/rules/sas-token.js';
import { bucketFromReference, checkBucketName } from '../../../src/lib/export-config/rules/s3-bucket.js';

/** The single problem's text (message + fix), or '' when the value passes. */
function text(problems: RuleProblem[]): string {
  expect(problems.length).toBeLessThanOrEqual(2);
  for (const p of problems) {
    expect(p.message).toBeTruthy();
    expect(p.fix).toBeTruthy();
  }
  return problems.map((p) => `${p.message} | ${p.fix}`).join('\n');
}

describe('interval', () => {
  it('accepts the five documented values only', () => {
    for (const v of ['EVERY_2_HOURS', 'EVERY_4_HOURS', 'EVERY_6_HOURS', 'EVERY_12_HOURS', 'EVERY_24_HOURS'])
      expect(checkInterval(v)).toEqual([]);
  });
  it.each([
    ['EVERY_12_HOUR', 'EVERY_12_HOURS'],
    ['every_12_hours', 'EVERY_12_HOURS'],
    ['12h', 'EVERY_12_HOURS'],
    ['every 6 hours', 'EVERY_6_HOURS'],
    ['daily', 'EVERY_24_HOURS'],
  ])('%s suggests %s', (input, expected) => {
    expect(text(checkInterval(input))).toContain(`did you mean "${expected}"?`);
  });
  it('lists the values when nothing is close', () => {
    expect(text(checkInterval('hourly'))).toMatch(/Use one of EVERY_2_HOURS, .* EVERY_24_HOURS/);
  });
});

describe('S3 bucket names', () => {
  it.each(['your-s3-bucket', 'abc', 'a.b.c', 'audit.example-bucket', 'x'.repeat(63), '123bucket'])(
    'accepts %s',
    (name) => {
      expect(checkBucketName(name)).toEqual([]);
    },
  );
  it.each([
    ['ab', /2 characters long/],
    ['x'.repeat(64), /64 characters long/],
    ['My-Bucket', /upper-case[\s\S]*"my-bucket"/],
    ['my_bucket', /contains "_"[\s\S]*"my-bucket"/],
    ['my bucket', /contains a space/],
    ['-bucket', /start and end with a letter or digit/],
    ['bucket.', /start and end/],
    ['my..bucket', /two dots in a row[\s\S]*"my.bucket"/],
    ['192.168.5.4', /IP address/],
    ['xn--bucket', /starts with "xn--"/],
    ['sthree-bucket', /starts with "sthree-"/],
    ['amzn-s3-demo-bucket', /starts with "amzn-s3-demo-"/],
    ['bucket-s3alias', /"-s3alias"/],
    ['bucket--ol-s3', /"--ol-s3"/],
    ['bucket.mrap', /"\.mrap"/],
    ['bucket--x-s3', /directory buckets/],
  ])('rejects %s', (name, pattern) => {
    expect(text(checkBucketName(name))).toMatch(pattern);
  });
  it('reports every broken rule in one problem', () => {
    const problems = checkBucketName('My_Bucket..');
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/upper-case.*"_".*start and end.*two dots/);
  });
  it('recognises URLs and ARNs, and splits out the path', () => {
    expect(bucketFromReference('s3://b-1/a/b')).toEqual({ bucket: 'b-1', path: 'a/b' });
    expect(bucketFromReference('arn:aws:s3:::b-1/*')).toEqual({ bucket: 'b-1' });
    expect(bucketFromReference('arn:aws:s3:::b-1/logs/*')).toEqual({ bucket: 'b-1', path: 'logs' });
    expect(bucketFromReference('https://b-1.s3.us-east-1.amazonaws.com/logs')).toEqual({ bucket: 'b-1', path: 'logs' });
    expect(bucketFromReference('https://s3.eu-west-1.amazonaws.com/b-1')).toEqual({ bucket: 'b-1' });
    expect(text(checkBucketName('arn:aws:s3:::b-1'))).toMatch(/not a URL or ARN \| Use "bucket": "b-1"\./);
  });
});

describe('AWS regions', () => {
  it.each(['us-east-1', 'eu-central-2', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-7', 'il-central-1'])(
    'accepts %s',
    (region) => {
      expect(checkRegion(region)).toEqual([]);
    },
  );
  it('accepts a well-formed region newer than the list when its area is known or unknown but not close', () => {
    expect(KNOWN_REGIONS).not.toContain('ap-southeast-9');
    expect(checkRegion('ap-southeast-9')).toEqual([]);
    expect(checkRegion('zz-polar-1')).toEqual([]);
  });
  it.each([
    ['US-EAST-1', /lower case \| Use "region": "us-east-1"/],
    ['us-east-1a', /availability zone, not a region \| Use "region": "us-east-1"/],
    ['us-east1', /did you mean "us-east-1"/],
    ['eu-centrall-1', /did you mean "eu-central-1"/],
    ['us-est-1', /did you mean "us-east-1" or "us-west-1"/],
    ['Frankfurt', /not an AWS region code/],
    ['', /not an AWS region code/],
  ])('rejects %s', (region, pattern) => {
    expect(text(checkRegion(region))).toMatch(pattern);
  });
  it('knows the partition of a region', () => {
    expect(partitionOfRegion('us-east-1')).toBe('aws');
    expect(partitionOfRegion('us-gov-east-1')).toBe('aws-us-gov');
    expect(partitionOfRegion('cn-northwest-1')).toBe('aws-cn');
  });
});

describe('IAM role ARNs', () => {
  it.each([
    'arn:aws:iam::123456789012:role/immuta-audit-export',
    'arn:aws:iam::123456789012:role/service-role/a/b/immuta+=,.@_-x',
    'arn:aws-us-gov:iam::123456789012:role/r',
    'arn:aws-cn:iam::123456789012:role/r',
  ])('accepts %s', (arn) => {
    expect(checkRoleArn(arn)).toEqual([]);
  });
  it('parses path and name', () => {
    expect(parseRoleArn('arn:aws:iam::123456789012:role/service-role/name')).toEqual({
      partition: 'aws',
      accountId: '123456789012',
      path: '/service-role/',
      roleName: 'name',
    });
    expect(parseRoleArn('arn:aws:iam::123456789012:role/name')?.path).toBe('/');
  });
  it.each([
    [
      'immuta-audit-export',
      /role name, not a role ARN \| .*"arn:aws:iam::<your AWS account id>:role\/immuta-audit-export"/,
    ],
    ['arn:azure:iam::123456789012:role/r', /partition "azure"/],
    ['arn:aws:s3:::bucket', /"s3" service/],
    ['arn:aws:iam:us-east-1:123456789012:role/r', /no region/],
    ['arn:aws:iam::12345678901:role/r', /12 digits/],
    ['arn:aws:iam::123456789012:user/u', /IAM user/],
    ['arn:aws:iam::123456789012:policy/p', /a "policy", not a role/],
    ['arn:aws:sts::123456789012:assumed-role/r/session', /role session[\s\S]*"arn:aws:iam::123456789012:role\/r"/],
    ['arn:aws:iam::123456789012:role/', /without a role name/],
    [`arn:aws:iam::123456789012:role/${'r'.repeat(65)}`, /65 characters long/],
    ['arn:aws:iam::123456789012:role/bad!name', /contains "!"/],
    [' arn:aws:iam::123456789012:role/r', /spaces around/],
  ])('rejects %s', (arn, pattern) => {
    expect(text(checkRoleArn(arn))).toMatch(pattern);
  });
});

describe('access keys', () => {
  it('accepts a long-term key id and a 40-character secret', () => {
    expect(checkAccessKeyId('AKIAIOSFODNN7EXAMPLE')).toEqual([]);
    expect(checkSecretAccessKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toEqual([]);
  });
  it.each([
    ['ASIAIOSFODNN7EXAMPLE', /temporary[\s\S]*long-term access key \(AKIA/],
    ['AIDAIOSFODNN7EXAMPLE', /IAM user id/],
    ['AROAIOSFODNN7EXAMPLE', /IAM role id/],
    ['AKIAIOSFODNN7', /13 characters long/],
    ['AKIAiosfodnn7example', /upper-case letters and digits/],
    ['ABCDIOSFODNN7EXAMPLE', /start with AKIA/],
    ['AKIAIOSFODNN7EXAMPLE\n', /whitespace/],
  ])('key id %j is rejected', (id, pattern) => {
    expect(text(checkAccessKeyId(id))).toMatch(pattern);
  });
  it('never echoes the key id whole', () => {
    for (const id of ['ASIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7', 'ABCDIOSFODNN7EXAMPLE'])
      expect(text(checkAccessKeyId(id))).not.toContain(id);
  });
  it.each([
    ['short', /5 characters long/],
    ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKE!', /characters other than/],
    ['AKIAIOSFODNN7EXAMPLE', /holds an access key id/],
    [' wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', /whitespace/],
  ])('secret %j is rejected without being echoed', (secret, pattern) => {
    const found = text(checkSecretAccessKey(secret));
    expect(found).toMatch(pattern);
    expect(found).not.toContain(secret.trim());
  });
});

describe('ADLS names', () => {
  it('accepts valid names', () => {
    expect(checkStorageAccount('yourstorageaccount')).toEqual([]);
    expect(checkStorageAccount('abc')).toEqual([]);
    expect(checkFileSystem('audit-output')).toEqual([]);
    expect(checkFileSystem('a1b')).toEqual([]);
  });
  it.each([
    ['ab', /2 characters long/],
    ['a'.repeat(25), /25 characters long/],
    ['My-Account', /upper-case letters; it contains "-"/],
  ])('storage account %s is rejected', (name, pattern) => {
    expect(text(checkStorageAccount(name))).toMatch(pattern);
  });
  it('recognises account URLs', () => {
    expect(adlsFromUrl('https://acct.dfs.core.windows.net/fs/dir')).toEqual({
      storageAccount: 'acct',
      fileSystem: 'fs',
      path: 'dir',
    });
    expect(adlsFromUrl('abfss://fs@acct.dfs.core.windows.net/')).toEqual({ storageAccount: 'acct', fileSystem: 'fs' });
    expect(text(checkStorageAccount('acct.blob.core.windows.net'))).toMatch(/Use "storageAccount": "acct"/);
  });
  it.each([
    ['ab', /2 characters long/],
    ['-audit', /start and end/],
    ['audit--output', /two hyphens/],
    ['Audit_Output', /upper-case letters; it contains "_"[\s\S]*"audit-output"/],
    ['audit/logs', /folders go in "path" \| Use "fileSystem": "audit" and "path": "logs"/],
  ])('file system %s is rejected', (name, pattern) => {
    expect(text(checkFileSystem(name))).toMatch(pattern);
  });
});

describe('SAS tokens', () => {
  const now = new Date('2025-06-01T00:00:00Z');
  const good = 'sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2026-01-01T00:00:00Z&spr=https&sig=abc%3D';
  it('accepts a token, with or without the leading "?"', () => {
    expect(checkSasToken(good, now)).toEqual([]);
    expect(checkSasToken(`?${good}`, now)).toEqual([]);
    expect(normalizeSasToken(`?${good}`)).toBe(good);
  });
  it.each([
    ['https://acct.blob.core.windows.net/fs?sv=1&sig=2', /whole URL/],
    ['not a token', /whitespace/],
    ['justtext', /name=value pairs/],
    ['sv=2022-11-02&sp=rw', /no "sig=" parameter/],
    ['sp=rw&sig=x', /no "sv=" parameter/],
    ['sv=2022-11-02&se=2025-01-01&sig=x', /expired on 2025-01-01/],
    ['sv=2022-11-02&sp=rl&sig=x', /grants only "rl"/],
  ])('rejects %s', (token, pattern) => {
    const found = text(checkSasToken(token, now));
    expect(found).toMatch(pattern);
    expect(found).not.toContain('sig=x');
  });
});

describe('path', () => {
  it.each([
    ['/audit/', 'audit'],
    ['audit//logs', 'audit/logs'],
    ['//a///b//', 'a/b'],
    ['  logs  ', 'logs'],
    ['/', ''],
  ])('normalises %j to %j', (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
    expect(checkPath(input)).toEqual([]);
  });
  it.each([
    ['a/../b', /"\." or "\.\." folder/],
    ['./a', /"\." or "\.\." folder/],
    ['audit\\logs', /backslash; folders are separated by "\/" \| Use "path": "audit\/logs"/],
    ['s3://bucket/audit', /is a URL/],
    ['a\u0001b', /control characters/],
    ['x'.repeat(901), /longer than 900 bytes/],
  ])('rejects %j', (input, pattern) => {
    expect(text(checkPath(input))).toMatch(pattern);
  });
});
