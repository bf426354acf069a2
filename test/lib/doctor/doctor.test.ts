/**
 * One test per failure mode of aws-export-failure-modes.md that the doctor detects: recorded AWS
 * answers (test/fixtures/aws) served over HTTP to the real SDK; each asserts that the doctor names the
 * problem, prints the fix, and lands on the right exit code.
 */
import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, WRITER_KEY } from '../../fixtures/aws/fake-aws.js';
import {
  ACCESS_DENIED_S3,
  ACCOUNT,
  BUCKET,
  CONFIG_ID,
  EXPORT_PATH,
  IMMUTA_ACCOUNT,
  KEY_ARN,
  OTHER_ACCOUNT,
  ROLE_ARN,
  accessKeysRoute,
  bucketPolicy,
  callerIdentityRoute,
  describeKeyRoute,
  getRoleRoute,
  headBucketRoute,
  healthyAccessKey,
  healthyAssumedRole,
  iamAccessDenied,
  iamError,
  identity,
  jsonError,
  keyPolicyRoute,
  kmsEncryption,
  policyText,
  s3Error,
  simulateRoute,
  stsError,
} from '../../fixtures/aws/scenarios.js';
import { ACCESS_KEY_TARGET, ROLE_TARGET, doctorAgainst } from './helpers.js';
import { replaceEnv } from '../../helpers/env.js';

const CROSS_WRITER = `arn:aws:iam::${OTHER_ACCOUNT}:user/immuta-audit-writer`;
/** The writer key belongs to a user in another account than the bucket (and the doctor). */
const crossAccountWriter = () =>
  callerIdentityRoute({ [WRITER_KEY.accessKeyId]: identity(CROSS_WRITER, 'AIDAWRITEREXAMPLE0001', OTHER_ACCOUNT) });

describe('doctor: healthy setups', () => {
  it('reports ready for a healthy access-key setup, with every check passing', async () => {
    const { report, aws } = await doctorAgainst(healthyAccessKey());
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['config', 'pass'],
      ['caller-identity', 'pass'],
      ['access-key', 'pass'],
      ['bucket', 'pass'],
      ['bucket-owner', 'pass'],
      ['bucket-policy', 'pass'],
      ['encryption', 'pass'],
      ['object-ownership', 'pass'],
      ['object-lock', 'pass'],
      ['requester-pays', 'pass'],
      ['identity-policy', 'pass'],
      ['organization', 'pass'],
    ]);
    expect(report).toMatchObject({ ready: true, exitCode: 0, caller: { account: ACCOUNT } });
    expect(report.verdict).toMatch(/^Ready: /);
    expect(aws.unrouted).toEqual([]);
    // The SecureTransport-only Deny of the healthy bucket policy does not hit Immuta (HTTPS).
    expect(report.checks.find((c) => c.id === 'bucket-policy')?.summary).toMatch(/no Deny statement hits the write/);
    // The writer's key signed its own GetCallerIdentity; everything else used the doctor's credentials.
    expect(
      aws
        .callsOf('sts:GetCallerIdentity')
        .map((c) => c.accessKeyId)
        .sort(),
    ).toEqual([ADMIN_KEY.accessKeyId, WRITER_KEY.accessKeyId].sort());
    expect(aws.calls.filter((c) => c.service !== 'sts').every((c) => c.accessKeyId === ADMIN_KEY.accessKeyId)).toBe(
      true,
    );
    expect(report.awsCalls).toBe(aws.calls.length);
  });

  it('reports ready for a healthy assumed-role setup (URL-encoded trust policy decoded)', async () => {
    const { report, check, aws } = await doctorAgainst(healthyAssumedRole(), ROLE_TARGET);
    expect(report.ready).toBe(true);
    expect(check('trust-policy').status).toBe('pass');
    expect(check('trust-policy').summary).toContain(`sts:ExternalId "${CONFIG_ID}"`);
    expect(check('trust-policy').evidence?.join('\n')).toContain('"sts:ExternalId"');
    expect(report.checks.some((c) => c.id === 'access-key')).toBe(false);
    expect(aws.callsOf('iam:SimulatePrincipalPolicy')[0]?.params.PolicySourceArn).toBe(ROLE_ARN);
  });

  it('passes SSE-KMS with a customer key whose policy delegates to the account and an identity policy that allows it', async () => {
    const { report, check, aws } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:GetBucketEncryption': kmsEncryption(),
      'kms:DescribeKey': describeKeyRoute(),
      'kms:GetKeyPolicy': keyPolicyRoute('key-policy-default.json'),
    });
    expect(check('encryption').status).toBe('pass');
    expect(check('identity-policy').summary).toContain('kms:GenerateDataKey');
    expect(report.ready).toBe(true);
    const kmsSimulation = aws
      .callsOf('iam:SimulatePrincipalPolicy')
      .find((c) => c.params['ResourceArns.member.1'] === KEY_ARN);
    expect(kmsSimulation?.params['ActionNames.member.1']).toBe('kms:GenerateDataKey');
  });
});

