import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UamEventSchema, parseUamLines } from '../../src/lib/sandbox/events/index.js';
import { runCli, tempHome } from '../helpers/run-cli.js';
import { type CliSandbox, startCliSandbox } from '../helpers/sandbox.js';

/**
 * The whole documented flow, driven through the real binary against `immuta sandbox` (real
 * GraphQL server, real embedded S3) on free loopback ports. The sandbox runs with
 * --interval-scale 0.0005, so EVERY_2_HOURS exports every 3.6 s.
 */
const ROLE_ARN = 'arn:aws:iam::444455556666:role/immuta-audit-export';
const PRINCIPAL = 'arn:aws:sts::111122223333:assumed-role/immuta-audit-export/audit-service';

interface Job {
  id: string;
  exportConfigurationId: string;
  status: string;
  taskCount: number;
  failedTaskCount: number;
  objectKeys: string[];
}

const home = tempHome();
let sandbox: CliSandbox;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `probe` returns a value (not undefined); fails after `timeoutMs`. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(300);
  }
}

async function cliJson<T>(args: string[], expectedExit = 0): Promise<T> {
  const result = await sandbox.cli(args);
  expect(result.exitCode, `${args.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(expectedExit);
  return JSON.parse(result.stdout) as T;
}

const jobsOf = (configId: string) =>
  cliJson<Job[]>(['sandbox', 'jobs', configId, '--data-dir', sandbox.dataDir, '--json']);

function writeConfig(name: string, content: Record<string, unknown>): string {
  const file = join(home.home, name);
  writeFileSync(file, JSON.stringify(content, null, 2));
  return file;
}

beforeAll(async () => {
  sandbox = await startCliSandbox(home.home);
}, 90_000);

afterAll(async () => {
  await sandbox?.stop();
  home.cleanup();
}, 60_000);

describe('immuta sandbox, end to end', () => {
  let accessKeyId = '';
  let badSecretId = '';
  let roleConfigId = '';

  it('start printed the tenant, keys, S3 and wrote the sandbox profile', () => {
    expect(sandbox.info.tenantUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.info.graphqlUrl).toBe(`${sandbox.info.tenantUrl}/api/audit/graphql`);
    expect(sandbox.info.s3).toMatchObject({
      embedded: true,
      bucket: 'immuta-audit-sandbox',
      region: 'us-east-1',
      demoAccessKeyId: 'AKIASANDBOXDEMO00001',
    });
    expect(sandbox.info.s3.demoSecretAccessKey).toHaveLength(40);
    expect(sandbox.info.immutaAwsAccountId).toBe('111122223333');
    expect(sandbox.info.profile).toBe('sandbox');
    expect(sandbox.info.configFile).toBe(sandbox.configFile);
  });

  it('status reports the running sandbox (exit 0)', async () => {
    const status = await cliJson<{ running: boolean; tenantUrl: string }>([
      'sandbox',
      'status',
      '--data-dir',
      sandbox.dataDir,
      '--json',
    ]);
    expect(status).toMatchObject({ running: true, tenantUrl: sandbox.info.tenantUrl });
  });

  it('access key: create -> SUCCESS (exit 0) -> list', async () => {
    const created = await cliJson<{ id: string; connectionStatus: string }>([
      '-p',
      'sandbox',
      'audit',
      'exportConfig',
      'create:s3:accessKey',
      'examples/sandbox-access-key.json',
      '--json',
    ]);
    expect(created.connectionStatus).toBe('SUCCESS');
    accessKeyId = created.id;
    const list = await cliJson<Array<{ id: string; connectionStatus: string }>>([
      '-p',
      'sandbox',
      'audit',
      'exportConfig',
      'list',
      '--json',
    ]);
    expect(list).toContainEqual(expect.objectContaining({ id: accessKeyId, connectionStatus: 'SUCCESS' }));
  });

  it('exports objects that parse as UAM events, in jobs whose tasks all succeeded', async () => {
    const job = await eventually('a finished export job', async () =>
      (await jobsOf(accessKeyId)).find((j) => j.status !== 'RUNNING'),
    );
    expect(job).toMatchObject({ exportConfigurationId: accessKeyId, status: 'SUCCESS', failedTaskCount: 0 });
    expect(
      job.objectKeys.every((key) => /^audit-logs\/\d{4}\/\d{2}\/\d{2}\/[0-9a-f-]{36}-\d+\.ndjson$/.test(key)),
    ).toBe(true);

    const tasks = await cliJson<Array<{ status: string; offset: number; limit: number; attempts: number }>>([
      '-p',
      'sandbox',
      'audit',
      'exportConfig',
      'tasks',
      job.id,
      '--json',
    ]);
    expect(tasks).toHaveLength(job.taskCount);
    expect(tasks.every((t) => t.status === 'SUCCESS' && t.attempts === 1)).toBe(true);

    const objects = await cliJson<Array<{ key: string; firstEvent: unknown }>>([
      'sandbox',
      'objects',
      '--prefix',
      'audit-logs/',
      '--data-dir',
      sandbox.dataDir,
      '--json',
    ]);
    expect(objects.length).toBeGreaterThan(0);
    for (const object of objects) expect(UamEventSchema.safeParse(object.firstEvent).success, object.key).toBe(true);

    // Every line of every object of the job, read back through the S3 gateway with the demo key.
    const s3 = new S3Client({
      endpoint: sandbox.info.s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: {
        accessKeyId: sandbox.info.s3.demoAccessKeyId ?? '',
        secretAccessKey: sandbox.info.s3.demoSecretAccessKey ?? '',
      },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    try {
      let count = 0;
      for (const key of job.objectKeys) {
        const body = await (
          await s3.send(new GetObjectCommand({ Bucket: 'immuta-audit-sandbox', Key: key }))
        ).Body?.transformToString();
        const parsed = parseUamLines(body ?? '');
        expect(parsed.issues, key).toEqual([]);
        count += parsed.events.length;
      }
      expect(count).toBeGreaterThanOrEqual(30);
    } finally {
      s3.destroy();
    }
  });

  it('bad secret: the real S3 error in connectionStatus, exit 3', async () => {
    const file = writeConfig('bad-secret.json', {
      interval: 'EVERY_2_HOURS',
      bucket: 'immuta-audit-sandbox',
      region: 'us-east-1',
      accessKeyId: 'AKIASANDBOXDEMO00001',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRONGKEY00',
    });
    const created = await cliJson<{ id: string; connectionStatus: string }>(
      ['-p', 'sandbox', 'audit', 'exportConfig', 'create:s3:accessKey', file, '--json'],
      3,
    );
    badSecretId = created.id;
    expect(created.connectionStatus).toBe(
      'Error testing access to S3 using AccessKey AKIASANDBOXDEMO00001 - The request signature we calculated does not match the signature you provided. Check your key and signing method. (Service: S3, Status Code: 403, Error Code: SignatureDoesNotMatch)',
    );
    expect(JSON.stringify(created)).not.toContain('WRONGKEY00');
  });

  it('assumed role: documented error -> role put with the printed trust policy -> test --wait -> SUCCESS', async () => {
    const created = await cliJson<{ id: string; connectionStatus: string; nextSteps: { trustPolicy?: unknown } }>(
      [
        '-p',
        'sandbox',
        'audit',
        'exportConfig',
        'create:s3:assumedRole',
        'examples/sandbox-assumed-role.json',
        '--json',
      ],
      3,
    );
    roleConfigId = created.id;
    expect(created.connectionStatus).toBe(
      `Error testing access to S3 using AssumedRole ${ROLE_ARN} - User: ${PRINCIPAL} is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
    );
    const trustPolicy = created.nextSteps.trustPolicy as {
      Statement: Array<{ Principal: unknown; Condition: { StringEquals: Record<string, string> } }>;
    };
    expect(trustPolicy.Statement[0]?.Condition.StringEquals['sts:ExternalId']).toBe(roleConfigId);
    expect(trustPolicy.Statement[0]?.Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:root' });
    const policyFile = writeConfig('trust-policy.json', trustPolicy as unknown as Record<string, unknown>);

    // Until the role exists the status stays the documented error, also when re-read.
    const still = await sandbox.cli(['-p', 'sandbox', 'audit', 'exportConfig', 'test', roleConfigId, '--json']);
    expect(still.exitCode).toBe(3);

    const put = await cliJson<{
      roleArn: string;
      configurations: Array<{ exportConfigurationId: string; decision: string }>;
    }>([
      'sandbox',
      'role',
      'put',
      '--role-arn',
      ROLE_ARN,
      '--trust-policy',
      policyFile,
      '--data-dir',
      sandbox.dataDir,
      '--json',
    ]);
    expect(put.configurations).toContainEqual(
      expect.objectContaining({ exportConfigurationId: roleConfigId, decision: 'Allow' }),
    );

    const tested = await sandbox.cli([
      '-p',
      'sandbox',
      'audit',
      'exportConfig',
      'test',
      roleConfigId,
      '--wait',
      '--timeout',
      '60s',
      '--json',
    ]);
    expect(tested.exitCode, tested.stderr).toBe(0);
    expect(tested.stdout).toContain('SUCCESS');
  });

  it('a destination that starts failing shows FAILURE tasks with a failureReason', async () => {
    const firstOk = await eventually('a successful role export', async () =>
      (await jobsOf(roleConfigId)).find((j) => j.status === 'SUCCESS'),
    );
    expect(firstOk.failedTaskCount).toBe(0);
    // The customer breaks the trust policy: later exports cannot assume the role.
    const wrong = writeConfig('wrong-trust.json', {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': 'not-the-id' } },
        },
      ],
    });
    const put = await sandbox.cli([
      'sandbox',
      'role',
      'put',
      '--role-arn',
      ROLE_ARN,
      '--trust-policy',
      wrong,
      '--data-dir',
      sandbox.dataDir,
    ]);
    try {
      expect(put.exitCode).toBe(3);
      // A job already under way when the policy changed may have written some tasks: wait for one that wrote none.
      const failed = await eventually('a failed role export', async () =>
        (await jobsOf(roleConfigId)).find((j) => j.status === 'FAILURE' && j.failedTaskCount === j.taskCount),
      );
      const tasks = await sandbox.cli(['-p', 'sandbox', 'audit', 'exportConfig', 'tasks', failed.id, '--json']);
      expect(tasks.exitCode).toBe(3);
      const parsed = JSON.parse(tasks.stdout) as Array<{ status: string; failureReason: string }>;
      expect(parsed.every((t) => t.status === 'FAILURE')).toBe(true);
      expect(parsed[0]?.failureReason).toContain(
        `User: ${PRINCIPAL} is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
      );
    } finally {
      // Put the right policy back for the tests that follow.
      expect(
        (
          await sandbox.cli([
            'sandbox',
            'role',
            'put',
            '--role-arn',
            ROLE_ARN,
            '--trust-policy',
            join(home.home, 'trust-policy.json'),
            '--data-dir',
            sandbox.dataDir,
          ])
        ).exitCode,
      ).toBe(0);
    }
  });

  it('disable stops exports: no new jobs while other configurations keep exporting', async () => {
    const disabled = await sandbox.cli(['-p', 'sandbox', 'audit', 'exportConfig', 'disable', accessKeyId]);
    expect(disabled.exitCode, disabled.stderr).toBe(0);
    const before = (await jobsOf(accessKeyId)).length;
    // The role configuration is the clock: two more of its jobs means two intervals have passed.
    const witness = (await jobsOf(roleConfigId)).length;
    await eventually('two more role exports', async () =>
      (await jobsOf(roleConfigId)).length >= witness + 2 ? true : undefined,
    );
    // A job that was already running when disable arrived may still be counted once.
    expect((await jobsOf(accessKeyId)).length).toBeLessThanOrEqual(before + 1);
    const settled = (await jobsOf(accessKeyId)).length;
    await eventually('one more role export', async () =>
      (await jobsOf(roleConfigId)).length >= witness + 3 ? true : undefined,
    );
    expect((await jobsOf(accessKeyId)).length).toBe(settled);
  });

  it('delete removes the configuration', async () => {
    const deleted = await sandbox.cli(['-p', 'sandbox', 'audit', 'exportConfig', 'delete', badSecretId, '--yes']);
    expect(deleted.exitCode, deleted.stderr).toBe(0);
    const list = await cliJson<Array<{ id: string }>>(['-p', 'sandbox', 'audit', 'exportConfig', 'list', '--json']);
    expect(list.map((c) => c.id)).not.toContain(badSecretId);
    expect(list.map((c) => c.id)).toEqual(expect.arrayContaining([accessKeyId, roleConfigId]));
  });

  it('restart keeps configurations, jobs and roles (and the role still writes)', async () => {
    const listBefore = await cliJson<Array<{ id: string; enabled: boolean; connectionStatus: string }>>([
      '-p',
      'sandbox',
      'audit',
      'exportConfig',
      'list',
      '--json',
    ]);
    const jobsBefore = await cliJson<Job[]>([
      'sandbox',
      'jobs',
      '--data-dir',
      sandbox.dataDir,
      '--limit',
      '1000',
      '--json',
    ]);
    await sandbox.stop();
    const stopped = await sandbox.cli(['sandbox', 'status', '--data-dir', sandbox.dataDir, '--json']);
    expect(stopped.exitCode).toBe(3);
    sandbox = await startCliSandbox(home.home, { dataDir: sandbox.dataDir });
    const listAfter = await cliJson<Array<{ id: string; enabled: boolean; connectionStatus: string }>>([
      '-p',
      'sandbox',
      'audit',
      'exportConfig',
      'list',
      '--json',
    ]);
    expect(listAfter).toEqual(listBefore);
    const jobsAfter = await cliJson<Job[]>([
      'sandbox',
      'jobs',
      '--data-dir',
      sandbox.dataDir,
      '--limit',
      '1000',
      '--json',
    ]);
    // Newest first: every job from before the restart is still there.
    const after = new Set(jobsAfter.map((j) => j.id));
    expect(jobsBefore.every((j) => after.has(j.id))).toBe(true);
    const status = await cliJson<{ roles: number }>(['sandbox', 'status', '--data-dir', sandbox.dataDir, '--json']);
    expect(status.roles).toBe(1);
    const known = new Set(jobsBefore.map((j) => j.id));
    const fresh = await eventually('a role export after the restart', async () =>
      (await jobsOf(roleConfigId)).find((j) => !known.has(j.id) && j.status !== 'RUNNING'),
    );
    expect(fresh.status).toBe('SUCCESS');
  });
  it('refuses a second sandbox on the same data directory (exit 2)', async () => {
    const again = await sandbox.cli([
      'sandbox',
      'start',
      '--detach',
      '--data-dir',
      sandbox.dataDir,
      '--port',
      '0',
      '--s3-port',
      '0',
      '--json',
    ]);
    expect(again.exitCode).toBe(2);
    expect(JSON.parse(again.stdout)).toMatchObject({ error: { code: 'SANDBOX_ALREADY_RUNNING' } });
  });

  it("status on a copy of the data directory does not report (or stop) the original's sandbox", async () => {
    const copy = join(home.home, 'copied-data-dir');
    cpSync(sandbox.dataDir, copy, { recursive: true });
    const status = await sandbox.cli(['sandbox', 'status', '--data-dir', copy, '--json']);
    expect(status.exitCode).toBe(3);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: false });
    await sandbox.cli(['sandbox', 'stop', '--data-dir', copy]); // stops nothing: nothing runs there
    const original = await sandbox.cli(['sandbox', 'status', '--data-dir', sandbox.dataDir, '--json']);
    expect(JSON.parse(original.stdout)).toMatchObject({ running: true });
  });

  it('a detached start whose profile cannot be written exits 2 and leaves no sandbox running', async () => {
    const dataDir = join(home.home, 'profile-fails');
    const badConfig = join(home.home, 'bad.yaml');
    writeFileSync(badConfig, 'default:\n  host: http://x\n   api_key: [oops\n');
    const started = await runCli(
      ['--config', badConfig, 'sandbox', 'start', '--detach', '--data-dir', dataDir, '--port', '0', '--s3-port', '0'],
      { env: { HOME: home.home }, timeoutMs: 60_000 },
    );
    expect(started.exitCode, started.stderr).toBe(2);
    const status = await sandbox.cli(['sandbox', 'status', '--data-dir', dataDir, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ running: false });
  }, 90_000);

  it('says when no sandbox runs (exit 5) and checks a trust policy before sending it (exit 2)', async () => {
    const none = join(home.home, 'no-sandbox-here');
    const jobs = await sandbox.cli(['sandbox', 'jobs', '--data-dir', none, '--json']);
    expect(jobs.exitCode).toBe(5);
    expect(JSON.parse(jobs.stdout)).toMatchObject({ error: { code: 'SANDBOX_NOT_RUNNING' } });
    const policy = writeConfig('not-a-policy.json', { Statement: [{ Effect: 'Maybe' }] });
    const put = await sandbox.cli([
      'sandbox',
      'role',
      'put',
      '--role-arn',
      ROLE_ARN,
      '--trust-policy',
      policy,
      '--data-dir',
      sandbox.dataDir,
      '--json',
    ]);
    expect(put.exitCode).toBe(2);
    expect(JSON.parse(put.stdout)).toMatchObject({ error: { code: 'POLICY_INVALID' } });
  });
});
