import {
  GetRoleCommand,
  IAMClient,
  ListAccessKeysCommand,
  SimulatePrincipalPolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeOrganizationCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  GetBucketEncryptionCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  HeadBucketCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_ADMIN_ACCESS_KEY_ID,
  SANDBOX_ADMIN_SECRET_ACCESS_KEY,
  SANDBOX_BUCKET,
  SANDBOX_KMS_KEY_ID,
  SANDBOX_ROLE_ARN,
  SANDBOX_SECRET_ACCESS_KEY,
} from '../../../../src/lib/sandbox/constants.js';
import { startInProcessSandbox } from '../../../helpers/sandbox.js';

/** The sandbox account's AWS APIs, spoken to by the real AWS SDK v3 clients (wire formats, SigV4, errors). */
let sandbox: Awaited<ReturnType<typeof startInProcessSandbox>>;
const admin = { accessKeyId: SANDBOX_ADMIN_ACCESS_KEY_ID, secretAccessKey: SANDBOX_ADMIN_SECRET_ACCESS_KEY };
const writer = { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY };

function clients(credentials = admin) {
  const endpoint = sandbox.info.aws?.endpoint ?? '';
  const common = { region: 'us-east-1', credentials, endpoint, maxAttempts: 1 };
  return {
    sts: new STSClient(common),
    iam: new IAMClient(common),
    kms: new KMSClient(common),
    org: new OrganizationsClient(common),
    s3: new S3Client({ ...common, endpoint: sandbox.info.s3.endpoint, forcePathStyle: true }),
  };
}

async function failure(promise: Promise<unknown>): Promise<{ name: string; message: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  sandbox = await startInProcessSandbox();
}, 30_000);
afterAll(async () => {
  await sandbox?.cleanup();
});