describe('doctor: access key (A)', () => {
  it('A1: an unknown or inactive key id fails with the fix to create a new key', async () => {
    const { report, check } = await doctorAgainst({
      ...healthyAccessKey(),
      'sts:GetCallerIdentity': callerIdentityRoute({
        [WRITER_KEY.accessKeyId]: stsError(
          403,
          'InvalidClientTokenId',
          'The security token included in the request is invalid.',
        ),
      }),
    });
    expect(check('access-key').status).toBe('fail');
    expect(check('access-key').summary).toMatch(/does not know this access key id/);
    expect(check('access-key').fix).toMatch(/Create a new access key/);
    expect(report.exitCode).toBe(3);
    expect(report.verdict).toMatch(/Not ready: .*access-key/);
  });

  it('A3: a wrong secret fails with SignatureDoesNotMatch explained', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      'sts:GetCallerIdentity': callerIdentityRoute({
        [WRITER_KEY.accessKeyId]: stsError(
          403,
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
        ),
      }),
    });
    expect(check('access-key')).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/secret access key does not belong/),
    });
  });

  it('A4: a temporary ASIA key (from the tenant) fails before any call', async () => {
    const { check } = await doctorAgainst(healthyAccessKey(), {
      ...ACCESS_KEY_TARGET,
      accessKeyId: 'ASIAWRITEREXAMPLE001',
    });
    expect(check('access-key').status).toBe('fail');
    expect(check('access-key').summary).toMatch(/temporary/);
  });

  it('A2: an inactive key fails with the reactivate command', async () => {
    const { check } = await doctorAgainst({ ...healthyAccessKey(), 'iam:ListAccessKeys': accessKeysRoute('Inactive') });
    expect(check('access-key')).toMatchObject({ status: 'fail', fix: expect.stringContaining('update-access-key') });
  });

  it('A5: an old key is a warning, and the setup stays ready', async () => {
    const { report, check } = await doctorAgainst({
      ...healthyAccessKey(),
      'iam:ListAccessKeys': accessKeysRoute('Active', 400),
    });
    expect(check('access-key').status).toBe('warn');
    expect(check('access-key').fix).toMatch(/rotation/);
    expect(report).toMatchObject({ ready: true, exitCode: 0 });
    expect(report.verdict).toMatch(/1 warning/);
  });

  it('passes without key age when ListAccessKeys is denied, and says which permission it needs', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      'iam:ListAccessKeys': iamAccessDenied('ListAccessKeys'),
    });
    expect(check('access-key')).toMatchObject({ status: 'pass', needs: ['iam:ListAccessKeys'] });
  });

  it('skips the key checks for a tenant configuration without the secret', async () => {
    const { check, aws } = await doctorAgainst(healthyAccessKey(), {
      ...ACCESS_KEY_TARGET,
      secretAccessKey: undefined,
    });
    expect(check('access-key').status).toBe('skipped');
    expect(check('access-key').fix).toMatch(/Pass the config FILE/);
    expect(aws.callsOf('sts:GetCallerIdentity').every((c) => c.accessKeyId === ADMIN_KEY.accessKeyId)).toBe(true);
  });
});

