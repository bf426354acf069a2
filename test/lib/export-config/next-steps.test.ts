import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import {
  accountFromStatus,
  buildNextSteps,
  renderNextSteps,
  resolveImmutaAccount,
} from '../../../src/lib/export-config/next-steps.js';
import type { ExportConfiguration } from '../../../src/lib/tenant/types.js';

const ROLE = 'arn:aws:iam::123456789012:role/service-role/immuta-audit-export';
const ASSUME_ERROR = `Error testing access to S3 using AssumedRole ${ROLE} - User: arn:aws:sts::111122223333:assumed-role/immuta/s is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`;

function config(connectionStatus: string, typename = 'S3AssumedRoleEndpointConfiguration'): ExportConfiguration {
  return {
    id: 'cfg-1',
    interval: 'EVERY_12_HOURS',
    enabled: true,
    connectionStatus,
    endpointConfiguration: { __typename: typename, bucket: 'b-1', path: 'audit', region: 'us-east-1' },
  };
}

const assumedRole = {
  kind: 's3:assumedRole' as const,
  mode: 'create' as const,
  file: 'role.json',
  data: { roleArn: ROLE, bucket: 'b-1', path: 'audit' },
};
const accessKey = {
  kind: 's3:accessKey' as const,
  mode: 'create' as const,
  file: 'key.json',
  data: { bucket: 'b-1', path: 'audit' },
};

describe('the Immuta account', () => {
  it('is read from the User: ARN of the status text, never from the customer role', () => {
    expect(accountFromStatus(ASSUME_ERROR)).toEqual({ accountId: '111122223333', partition: 'aws' });
    expect(accountFromStatus('User: arn:aws-us-gov:iam::444455556666:user/x is not authorized')).toEqual({
      accountId: '444455556666',
      partition: 'aws-us-gov',
    });
    expect(accountFromStatus(`AccessDenied on ${ROLE}`)).toBeUndefined();
    expect(accountFromStatus(null)).toBeUndefined();
  });

  it('precedence: flag > env > profile > status > unknown; malformed values are skipped', () => {
    expect(
      resolveImmutaAccount({
        flag: '000011112222',
        env: '333344445555',
        profile: '666677778888',
        status: ASSUME_ERROR,
      }),
    ).toEqual({ id: '000011112222', source: 'flag' });
    expect(resolveImmutaAccount({ env: '333344445555', profile: '666677778888' })).toEqual({
      id: '333344445555',
      source: 'env',
    });
    expect(resolveImmutaAccount({ env: 'nope', profile: '666677778888' })).toEqual({
      id: '666677778888',
      source: 'profile',
    });
    expect(resolveImmutaAccount({ status: ASSUME_ERROR })).toEqual({ id: '111122223333', source: 'connectionStatus' });
    expect(resolveImmutaAccount({})).toEqual({ source: 'unknown' });
  });
});

