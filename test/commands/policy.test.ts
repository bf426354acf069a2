/**
 * `immuta audit exportConfig policy bucket|role|trust` through the command harness: the printed policy, and
 * --apply against a stateful fake AWS (what is written is what is read next): the diff is shown
 * first, nothing already in the policy is lost, applying twice changes nothing, and without a
 * terminal --apply needs --yes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeAws, type Routes, WRITER_KEY, startFakeAws } from '../fixtures/aws/fake-aws.js';
import {
  BUCKET,
  CONFIG_ID,
  EXPORT_PATH,
  IMMUTA_ACCOUNT,
  KEY_ARN,
  REGION,
  ROLE_ARN,
  ROLE_NAME,
  WRITER_ARN,
  callerIdentityRoute,
  iamError,
  replyRoleConfiguration,
  s3Error,
  writeScenarioConfigFiles,
} from '../fixtures/aws/scenarios.js';
import { FakeTenant } from '../helpers/fake-tenant.js';
import { tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';

let home: { home: string; cleanup: () => void };
let accessKeyFile: string;
let roleFile: string;

const GUARDRAILS = {
  Version: '2012-10-17',
  Id: 'CompanyGuardrails',
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'AnalyticsRead',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:role/analytics' },
      Action: ['s3:GetObject'],
      Resource: `arn:aws:s3:::${BUCKET}/*`,
    },
  ],
};
const EC2_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

let files: ReturnType<typeof writeScenarioConfigFiles>;

beforeAll(() => {
  home = tempHome();
  files = writeScenarioConfigFiles('policy-cmd-');
  ({ accessKeyFile, roleFile } = files);
});

afterAll(() => {
  home.cleanup();
  files.cleanup();
});

/** A bucket policy and a role that remember what was written to them. */
function statefulAws(state: { bucketPolicy: string | null; trust: string; inline: string | null }): Routes {
  return {
    'sts:GetCallerIdentity': callerIdentityRoute(),
    's3:GetBucketPolicy': () =>
      state.bucketPolicy
        ? { body: state.bucketPolicy, headers: { 'content-type': 'application/json' } }
        : s3Error(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist'),
    's3:PutBucketPolicy': (req) => {
      state.bucketPolicy = req.body;
      return { status: 204 };
    },
    'iam:GetRole': () => ({
      file: 'iam/get-role.xml',
      vars: {
        path: '/',
        trustPolicy: encodeURIComponent(state.trust),
        maxSessionDuration: '3600',
        roleName: ROLE_NAME,
        roleArn: ROLE_ARN,
        createDate: '2024-01-01T00:00:00Z',
      },
    }),
    'iam:UpdateAssumeRolePolicy': (req) => {
      state.trust = String(req.params.PolicyDocument);
      return { file: 'iam/update-assume-role-policy.xml' };
    },
    'iam:GetRolePolicy': () =>
      state.inline
        ? {
            file: 'iam/get-role-policy.xml',
            vars: { policyName: 'ImmutaAuditExport', roleName: ROLE_NAME, document: encodeURIComponent(state.inline) },
          }
        : iamError(404, 'NoSuchEntity', `The role policy with name ImmutaAuditExport cannot be found.`),
    'iam:PutRolePolicy': (req) => {
      state.inline = String(req.params.PolicyDocument);
      return { file: 'iam/put-role-policy.xml' };
    },
  };
}

async function withAws<T>(routes: Routes, fn: (aws: FakeAws) => Promise<T>): Promise<T> {
  const aws = await startFakeAws({ routes });
  try {
    return await fn(aws);
  } finally {
    await aws.close();
  }
}

describe('policy: printing', () => {
  it("prints the bucket statement for the key's IAM user (asked from STS with the FILE's key), with /* on the export path", async () => {
    await withAws(statefulAws({ bucketPolicy: null, trust: '{}', inline: null }), async (aws) => {
      const r = await runCommand(['audit', 'exportConfig', 'policy', 'bucket', accessKeyFile], {
        env: { HOME: home.home, ...aws.env() },
      });
      expect(r.exitCode).toBe(0);
      const policy = JSON.parse(r.stdout) as { Statement: Array<Record<string, unknown>> };
      expect(policy.Statement[0]).toMatchObject({
        Effect: 'Allow',
        Principal: { AWS: WRITER_ARN },
        Action: 's3:PutObject',
        Resource: `arn:aws:s3:::${BUCKET}/${EXPORT_PATH}/*`,
      });
      expect(r.stderr).toContain('--apply');
      expect(r.stdout + r.stderr).not.toContain(WRITER_KEY.secretAccessKey);
    });
  });

  it('prints the trust policy for --id with the configuration id as sts:ExternalId (colon form, --json)', async () => {
    const tenant = await FakeTenant.start({ apiKey: 'test-api-key-0123456789' });
    try {
      replyRoleConfiguration(tenant);
      const r = await runCommand(
        [
          'audit',
          'exportConfig',
          'policy:trust',
          '--id',
          CONFIG_ID,
          '--host',
          tenant.url,
          '--immuta-account-id',
          IMMUTA_ACCOUNT,
          '--json',
        ],
        {
          env: { HOME: home.home, IMMUTA_API_KEY: 'test-api-key-0123456789' },
        },
      );
      expect(r.exitCode).toBe(0);
      const result = JSON.parse(r.stdout) as {
        kind: string;
        placeholders: string[];
        policy: { Statement: unknown[] };
        apply: unknown;
      };
      expect(result).toMatchObject({ kind: 'trust', placeholders: [], apply: null });
      expect(result.policy.Statement[0]).toEqual({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${IMMUTA_ACCOUNT}:root` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': CONFIG_ID } },
      });
    } finally {
      await tenant.stop();
    }
  });

  it('prints the role policy with the KMS statement for --kms-key-arn', async () => {
    const r = await runCommand(['audit', 'exportConfig', 'policy', 'role', roleFile, '--kms-key-arn', KEY_ARN], {
      env: { HOME: home.home },
    });
    expect(r.exitCode).toBe(0);
    const policy = JSON.parse(r.stdout) as { Statement: Array<Record<string, unknown>> };
    expect(policy.Statement.map((s) => s.Action)).toEqual(['s3:PutObject', ['kms:GenerateDataKey', 'kms:Decrypt']]);
  });

  it("GovCloud and a prefix with IAM's special characters: the ARNs are in the region's partition, the prefix literal", async () => {
    const file = join(files.dir, 'gov-role.json');
    writeFileSync(
      file,
      JSON.stringify({
        interval: 'EVERY_12_HOURS',
        bucket: BUCKET,
        path: 'a*b?c/${aws:username}',
        region: 'us-gov-west-1',
        roleArn: `arn:aws-us-gov:iam::${IMMUTA_ACCOUNT}:role/${ROLE_NAME}`,
      }),
    );
    for (const kind of ['bucket', 'role']) {
      const r = await runCommand(['audit', 'exportConfig', 'policy', kind, file, '--json'], {
        env: { HOME: home.home },
      });
      expect(r.exitCode).toBe(0);
      const result = JSON.parse(r.stdout) as { statements: Array<{ Resource: string }> };
      expect(result.statements[0]?.Resource).toBe(`arn:aws-us-gov:s3:::${BUCKET}/a\${*}b\${?}c/\${$}{aws:username}/*`);
    }
  });

  it('refuses a KMS key of another region or partition than the bucket (S3 cannot use it), and a malformed ARN', async () => {
    const otherRegion = KEY_ARN.replace(`:${REGION}:`, ':us-east-2:');
    const otherPartition = KEY_ARN.replace('arn:aws:', 'arn:aws-cn:');
    for (const arn of [otherRegion, otherPartition, KEY_ARN.replace('arn:aws:', 'arn:awsx:')]) {
      const r = await runCommand(
        ['audit', 'exportConfig', 'policy', 'role', roleFile, '--kms-key-arn', arn, '--json'],
        {
          env: { HOME: home.home },
        },
      );
      expect(r.exitCode).toBe(2);
      expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe('USAGE');
    }
  });

  it('refuses a malformed --principal-arn, --role-arn or --external-id before printing a policy with it (exit 2)', async () => {
    for (const args of [
      ['bucket', accessKeyFile, '--principal-arn', 'immuta-writer'],
      ['role', roleFile, '--role-arn', 'arn:aws:iam::123:role/x'],
      ['trust', roleFile, '--external-id', 'id${aws:username}', '--immuta-account-id', IMMUTA_ACCOUNT],
    ]) {
      const r = await runCommand(['audit', 'exportConfig', 'policy', ...args, '--json'], { env: { HOME: home.home } });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect((JSON.parse(r.stdout) as { error: { message: string } }).error.message).toContain(args[2]);
    }
  });

  it('an ADLS file is refused in words of the policy command, not the doctor (exit 2)', async () => {
    const r = await runCommand(['audit', 'exportConfig', 'policy', 'role', 'examples/adls-sas-token.json', '--json'], {
      env: { HOME: home.home },
    });
    expect(r.exitCode).toBe(2);
    const error = (JSON.parse(r.stdout) as { error: { message: string; fix: string } }).error;
    expect(error.message).toContain('IAM and bucket policies are for S3 destinations');
    expect(`${error.message} ${error.fix}`).not.toContain('doctor');
  });

  it("FILE and --id with another path: the policy follows the tenant's path and says the FILE differs", async () => {
    const tenant = await FakeTenant.start({ apiKey: 'test-api-key-0123456789' });
    try {
      replyRoleConfiguration(tenant, { endpoint: { path: 'tenant-path', roleArn: undefined } });
      const r = await runCommand(
        ['audit', 'exportConfig', 'policy', 'role', roleFile, '--id', CONFIG_ID, '--host', tenant.url],
        {
          env: { HOME: home.home, IMMUTA_API_KEY: 'test-api-key-0123456789' },
        },
      );
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain(`arn:aws:s3:::${BUCKET}/tenant-path/*`);
      expect(r.stderr).toContain("Warning: the FILE differs from the tenant's configuration in path");
    } finally {
      await tenant.stop();
    }
  });

  it('refuses --kms-key-arn outside policy role and --principal-arn for trust (they were ignored without a word)', async () => {
    for (const args of [
      ['bucket', accessKeyFile, '--kms-key-arn', KEY_ARN],
      ['trust', roleFile, '--external-id', CONFIG_ID, '--kms-key-arn', KEY_ARN],
      ['trust', roleFile, '--external-id', CONFIG_ID, '--principal-arn', WRITER_ARN],
    ]) {
      const r = await runCommand(['audit', 'exportConfig', 'policy', ...args, '--json'], { env: { HOME: home.home } });
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect((JSON.parse(r.stdout) as { error: { code: string } }).error.code).toBe('USAGE');
    }
  });

  it('refuses a trust policy without the configuration id (exit 2)', async () => {
    const r = await runCommand(['audit', 'exportConfig', 'policy', 'trust', roleFile], { env: { HOME: home.home } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--external-id');
  });
});

describe('policy --apply: merge without loss, idempotent', () => {
  it("bucket: keeps every existing statement, adds Immuta's, and a second apply changes nothing", async () => {
    const state = { bucketPolicy: JSON.stringify(GUARDRAILS) as string | null, trust: '{}', inline: null };
    await withAws(statefulAws(state), async (aws) => {
      const env = { HOME: home.home, ...aws.env() };
      const first = await runCommand(['audit', 'exportConfig', 'policy', 'bucket', accessKeyFile, '--apply', '--yes'], {
        env,
      });
      expect(first.exitCode).toBe(0);
      expect(first.stdout).toContain('Changes to bucket policy of acme-audit-logs:');
      expect(first.stdout).toMatch(/^\+ .*"Sid": "ImmutaAuditExportWrite"/m);
      expect(first.stdout).not.toMatch(/^- /m);
      const written = JSON.parse(state.bucketPolicy ?? '{}') as typeof GUARDRAILS;
      expect(written.Id).toBe('CompanyGuardrails');
      expect(written.Statement.slice(0, 2)).toEqual(GUARDRAILS.Statement);
      expect(written.Statement).toHaveLength(3);

      const second = await runCommand(
        ['audit', 'exportConfig', 'policy', 'bucket', accessKeyFile, '--apply', '--yes'],
        {
          env,
        },
      );
      expect(second.exitCode).toBe(0);
      expect(second.stderr).toContain('nothing to change');
      expect(aws.callsOf('s3:PutBucketPolicy')).toHaveLength(1);
    });
  });

  it('trust: merges into the URL-encoded trust policy, keeping the EC2 statement; twice is a no-op', async () => {
    const state = { bucketPolicy: null, trust: JSON.stringify(EC2_TRUST), inline: null };
    await withAws(statefulAws(state), async (aws) => {
      const env = { HOME: home.home, ...aws.env() };
      const args = [
        'audit',
        'exportConfig',
        'policy',
        'trust',
        roleFile,
        '--external-id',
        CONFIG_ID,
        '--immuta-account-id',
        IMMUTA_ACCOUNT,
        '--apply',
        '--yes',
      ];
      expect((await runCommand(args, { env })).exitCode).toBe(0);
      const written = JSON.parse(state.trust) as { Statement: Array<Record<string, unknown>> };
      expect(written.Statement[0]).toEqual(EC2_TRUST.Statement[0]);
      expect(written.Statement[1]).toMatchObject({
        Principal: { AWS: `arn:aws:iam::${IMMUTA_ACCOUNT}:root` },
        Condition: { StringEquals: { 'sts:ExternalId': CONFIG_ID } },
      });
      const again = await runCommand(args, { env });
      expect(again.stderr).toContain('nothing to change');
      expect(aws.callsOf('iam:UpdateAssumeRolePolicy')).toHaveLength(1);
    });
  });

  it("trust: a statement trusting Immuta's account without sts:ExternalId is removed (merging beside it fixed nothing)", async () => {
    const open = { Sid: 'OpenToImmuta', Effect: 'Allow', Principal: { AWS: IMMUTA_ACCOUNT }, Action: 'sts:AssumeRole' };
    const wildcard = {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${IMMUTA_ACCOUNT}:root` },
      Action: 'sts:AssumeRole',
      Condition: { StringLike: { 'sts:ExternalId': '*' } },
    };
    const shared = { ...open, Sid: 'SharedWithOps', Principal: { AWS: [IMMUTA_ACCOUNT, ROLE_ARN] } };
    const trust = { Version: '2012-10-17', Statement: [EC2_TRUST.Statement[0], open, wildcard, shared] };
    const state = { bucketPolicy: null, trust: JSON.stringify(trust), inline: null };
    await withAws(statefulAws(state), async (aws) => {
      const env = { HOME: home.home, ...aws.env() };
      const args = ['audit', 'exportConfig', 'policy', 'trust', roleFile, '--external-id', CONFIG_ID];
      const applied = await runCommand([...args, '--immuta-account-id', IMMUTA_ACCOUNT, '--apply', '--yes'], { env });
      expect(applied.exitCode).toBe(0);
      expect(applied.stderr).toContain('Statement "OpenToImmuta" is removed');
      expect(applied.stderr).toContain('Statement "SharedWithOps" lets Immuta');
      const written = JSON.parse(state.trust) as { Statement: Array<Record<string, unknown>> };
      expect(written.Statement).toEqual([
        EC2_TRUST.Statement[0],
        shared,
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${IMMUTA_ACCOUNT}:root` },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': CONFIG_ID } },
        },
      ]);
    });
  });

  it('role: creates the inline policy when the role has none', async () => {
    const state = { bucketPolicy: null, trust: '{}', inline: null as string | null };
    await withAws(statefulAws(state), async (aws) => {
      const r = await runCommand(
        ['audit', 'exportConfig', 'policy', 'role', roleFile, '--kms-key-arn', KEY_ARN, '--apply', '--yes'],
        { env: { HOME: home.home, ...aws.env() } },
      );
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('New inline policy ImmutaAuditExport of role immuta-audit-export:');
      expect(aws.callsOf('iam:PutRolePolicy')[0]?.params).toMatchObject({
        RoleName: ROLE_NAME,
        PolicyName: 'ImmutaAuditExport',
      });
      expect(JSON.parse(state.inline ?? '{}')).toMatchObject({
        Statement: [{ Action: 's3:PutObject' }, { Resource: KEY_ARN }],
      });
    });
  });

  it('without a terminal, --apply shows the diff but needs --yes (exit 2, nothing written)', async () => {
    const state = { bucketPolicy: JSON.stringify(GUARDRAILS) as string | null, trust: '{}', inline: null };
    await withAws(statefulAws(state), async (aws) => {
      const r = await runCommand(['audit', 'exportConfig', 'policy', 'bucket', accessKeyFile, '--apply'], {
        env: { HOME: home.home, ...aws.env() },
      });
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toContain('+ ');
      expect(r.stderr).toContain('--apply --yes');
      expect(aws.callsOf('s3:PutBucketPolicy')).toHaveLength(0);
      expect(state.bucketPolicy).toBe(JSON.stringify(GUARDRAILS));
    });
  });
});