describe('doctor: bucket, region, owner (B)', () => {
  it('B1: a wrong region fails naming the real one (HeadBucket 301 with x-amz-bucket-region)', async () => {
    const { report, check } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:HeadBucket': { status: 301, headers: { 'x-amz-bucket-region': 'us-west-2' } },
    });
    expect(check('bucket').status).toBe('fail');
    expect(check('bucket').summary).toContain('is in us-west-2, but the configuration says "eu-west-1"');
    expect(check('bucket').fix).toBe('Set "region": "us-west-2" in the export configuration.');
    expect(report.exitCode).toBe(3);
  });

  it('B1: the region header of a 403 answer still reveals a wrong region', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:HeadBucket': { status: 403, headers: { 'x-amz-bucket-region': 'ap-southeast-2' } },
    });
    expect(check('bucket')).toMatchObject({
      status: 'fail',
      fix: 'Set "region": "ap-southeast-2" in the export configuration.',
    });
    expect(check('bucket-owner').status).toBe('skipped');
  });

  it('B2: a missing bucket fails with the create command', async () => {
    const { check } = await doctorAgainst({ ...healthyAccessKey(), 's3:HeadBucket': { status: 404 } });
    expect(check('bucket').status).toBe('fail');
    expect(check('bucket').summary).toBe('Bucket acme-audit-logs does not exist.');
    expect(check('bucket').fix).toContain('create-bucket --bucket acme-audit-logs --region eu-west-1');
  });

  it("B3: a bucket owned by neither the writer nor the doctor fails (typo of someone else's bucket)", async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:HeadBucket': headBucketRoute({ owner: '777777777777' }),
    });
    expect(check('bucket-owner').status).toBe('fail');
    expect(check('bucket-owner').summary).toContain(`not owned by ${ACCOUNT}`);
  });
});

describe('doctor: bucket policy (C, D)', () => {
  it('C2: a Resource without /* is named, with the corrected ARN (same account: warning; identity side decides)', async () => {
    const { report, check } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:GetBucketPolicy': bucketPolicy('bucket-no-slash.json'),
      'iam:SimulatePrincipalPolicy': simulateRoute(() => 'implicitDeny'),
    });
    expect(check('bucket-policy').status).toBe('warn');
    expect(check('bucket-policy').summary).toContain('needs arn:aws:s3:::acme-audit-logs/*');
    expect(check('bucket-policy').fix).toContain('"arn:aws:s3:::acme-audit-logs/*"');
    expect(check('identity-policy').status).toBe('fail');
    expect(check('identity-policy').summary).toMatch(/\(C1\)/);
    expect(check('identity-policy').fix).toContain('policy role');
    expect(report.exitCode).toBe(3);
  });

  it('C4 + C2: cross-account, a bucket policy without /* fails', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      'sts:GetCallerIdentity': crossAccountWriter(),
      's3:GetBucketPolicy': bucketPolicy('bucket-no-slash.json', { writerArn: CROSS_WRITER }),
    });
    expect(check('bucket-owner').status).toBe('warn');
    expect(check('bucket-policy').status).toBe('fail');
    expect(check('bucket-policy').summary).toContain('(C2)');
  });

  it('C4: cross-account without any bucket policy fails with the policy command', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      'sts:GetCallerIdentity': crossAccountWriter(),
      's3:GetBucketPolicy': s3Error(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist'),
    });
    expect(check('bucket-policy')).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('immuta audit exportConfig policy bucket'),
    });
  });

  it('principal mismatch: a statement for another user is named', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:GetBucketPolicy': bucketPolicy('bucket-principal-mismatch.json'),
    });
    expect(check('bucket-policy').status).toBe('warn');
    expect(check('bucket-policy').summary).toContain('old-audit-writer');
    expect(check('bucket-policy').fix).toContain('immuta-audit-writer');
  });

  it('D3: a Deny on aws:SourceVpce fails with a principal carve-out as the fix', async () => {
    const { report, check } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:GetBucketPolicy': bucketPolicy('bucket-deny-vpce.json'),
    });
    const c = check('bucket-policy');
    expect(c.status).toBe('fail');
    expect(c.summary).toMatch(/VPC endpoint.*\(D3\)/);
    expect(c.fix).toContain(
      '"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/immuta-audit-writer"}',
    );
    expect(c.evidence?.some((e) => e.includes('AccessOnlyThroughVpce'))).toBe(true);
    expect(report.exitCode).toBe(3);
  });

  it('D4: a Deny on aws:SourceIp fails', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:GetBucketPolicy': bucketPolicy('bucket-deny-sourceip.json'),
    });
    expect(check('bucket-policy')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('(D4)'),
      fix: expect.stringContaining('egress'),
    });
  });

  it('D5: a required encryption header fails (Immuta relies on default encryption)', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:GetBucketPolicy': bucketPolicy('bucket-deny-sse-header.json'),
    });
    expect(check('bucket-policy')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('(D5)'),
      fix: expect.stringContaining('Drop the header requirement'),
    });
  });

  it('skips the bucket policy with the permission it needs on AccessDenied, never crashing', async () => {
    const { report, check } = await doctorAgainst({ ...healthyAccessKey(), 's3:GetBucketPolicy': ACCESS_DENIED_S3 });
    expect(check('bucket-policy')).toMatchObject({ status: 'skipped', needs: ['s3:GetBucketPolicy'] });
    expect(report.ready).toBe(true);
  });
});