describe('the sandbox AWS account through the AWS SDK', () => {
  it('STS: who a key belongs to; wrong secrets and unknown keys are refused; AssumeRole is refused', async () => {
    const me = await clients().sts.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({ Account: '444455556666', Arn: 'arn:aws:iam::444455556666:user/sandbox-admin' });
    const w = await clients(writer).sts.send(new GetCallerIdentityCommand({}));
    expect(w.Arn).toBe('arn:aws:iam::444455556666:user/immuta-audit-sandbox');
    expect(
      (await failure(clients({ ...admin, secretAccessKey: 'wrong' }).sts.send(new GetCallerIdentityCommand({})))).name,
    ).toBe('SignatureDoesNotMatch');
    expect(
      (
        await failure(
          clients({ accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }).sts.send(
            new GetCallerIdentityCommand({}),
          ),
        )
      ).name,
    ).toBe('InvalidClientTokenId');
    const assume = await failure(
      clients().sts.send(new AssumeRoleCommand({ RoleArn: SANDBOX_ROLE_ARN, RoleSessionName: 's', ExternalId: 'x' })),
    );
    expect(assume).toMatchObject({ name: 'AccessDenied', status: 403 });
  });

  it('IAM: reads and writes the role, URL-encoded documents, simulation, access control by policy', async () => {
    const { iam } = clients();
    const role = await iam.send(new GetRoleCommand({ RoleName: 'immuta-audit-export' }));
    expect(role.Role?.Arn).toBe(SANDBOX_ROLE_ARN);
    expect(role.Role?.AssumeRolePolicyDocument).toMatch(/^%7B/);
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'abc' } },
        },
      ],
    };
    await iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: 'immuta-audit-export', PolicyDocument: JSON.stringify(trust) }),
    );
    const after = await iam.send(new GetRoleCommand({ RoleName: 'immuta-audit-export' }));
    expect(JSON.parse(decodeURIComponent(after.Role?.AssumeRolePolicyDocument ?? ''))).toEqual(trust);
    expect((await failure(iam.send(new GetRoleCommand({ RoleName: 'nope' })))).name).toBe('NoSuchEntityException');
    expect(
      (
        await failure(
          iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'immuta-audit-export', PolicyDocument: '{' })),
        )
      ).name,
    ).toBe('MalformedPolicyDocumentException');
    const sim = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: SANDBOX_ROLE_ARN,
        ActionNames: ['s3:PutObject', 's3:DeleteObject'],
        ResourceArns: [`arn:aws:s3:::${SANDBOX_BUCKET}/a/b.json`],
      }),
    );
    expect(sim.EvaluationResults?.map((r) => [r.EvalActionName, r.EvalDecision])).toEqual([
      ['s3:PutObject', 'allowed'],
      ['s3:DeleteObject', 'implicitDeny'],
    ]);
    const keys = await iam.send(new ListAccessKeysCommand({ UserName: 'immuta-audit-sandbox' }));
    expect(keys.AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status])).toEqual([[SANDBOX_ACCESS_KEY_ID, 'Active']]);
    const denied = await failure(clients(writer).iam.send(new GetRoleCommand({ RoleName: 'immuta-audit-export' })));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toContain('because no identity-based policy allows the iam:GetRole action');
  });

  it('KMS and Organizations over JSON 1.1', async () => {
    const { kms, org } = clients();
    const key = await kms.send(new DescribeKeyCommand({ KeyId: SANDBOX_KMS_KEY_ID }));
    expect(key.KeyMetadata).toMatchObject({
      KeyState: 'Enabled',
      KeyManager: 'CUSTOMER',
      KeySpec: 'SYMMETRIC_DEFAULT',
    });
    const policy = await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyMetadata?.Arn, PolicyName: 'default' }));
    expect(JSON.parse(policy.Policy ?? '{}')).toHaveProperty('Statement');
    expect((await failure(kms.send(new DescribeKeyCommand({ KeyId: 'missing' })))).name).toBe('NotFoundException');
    expect((await failure(org.send(new DescribeOrganizationCommand({})))).name).toBe(
      'AWSOrganizationsNotInUseException',
    );
  });

  it('S3 bucket configuration: policy round trip, defaults, and writes decided by the account policies', async () => {
    const { s3 } = clients();
    const head = await s3.send(new HeadBucketCommand({ Bucket: SANDBOX_BUCKET }));
    expect(head.BucketRegion).toBe('us-east-1');
    expect((await failure(s3.send(new GetBucketPolicyCommand({ Bucket: SANDBOX_BUCKET })))).name).toBe(
      'NoSuchBucketPolicy',
    );
    const deny = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyAll',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${SANDBOX_BUCKET}/blocked/*`,
        },
      ],
    };
    await s3.send(new PutBucketPolicyCommand({ Bucket: SANDBOX_BUCKET, Policy: JSON.stringify(deny) }));
    expect(JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: SANDBOX_BUCKET }))).Policy ?? '')).toEqual(
      deny,
    );
    expect(
      (await s3.send(new GetBucketEncryptionCommand({ Bucket: SANDBOX_BUCKET }))).ServerSideEncryptionConfiguration
        ?.Rules?.[0],
    ).toMatchObject({ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } });
    expect(
      (await s3.send(new GetBucketOwnershipControlsCommand({ Bucket: SANDBOX_BUCKET }))).OwnershipControls?.Rules?.[0]
        ?.ObjectOwnership,
    ).toBe('BucketOwnerEnforced');
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: SANDBOX_BUCKET }))).Status).toBeUndefined();
    const w = clients(writer).s3;
    await w.send(new PutObjectCommand({ Bucket: SANDBOX_BUCKET, Key: 'ok/a.json', Body: '{}' }));
    const blocked = await failure(
      w.send(new PutObjectCommand({ Bucket: SANDBOX_BUCKET, Key: 'blocked/a.json', Body: '{}' })),
    );
    expect(blocked.name).toBe('AccessDenied');
    expect(blocked.message).toContain('with an explicit deny in a resource-based policy');
    expect((await failure(w.send(new GetBucketPolicyCommand({ Bucket: SANDBOX_BUCKET })))).name).toBe('AccessDenied');
  });
});