describe('next steps', () => {
  it('assumed role, not trusted yet: the trust policy, the aws command for the role name, the test command', () => {
    const steps = buildNextSteps({
      loaded: assumedRole,
      config: config(ASSUME_ERROR),
      account: { id: '111122223333', source: 'connectionStatus' },
      profile: 'sandbox',
    });
    expect(steps.trustPolicy?.Statement[0]?.Condition).toEqual({ StringEquals: { 'sts:ExternalId': 'cfg-1' } });
    expect(steps.trustPolicy?.Statement[0]?.Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:root' });
    expect(steps.commands).toEqual([
      'aws iam update-assume-role-policy --role-name immuta-audit-export --policy-document file://trust-policy.json',
      'immuta -p sandbox audit exportConfig test cfg-1 --wait',
    ]);
    expect(steps.message).toMatch(/cannot assume the role immuta-audit-export yet/);
  });

  it('assumed role on the sandbox: `immuta sandbox role put` with the role, not `aws iam`', () => {
    const steps = buildNextSteps({
      loaded: assumedRole,
      config: config(ASSUME_ERROR),
      account: { id: '111122223333', source: 'connectionStatus' },
      profile: 'sandbox',
      sandbox: true,
    });
    expect(steps.commands[0]).toBe(`immuta sandbox role put --role-arn ${ROLE} --trust-policy trust-policy.json`);
    expect(steps.commands.join('\n')).not.toContain('aws iam');
    expect(steps.message).toContain('immuta sandbox role put');
  });

  it('assumed role, unknown account: placeholder and how to fill it in', () => {
    const steps = buildNextSteps({
      loaded: assumedRole,
      config: config('Error testing access'),
      account: { source: 'unknown' },
    });
    expect(steps.trustPolicy?.Statement[0]?.Principal).toEqual({ AWS: 'arn:aws:iam::<Immuta AWS Account ID>:root' });
    expect(steps.message).toMatch(/replace <Immuta AWS Account ID>.*--immuta-account-id/);
  });

  it('assumed role, connected at creation: warns that the ExternalId is not required', () => {
    const steps = buildNextSteps({
      loaded: assumedRole,
      config: config('SUCCESS'),
      account: { id: '111122223333', source: 'flag' },
    });
    expect(steps.message).toMatch(/does not require sts:ExternalId = cfg-1/);
    expect(steps.trustPolicy).toBeDefined();
  });

  it('assumed role, assumed but write denied: the permission policy', () => {
    const steps = buildNextSteps({
      loaded: assumedRole,
      config: config('Error writing to S3: Access Denied (Service: S3, Status Code: 403)'),
      account: { source: 'unknown' },
    });
    expect(steps.permissionPolicy?.Statement[0]).toMatchObject({
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::b-1/audit/*',
    });
    expect(steps.commands[0]).toBe('immuta audit exportConfig doctor --id cfg-1');
  });

  it.each([
    ['The AWS Access Key Id you provided does not exist in our records.', /does not know this access key id/],
    ['SignatureDoesNotMatch: The request signature we calculated does not match', /secret access key does not belong/],
    ['NoSuchBucket: The specified bucket does not exist', /bucket does not exist/],
    ["AuthorizationHeaderMalformed: the region 'us-east-1' is wrong; expecting 'eu-west-1'", /another region/],
    ['Something else entirely', /could not write a test object/],
  ])('access key: %s', (status, message) => {
    const steps = buildNextSteps({
      loaded: accessKey,
      config: config(status, 'S3AccessKeyEndpointConfiguration'),
      account: { source: 'unknown' },
    });
    expect(steps.message).toMatch(message);
    expect(steps.commands).toEqual([
      'immuta audit exportConfig doctor --id cfg-1',
      'immuta audit exportConfig update:s3:accessKey cfg-1 key.json',
      'immuta audit exportConfig test cfg-1 --wait',
    ]);
    expect(steps.trustPolicy).toBeUndefined();
  });

  it('access key, access denied: the bucket policy statement; stdin files become <file>', () => {
    const steps = buildNextSteps({
      loaded: { ...accessKey, file: '<stdin>' },
      config: config('Access Denied', 'S3AccessKeyEndpointConfiguration'),
      account: { source: 'unknown' },
    });
    expect(steps.bucketPolicyStatement).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::<Your AWS account ID>:user/<Your IAM User>' },
      Resource: 'arn:aws:s3:::b-1/audit/*',
    });
    expect(steps.commands).toContain('immuta audit exportConfig update:s3:accessKey cfg-1 <file>');
  });

  it('access key, access denied, in GovCloud: the statement names the bucket in its partition (arn:aws-us-gov)', () => {
    const steps = buildNextSteps({
      loaded: { ...accessKey, data: { ...accessKey.data, region: 'us-gov-west-1' } },
      config: config('Access Denied', 'S3AccessKeyEndpointConfiguration'),
      account: { source: 'unknown' },
    });
    expect(steps.bucketPolicyStatement).toMatchObject({ Resource: 'arn:aws-us-gov:s3:::b-1/audit/*' });
  });

  it('connected: says where logs go', () => {
    const steps = buildNextSteps({
      loaded: accessKey,
      config: config('SUCCESS', 'S3AccessKeyEndpointConfiguration'),
      account: { source: 'unknown' },
    });
    expect(steps).toEqual({
      message: 'Connected: audit logs will be exported every 12 hours to s3://b-1/audit (us-east-1).',
      commands: ['immuta audit exportConfig list'],
    });
  });

  it('renders policies as copyable JSON', () => {
    const steps = buildNextSteps({
      loaded: assumedRole,
      config: config(ASSUME_ERROR),
      account: { id: '111122223333', source: 'flag' },
    });
    const text = renderNextSteps(steps, new Chalk({ level: 0 }));
    const json = /\n(\{\n[\s\S]*?\n\})\n/.exec(text)?.[1];
    expect(JSON.parse(json ?? '')).toEqual(steps.trustPolicy);
    expect(text).toContain('  immuta audit exportConfig test cfg-1 --wait');
  });
});