describe('doctor: encryption (E)', () => {
  const kms = {
    's3:GetBucketEncryption': kmsEncryption(),
    'kms:DescribeKey': describeKeyRoute(),
    'kms:GetKeyPolicy': keyPolicyRoute(),
  };

  it('E2: a key policy that neither names the writer nor delegates to the account fails', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      ...kms,
      'kms:GetKeyPolicy': keyPolicyRoute('key-policy-admins-only.json'),
    });
    expect(check('encryption').status).toBe('fail');
    expect(check('encryption').summary).toMatch(/does not allow kms:GenerateDataKey.*\(E2\)/);
    expect(check('encryption').fix).toContain(`arn:aws:iam::${ACCOUNT}:root`);
  });

  it('E1: an identity policy without the KMS actions fails', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      ...kms,
      'iam:SimulatePrincipalPolicy': simulateRoute((action) =>
        action.startsWith('kms:') ? 'implicitDeny' : 'allowed',
      ),
    });
    expect(check('identity-policy').status).toBe('fail');
    expect(check('identity-policy').summary).toContain('(E1)');
    expect(check('identity-policy').fix).toContain(`--kms-key-arn ${KEY_ARN}`);
  });

  it('E3: a disabled key fails', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      ...kms,
      'kms:DescribeKey': describeKeyRoute({ keyState: 'Disabled', enabled: 'false' }),
    });
    expect(check('encryption')).toMatchObject({ status: 'fail', fix: expect.stringContaining('enable-key') });
  });

  it('E3: a deleted key (NotFoundException) fails', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      ...kms,
      'kms:DescribeKey': jsonError('kms', 400, 'NotFoundException', `Key '${KEY_ARN}' does not exist`),
    });
    expect(check('encryption')).toMatchObject({ status: 'fail', summary: expect.stringContaining('does not exist') });
  });

  it('E4: the aws/s3 managed key with a writer in another account fails', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      'sts:GetCallerIdentity': crossAccountWriter(),
      's3:GetBucketPolicy': bucketPolicy('bucket-healthy.json', { writerArn: CROSS_WRITER }),
      's3:GetBucketEncryption': { file: 's3/encryption-aws-s3-key.xml' },
    });
    expect(check('encryption')).toMatchObject({ status: 'fail', summary: expect.stringContaining('aws/s3') });
  });

  it('E5: a key named by alias is a warning in the same account', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      ...kms,
      's3:GetBucketEncryption': kmsEncryption('alias/audit-logs'),
    });
    expect(check('encryption')).toMatchObject({ status: 'warn', fix: expect.stringContaining('full key ARN') });
  });

  it('E6: a key in another region fails', async () => {
    const other = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      ...kms,
      's3:GetBucketEncryption': kmsEncryption(other),
      'kms:DescribeKey': describeKeyRoute({ keyArn: other }),
    });
    expect(check('encryption')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('in us-east-1, the bucket in eu-west-1'),
    });
  });
});

