/**
 * The command harness (in-process, same parsing and exit codes as the binary) against the fake AWS endpoint (AWS_ENDPOINT_URL_* — the SDK's own setting, which the
 * doctor honours) and, for --id, the fake tenant: exit codes, the printed fix, the JSON report, and
 * that the configuration's secret never reaches any output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DoctorReportSchema } from '../../src/lib/doctor/report.js';
import { type FakeAws, type Routes, WRITER_KEY, startFakeAws } from '../fixtures/aws/fake-aws.js';
import {
  BUCKET,
  CONFIG_ID,
  EXPORT_PATH,
  IMMUTA_ACCOUNT,
  REGION,
  ROLE_ARN,
  bucketPolicy,
  getRoleRoute,
  healthyAccessKey,
  healthyAssumedRole,
  s3Error,
  simulateRoute,
  replyRoleConfiguration,
  writeScenarioConfigFiles,
} from '../fixtures/aws/scenarios.js';
import { FakeTenant } from '../helpers/fake-tenant.js';
import { tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';

const API_KEY = 'test-api-key-0123456789';
let home: { home: string; cleanup: () => void };
let dir: string;
let accessKeyFile: string;
let roleFile: string;

let files: ReturnType<typeof writeScenarioConfigFiles>;

beforeAll(() => {
  home = tempHome();
  files = writeScenarioConfigFiles('doctor-cmd-');
  ({ dir, accessKeyFile, roleFile } = files);
});

afterAll(() => {
  home.cleanup();
  files.cleanup();
});

async function withAws<T>(routes: Routes, fn: (aws: FakeAws) => Promise<T>): Promise<T> {
  const aws = await startFakeAws({ routes });
  try {
    return await fn(aws);
  } finally {
    await aws.close();
  }
}

/** A shared credentials file whose profile "admin" holds the key the fake AWS accepts. */
function writeCredentials(env: Record<string, string | undefined>): string {
  const file = join(dir, 'aws-credentials');
  writeFileSync(
    file,
    `[admin]\naws_access_key_id = ${env.AWS_ACCESS_KEY_ID ?? ''}\naws_secret_access_key = ${env.AWS_SECRET_ACCESS_KEY ?? ''}\n`,
  );
  return file;
}

function expectNoSecret(...texts: string[]): void {
  for (const t of texts) expect(t).not.toContain(WRITER_KEY.secretAccessKey);
}

/** `audit exportConfig doctor --id CONFIG_ID` against `tenant`, Immuta's account given, with `extra` flags. */
const doctorById = (tenant: FakeTenant, ...extra: string[]) => [
  'audit',
  'exportConfig',
  'doctor',
  '--id',
  CONFIG_ID,
  '--host',
  tenant.url,
  '--immuta-account-id',
  IMMUTA_ACCOUNT,
  ...extra,
];