describe('doctor: ownership, lock, requester pays, organization (F, H, D10)', () => {
  it('F2: ACLs enabled with a cross-account writer is a warning with the fix', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      'sts:GetCallerIdentity': crossAccountWriter(),
      's3:GetBucketPolicy': bucketPolicy('bucket-healthy.json', { writerArn: CROSS_WRITER }),
      's3:GetBucketOwnershipControls': s3Error(
        404,
        'OwnershipControlsNotFoundError',
        'The bucket ownership controls were not found',
      ),
    });
    expect(check('object-ownership')).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('BucketOwnerEnforced'),
    });
  });

  it('H4: Requester Pays with a cross-account writer is a warning', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      'sts:GetCallerIdentity': crossAccountWriter(),
      's3:GetBucketPolicy': bucketPolicy('bucket-healthy.json', { writerArn: CROSS_WRITER }),
      's3:GetBucketRequestPayment': { file: 's3/request-payment.xml', vars: { payer: 'Requester' } },
    });
    expect(check('requester-pays').status).toBe('warn');
  });

  it('H1: Object Lock is reported (informational)', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:GetObjectLockConfiguration': { file: 's3/object-lock.xml', vars: { mode: 'COMPLIANCE', days: '365' } },
    });
    expect(check('object-lock')).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining('COMPLIANCE retention of 365 days'),
    });
  });

  it('D10/D11: a member account of an organization gets a warning that SCPs/RCPs cannot be read', async () => {
    const { report, check } = await doctorAgainst({
      ...healthyAccessKey(),
      'organizations:DescribeOrganization': {
        file: 'organizations/describe-organization.json',
        vars: { orgId: 'o-exampleorgid', managementAccount: '210987654321' },
      },
    });
    expect(check('organization').status).toBe('warn');
    expect(check('organization').summary).toMatch(/SCPs\/RCPs.*cannot be read from a member account/);
    expect(report.ready).toBe(true);
  });
});

describe('doctor: identity side (C1, D12) and the local fallback', () => {
  it('D12: a permissions boundary without s3:PutObject fails naming the boundary', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:GetBucketPolicy': s3Error(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist'),
      'iam:SimulatePrincipalPolicy': simulateRoute(() => 'implicitDeny', false),
    });
    expect(check('identity-policy')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('permissions boundary'),
    });
  });

  it("GovCloud: the writer's permission is simulated on the object ARN of the bucket's partition (arn:aws-us-gov:s3)", async () => {
    // An ARN of another partition matches no statement of a GovCloud account (AWS rejects it or denies).
    const { check, aws } = await doctorAgainst(
      {
        ...healthyAccessKey(),
        's3:HeadBucket': headBucketRoute({ region: 'us-gov-west-1' }),
        'iam:SimulatePrincipalPolicy': simulateRoute((_action, resource) =>
          resource.startsWith('arn:aws-us-gov:') ? 'allowed' : 'implicitDeny',
        ),
      },
      { ...ACCESS_KEY_TARGET, region: 'us-gov-west-1' },
    );
    expect(String(aws.callsOf('iam:SimulatePrincipalPolicy')[0]?.params['ResourceArns.member.1'])).toMatch(
      /^arn:aws-us-gov:s3:::/,
    );
    expect(check('identity-policy').status).toBe('pass');
  });

  it('D12: the boundary fix names the export prefix (bucket/path/*), not the one sample object the doctor evaluated', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      's3:GetBucketPolicy': s3Error(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist'),
      'iam:SimulatePrincipalPolicy': simulateRoute(() => 'implicitDeny', false),
    });
    expect(check('identity-policy').fix).toContain(
      `Add s3:PutObject on arn:aws:s3:::${BUCKET}/${EXPORT_PATH}/* to the permissions boundary`,
    );
  });

  it('same account: a bucket policy naming the writer is enough when the identity policy grants nothing', async () => {
    const { check } = await doctorAgainst({
      ...healthyAccessKey(),
      'iam:SimulatePrincipalPolicy': simulateRoute(() => 'implicitDeny'),
    });
    expect(check('identity-policy').status).toBe('pass');
    expect(check('identity-policy').summary).toContain('granted by the bucket policy');
  });

  it("falls back to reading the role's (URL-encoded) policies when SimulatePrincipalPolicy is denied", async () => {
    const encoded = encodeURIComponent(policyText('role-permissions.json'));
    const { check, calls } = await doctorAgainst(
      {
        ...healthyAssumedRole(),
        'iam:SimulatePrincipalPolicy': iamAccessDenied('SimulatePrincipalPolicy'),
        'iam:ListRolePolicies': { file: 'iam/list-role-policies.xml', vars: { policyName: 'ImmutaAuditExport' } },
        'iam:ListAttachedRolePolicies': { file: 'iam/list-attached-role-policies-empty.xml' },
        'iam:GetRolePolicy': {
          file: 'iam/get-role-policy.xml',
          vars: { policyName: 'ImmutaAuditExport', roleName: 'immuta-audit-export', document: encoded },
        },
      },
      ROLE_TARGET,
    );
    expect(calls).toContain('iam:GetRolePolicy');
    expect(check('identity-policy')).toMatchObject({ status: 'pass', needs: ['iam:SimulatePrincipalPolicy'] });
    expect(check('identity-policy').evidence?.join('\n')).toContain('inline policy ImmutaAuditExport');
  });

  it('skips (with every permission it needs) when it may neither simulate nor read the policies', async () => {
    const { report, check } = await doctorAgainst(
      {
        ...healthyAssumedRole(),
        'iam:SimulatePrincipalPolicy': iamAccessDenied('SimulatePrincipalPolicy'),
        'iam:ListRolePolicies': iamAccessDenied('ListRolePolicies'),
        'iam:ListAttachedRolePolicies': iamAccessDenied('ListAttachedRolePolicies'),
      },
      ROLE_TARGET,
    );
    expect(check('identity-policy').status).toBe('skipped');
    expect(check('identity-policy').needs).toContain('iam:SimulatePrincipalPolicy');
    expect(report.ready).toBe(true);
  });
});

describe('doctor: trust policy (I, K)', () => {
  it('K: a trust policy without sts:ExternalId fails as a confused-deputy risk', async () => {
    const { check } = await doctorAgainst(
      { ...healthyAssumedRole(), 'iam:GetRole': getRoleRoute('trust-no-external-id.json') },
      ROLE_TARGET,
    );
    expect(check('trust-policy').status).toBe('fail');
    expect(check('trust-policy').summary).toMatch(/without any sts:ExternalId.*confused deputy/);
    expect(check('trust-policy').fix).toContain(`"sts:ExternalId": "${CONFIG_ID}"`);
  });

  it('I3: an ExternalId left over from another configuration fails naming both ids', async () => {
    const { check } = await doctorAgainst(
      {
        ...healthyAssumedRole(),
        'iam:GetRole': getRoleRoute('trust-healthy.json', { externalId: 'old-config-id-1234' }),
      },
      ROLE_TARGET,
    );
    expect(check('trust-policy').status).toBe('fail');
    expect(check('trust-policy').summary).toContain('"old-config-id-1234"');
    expect(check('trust-policy').summary).toContain(`"${CONFIG_ID}"`);
    expect(check('trust-policy').fix).toContain(`policy trust --id ${CONFIG_ID} --apply`);
  });

  it('I2: a trust policy naming another account fails', async () => {
    const { check } = await doctorAgainst(
      { ...healthyAssumedRole(), 'iam:GetRole': getRoleRoute('trust-healthy.json', { immutaAccount: '123412341234' }) },
      ROLE_TARGET,
    );
    expect(check('trust-policy')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(`does not name Immuta's account ${IMMUTA_ACCOUNT}`),
    });
  });

  it('I4: an extra condition Immuta cannot meet (MFA) fails', async () => {
    const { check } = await doctorAgainst(
      { ...healthyAssumedRole(), 'iam:GetRole': getRoleRoute('trust-mfa.json') },
      ROLE_TARGET,
    );
    expect(check('trust-policy')).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining('aws:MultiFactorAuthPresent'),
    });
  });

  it('I1: a role that does not exist fails', async () => {
    const { check } = await doctorAgainst(
      {
        ...healthyAssumedRole(),
        'iam:GetRole': iamError(404, 'NoSuchEntity', 'The role with name immuta-audit-export cannot be found.'),
      },
      ROLE_TARGET,
    );
    expect(check('trust-policy')).toMatchObject({ status: 'fail', summary: expect.stringContaining('does not exist') });
  });

  it('without the Immuta account id, warns and says how to give it', async () => {
    const { check } = await doctorAgainst(healthyAssumedRole(), { ...ROLE_TARGET, immutaAccountId: undefined });
    expect(check('trust-policy')).toMatchObject({
      status: 'warn',
      fix: expect.stringContaining('--immuta-account-id'),
    });
  });

  it('without the configuration id, shows the ExternalId it found and asks for --external-id', async () => {
    const { check } = await doctorAgainst(healthyAssumedRole(), { ...ROLE_TARGET, configurationId: undefined });
    expect(check('trust-policy')).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining(CONFIG_ID),
      fix: expect.stringContaining('--external-id'),
    });
  });

  it('an unknown role (tenant --id, status SUCCESS names none) is skipped with the fix, not a failure: a connected export is ready', async () => {
    const { roleArn: _unknown, ...target } = ROLE_TARGET;
    const { report, check } = await doctorAgainst(healthyAssumedRole(), target, {
      tenantStatus: { initial: 'SUCCESS', read: async () => 'SUCCESS' },
    });
    expect(check('trust-policy')).toMatchObject({ status: 'skipped', fix: expect.stringContaining('--role-arn') });
    expect(check('connection-status').status).toBe('pass');
    expect(report.exitCode).toBe(0);
  });

  it('skips the trust policy with iam:GetRole when GetRole is denied', async () => {
    const { check } = await doctorAgainst(
      { ...healthyAssumedRole(), 'iam:GetRole': iamAccessDenied('GetRole') },
      ROLE_TARGET,
    );
    expect(check('trust-policy')).toMatchObject({ status: 'skipped', needs: ['iam:GetRole'] });
  });
});