describe('immuta audit exportConfig doctor (command harness, fake AWS)', () => {
  it('reports a healthy setup ready, exit 0, with one verdict line last', async () => {
    await withAws(healthyAccessKey(), async (aws) => {
      const r = await runCommand(['audit', 'exportConfig', 'doctor', accessKeyFile], {
        env: { HOME: home.home, ...aws.env() },
      });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/PASS {2}Bucket policy/);
      expect(r.stdout.trim().split('\n').pop()).toBe(
        `Ready: no check found a problem with s3://${BUCKET}/${EXPORT_PATH}.`,
      );
      expect(aws.unrouted).toEqual([]);
      expectNoSecret(r.stdout, r.stderr);
    });
  });

  it('names a blocking bucket-policy Deny, prints the fix, and exits 3', async () => {
    await withAws(
      { ...healthyAccessKey(), 's3:GetBucketPolicy': bucketPolicy('bucket-deny-vpce.json') },
      async (aws) => {
        const r = await runCommand(['audit', 'exportConfig', 'doctor', accessKeyFile], {
          env: { HOME: home.home, ...aws.env() },
        });
        expect(r.exitCode).toBe(3);
        expect(r.stdout).toMatch(/FAIL {2}Bucket policy .*VPC endpoint/);
        expect(r.stdout).toContain('fix: In the bucket policy, add "ArnNotEquals"');
        expect(r.stdout.trim().split('\n').pop()).toBe('Not ready: 1 check failed (bucket-policy); fix it and re-run.');
      },
    );
  });

  it('--json prints the report matching the published schema, and nothing else on stdout', async () => {
    await withAws(
      { ...healthyAccessKey(), 's3:HeadBucket': { status: 301, headers: { 'x-amz-bucket-region': 'us-west-2' } } },
      async (aws) => {
        const r = await runCommand(['audit', 'exportConfig', 'doctor', accessKeyFile, '--json'], {
          env: { HOME: home.home, ...aws.env() },
        });
        expect(r.exitCode).toBe(3);
        const report = DoctorReportSchema.parse(JSON.parse(r.stdout));
        expect(report).toMatchObject({
          ready: false,
          exitCode: 3,
          flow: 's3:accessKey',
          target: { bucket: BUCKET, region: REGION },
        });
        expect(report.checks.find((c) => c.id === 'bucket')).toMatchObject({
          status: 'fail',
          fix: 'Set "region": "us-west-2" in the export configuration.',
        });
        expect(r.stderr).toBe('');
        expectNoSecret(r.stdout);
      },
    );
  });

  it('checks the trust policy of an assumed-role FILE with --external-id and --immuta-account-id (env)', async () => {
    await withAws(
      { ...healthyAssumedRole(), 'iam:GetRole': getRoleRoute('trust-no-external-id.json') },
      async (aws) => {
        const r = await runCommand(['audit', 'exportConfig', 'doctor', roleFile, '--external-id', CONFIG_ID], {
          env: { HOME: home.home, IMMUTA_AWS_ACCOUNT_ID: IMMUTA_ACCOUNT, ...aws.env() },
        });
        expect(r.exitCode).toBe(3);
        expect(r.stdout).toMatch(/FAIL {2}Role trust policy .*confused deputy/);
        expect(r.stdout).toContain(`policy trust ${roleFile} --external-id ${CONFIG_ID} --apply`);
      },
    );
  });

  it('--id reads the configuration from the tenant and explains its connectionStatus', async () => {
    const tenant = await FakeTenant.start({ apiKey: API_KEY });
    try {
      const status = `Error testing access to S3 using AssumedRole ${ROLE_ARN} - User: arn:aws:sts::${IMMUTA_ACCOUNT}:assumed-role/x/y is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`;
      replyRoleConfiguration(tenant, { connectionStatus: status });
      await withAws(healthyAssumedRole(), async (aws) => {
        const r = await runCommand(doctorById(tenant, '--json'), {
          env: { HOME: home.home, IMMUTA_API_KEY: API_KEY, ...aws.env() },
        });
        const report = DoctorReportSchema.parse(JSON.parse(r.stdout));
        expect(report.target.configurationId).toBe(CONFIG_ID);
        expect(report.checks.find((c) => c.id === 'trust-policy')?.status).toBe('pass');
        expect(report.checks.find((c) => c.id === 'connection-status')).toMatchObject({
          status: 'fail',
          summary: expect.stringContaining('(I2)'),
        });
        expect(r.exitCode).toBe(3);
      });
    } finally {
      await tenant.stop();
    }
  });

  it('fixes keep -p PROFILE and --aws-profile of the run (pasted without them they act on another tenant or account)', async () => {
    const tenant = await FakeTenant.start({ apiKey: API_KEY });
    const configFile = join(dir, 'profiles.yaml');
    writeFileSync(configFile, `prod:\n  host: ${tenant.url}\n  api_key: ${API_KEY}\n`);
    try {
      replyRoleConfiguration(tenant, {
        connectionStatus: `Error testing access to S3 using AssumedRole ${ROLE_ARN} - User: arn:aws:sts::${IMMUTA_ACCOUNT}:assumed-role/x/y is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
      });
      await withAws(
        { ...healthyAssumedRole(), 'iam:GetRole': getRoleRoute('trust-no-external-id.json') },
        async (aws) => {
          const r = await runCommand(
            ['-p', 'prod', 'audit', 'exportConfig', 'doctor', '--id', CONFIG_ID, '--aws-profile', 'admin', '--json'],
            {
              env: {
                HOME: home.home,
                IMMUTA_CONFIG: configFile,
                IMMUTA_AWS_ACCOUNT_ID: IMMUTA_ACCOUNT,
                ...aws.env(),
                // The profile "admin" gives the fake account's key (a credentials file, as ~/.aws would).
                AWS_SHARED_CREDENTIALS_FILE: writeCredentials(aws.env()),
                AWS_ACCESS_KEY_ID: undefined,
                AWS_SECRET_ACCESS_KEY: undefined,
              },
            },
          );
          const report = DoctorReportSchema.parse(JSON.parse(r.stdout));
          expect(report.checks.find((c) => c.id === 'trust-policy')).toMatchObject({
            status: 'fail',
            fix: expect.stringContaining(
              `\`immuta -p prod audit exportConfig policy trust --id ${CONFIG_ID} --aws-profile admin --apply\``,
            ),
          });
          // The tenant's status, explained: its commands too.
          expect(report.checks.find((c) => c.id === 'connection-status')?.fix).toContain(
            `\`immuta -p prod audit exportConfig test ${CONFIG_ID} --wait\``,
          );
        },
      );
    } finally {
      await tenant.stop();
    }
  });

  it('a FILE name with spaces, parentheses or $ is one quoted shell word in the commands of fixes', async () => {
    const odd = join(dir, 'my key (prod) $(id).json');
    writeFileSync(odd, readFileSync(accessKeyFile));
    const noGrant = {
      ...healthyAccessKey(),
      's3:GetBucketPolicy': s3Error(404, 'NoSuchBucketPolicy', 'The bucket policy does not exist'),
      'iam:SimulatePrincipalPolicy': simulateRoute(() => 'implicitDeny'),
    };
    await withAws(noGrant, async (aws) => {
      const r = await runCommand(['audit', 'exportConfig', 'doctor', odd, '--json'], {
        env: { HOME: home.home, ...aws.env() },
      });
      const report = DoctorReportSchema.parse(JSON.parse(r.stdout));
      const fixes = report.checks.map((c) => c.fix ?? '').join('\n');
      expect(fixes).toContain(`policy role '${odd}' --apply`);
    });
  });

  it("a tenant's connectionStatus with newlines cannot forge report lines (shown as \\n on one line)", async () => {
    const tenant = await FakeTenant.start({ apiKey: API_KEY });
    try {
      replyRoleConfiguration(tenant, {
        connectionStatus: 'Access Denied\nPASS  Forged check  all good\n\nReady: no check found a problem.',
      });
      await withAws(healthyAssumedRole(), async (aws) => {
        const r = await runCommand(doctorById(tenant), {
          env: { HOME: home.home, IMMUTA_API_KEY: API_KEY, IMMUTA_DOCTOR_PROPAGATION_WAIT_MS: '0', ...aws.env() },
        });
        expect(r.exitCode).toBe(3);
        expect(r.stdout).not.toMatch(/^PASS {2}Forged/m);
        expect(r.stdout).not.toMatch(/^Ready/m);
        expect(r.stdout).toContain('Access Denied\\nPASS  Forged check');
      });
    } finally {
      await tenant.stop();
    }
  });

  it('exits 2 for an invalid file, naming the field, without calling AWS', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        interval: 'EVERY_12_HOURS',
        bucket: 'Bad_Bucket',
        region: REGION,
        accessKeyId: WRITER_KEY.accessKeyId,
        secretAccessKey: WRITER_KEY.secretAccessKey,
      }),
    );
    await withAws(healthyAccessKey(), async (aws) => {
      const r = await runCommand(['audit', 'exportConfig', 'doctor', bad], { env: { HOME: home.home, ...aws.env() } });
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toMatch(/FAIL {2}Config file .*bucket/);
      expect(aws.calls).toEqual([]);
    });
  });

  it('FILE - with more than 1 MiB on standard input: too large (exit 2), not "unexpected failure: Premature close"', async () => {
    for (const command of ['doctor', 'policy:bucket']) {
      const r = await runCommand(['audit', 'exportConfig', command, '-', '--json'], {
        env: { HOME: home.home },
        stdin: ' '.repeat(2 * 1024 * 1024),
      });
      expect(r.exitCode, `${command}: ${r.stdout}`).toBe(2);
      expect(r.stdout).toContain('standard input is larger than 1024 KiB');
      expect(r.stdout).not.toContain('INTERNAL');
    }
  });

  it('exits 2 without FILE or --id', async () => {
    const r = await runCommand(['audit', 'exportConfig', 'doctor'], { env: { HOME: home.home } });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('give a config FILE or --id ID');
  });

  it('refuses a malformed --role-arn, --region or --external-id (exit 2, one JSON error, nothing asked of AWS)', async () => {
    await withAws(healthyAssumedRole(), async (aws) => {
      for (const [flag, value, says] of [
        ['--role-arn', 'nonsense', '--role-arn: "nonsense" is a role name'],
        ['--role-arn', `arn:aws:iam::${'1'.repeat(12)}:user/x`, '--role-arn'],
        ['--region', '', '--region is empty'],
        ['--region', 'us-east-1a', 'availability zone'],
        ['--external-id', 'a\u001b[31m${aws:username}', '--external-id'],
      ] as const) {
        const r = await runCommand(['audit', 'exportConfig', 'doctor', roleFile, flag, value, '--json'], {
          env: { HOME: home.home, ...aws.env() },
        });
        expect(r.exitCode, `${flag} ${value}`).toBe(2);
        const error = (JSON.parse(r.stdout) as { error: { code: string; message: string; fix: string } }).error;
        expect(['USAGE', 'ID_INVALID']).toContain(error.code);
        expect(error.message).toContain(says);
        expect(error.message).not.toContain('\u001b');
        expect(error.fix).not.toContain('"region":');
      }
      expect(aws.calls).toEqual([]);
    });
  });

  it('exits 4 when the doctor has no AWS credentials at all', async () => {
    await withAws(healthyAccessKey(), async (aws) => {
      const env = { ...aws.env(), AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined } as Record<
        string,
        string | undefined
      >;
      const r = await runCommand(['audit', 'exportConfig', 'doctor', accessKeyFile], {
        env: { HOME: home.home, ...env },
      });
      expect(r.exitCode).toBe(4);
      expect(r.stdout).toMatch(/FAIL {2}Doctor credentials +No AWS credentials found/);
      expect(r.stdout).toContain('--aws-profile');
    });
  });

  it('--aws-profile NAME that has no credentials: the finding names the profile, not "pass --aws-profile" (exit 4)', async () => {
    await withAws(healthyAccessKey(), async (aws) => {
      const env = { ...aws.env(), AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined } as Record<
        string,
        string | undefined
      >;
      const r = await runCommand(['audit', 'exportConfig', 'doctor', accessKeyFile, '--aws-profile', 'nope'], {
        env: { HOME: home.home, ...env },
      });
      expect(r.exitCode).toBe(4);
      expect(r.stdout).toMatch(/FAIL {2}Doctor credentials +No AWS credentials found .*in AWS profile "nope"/);
      expect(r.stdout).toContain('fix: Check that "nope" is a profile');
      expect(r.stdout).not.toContain('Pass --aws-profile NAME');
    });
  });

  it('exits 5 when AWS cannot be reached', async () => {
    const aws = await startFakeAws({ routes: {} });
    const env = aws.env();
    await aws.close();
    const r = await runCommand(['audit', 'exportConfig', 'doctor', accessKeyFile], {
      env: { HOME: home.home, ...env },
    });
    expect(r.exitCode).toBe(5);
    expect(r.stdout.trim().split('\n').pop()).toBe(
      'Not ready: AWS could not be reached, so the setup could not be checked.',
    );
  });

  it('AWS answering after the check timeout is "did not answer in time" (exit 5), never "Ready" with every check skipped', async () => {
    const aws = await startFakeAws({ routes: healthyAccessKey(), latencyMs: 400 });
    try {
      const r = await runCommand(['audit', 'exportConfig', 'doctor', accessKeyFile, '--json'], {
        env: { HOME: home.home, ...aws.env(), IMMUTA_DOCTOR_CHECK_TIMEOUT_MS: '100' },
      });
      const report = DoctorReportSchema.parse(JSON.parse(r.stdout));
      expect(report.checks.find((c) => c.id === 'caller-identity')?.status).toBe('skipped');
      expect(r.exitCode).toBe(5);
      expect(report.ready).toBe(false);
      expect(report.verdict).toContain('did not answer in time');
    } finally {
      await aws.close();
    }
  });

  it('a doctor timing knob that is not a whole number of milliseconds is a usage error (it skipped every check: Ready)', async () => {
    for (const name of ['IMMUTA_DOCTOR_CHECK_TIMEOUT_MS', 'IMMUTA_DOCTOR_PROPAGATION_WAIT_MS']) {
      const r = await runCommand(['audit', 'exportConfig', 'doctor', accessKeyFile, '--json'], {
        env: { HOME: home.home, [name]: 'abc' },
      });
      expect(r.exitCode, name).toBe(2);
      expect((JSON.parse(r.stdout) as { error: { code: string; message: string } }).error).toMatchObject({
        code: 'USAGE',
        message: expect.stringContaining(name),
      });
    }
  });

  it("--probe writes with the configuration's key and never prints the secret", async () => {
    await withAws(healthyAccessKey(), async (aws) => {
      const r = await runCommand(['audit', 'exportConfig', 'doctor', accessKeyFile, '--probe'], {
        env: { HOME: home.home, ...aws.env(), DEBUG: '*' },
      });
      expect(r.exitCode).toBe(0);
      expect(aws.callsOf('s3:PutObject')).toHaveLength(1);
      expect(r.stdout).toMatch(/PASS {2}Probe write/);
      expectNoSecret(r.stdout, r.stderr);
    });
  });
});