describe('doctor: least-privileged doctor credentials', () => {
  it('skips every unreadable check with its permission and still reports (never a crash)', async () => {
    const denied = iamAccessDenied('ListAccessKeys');
    const { report } = await doctorAgainst({
      'sts:GetCallerIdentity': callerIdentityRoute(),
      's3:HeadBucket': { status: 403, headers: { 'x-amz-bucket-region': 'eu-west-1' } },
      's3:GetBucketPolicy': ACCESS_DENIED_S3,
      's3:GetBucketEncryption': ACCESS_DENIED_S3,
      's3:GetBucketOwnershipControls': ACCESS_DENIED_S3,
      's3:GetObjectLockConfiguration': ACCESS_DENIED_S3,
      's3:GetBucketVersioning': ACCESS_DENIED_S3,
      's3:GetBucketRequestPayment': ACCESS_DENIED_S3,
      'iam:ListAccessKeys': denied,
      'iam:SimulatePrincipalPolicy': iamAccessDenied('SimulatePrincipalPolicy'),
      'iam:GetUser': iamAccessDenied('GetUser'),
      'iam:ListUserPolicies': iamAccessDenied('ListUserPolicies'),
      'iam:ListAttachedUserPolicies': iamAccessDenied('ListAttachedUserPolicies'),
      'iam:ListGroupsForUser': iamAccessDenied('ListGroupsForUser'),
      'organizations:DescribeOrganization': jsonError(
        'organizations',
        400,
        'AccessDeniedException',
        "You don't have permissions to access this resource.",
      ),
    });
    const skipped = Object.fromEntries(
      report.checks.filter((c) => c.status === 'skipped').map((c) => [c.id, c.needs ?? []]),
    );
    expect(skipped).toMatchObject({
      'bucket-owner': ['s3:ListBucket'],
      'bucket-policy': ['s3:GetBucketPolicy'],
      encryption: ['s3:GetEncryptionConfiguration'],
      'object-ownership': ['s3:GetBucketOwnershipControls'],
      'object-lock': ['s3:GetBucketObjectLockConfiguration'],
      'requester-pays': ['s3:GetBucketRequestPayment'],
      organization: ['organizations:DescribeOrganization'],
    });
    expect(skipped['identity-policy']).toContain('iam:SimulatePrincipalPolicy');
    expect(report).toMatchObject({ ready: true, exitCode: 0 });
  });
});

describe('doctor: exit codes for AWS itself', () => {
  it('5: AWS unreachable (connection refused) for the essential checks', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: ADMIN_KEY.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ADMIN_KEY.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    try {
      const { runDoctor } = await import('../../../src/lib/doctor/doctor.js');
      const report = await runDoctor({
        target: ACCESS_KEY_TARGET,
        config: { status: 'pass', summary: 'ok' },
        aws: { region: 'eu-west-1', maxAttempts: 1 },
      });
      expect(report.exitCode).toBe(5);
      expect(report.verdict).toMatch(/AWS could not be reached/);
      expect(report.checks.find((c) => c.id === 'caller-identity')?.fix).toMatch(/network path/);
    } finally {
      replaceEnv(saved);
    }
  });

  it("4: the doctor's own credentials are rejected", async () => {
    const { report, check } = await doctorAgainst({
      ...healthyAccessKey(),
      'sts:GetCallerIdentity': callerIdentityRoute({
        [ADMIN_KEY.accessKeyId]: stsError(403, 'ExpiredToken', 'The security token included in the request is expired'),
      }),
    });
    expect(check('caller-identity').status).toBe('fail');
    expect(report.exitCode).toBe(4);
  });
});
