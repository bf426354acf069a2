import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, tempHome } from '../helpers/run-cli.js';
import { type CliSandbox, startCliSandbox } from '../helpers/sandbox.js';

/**
 * Issue 12's "done when", through the real binary (the tenant does not return roleArn, so the doctor
 * and the policy command take the FILE with --id): start the sandbox, `eval "$(immuta sandbox env)"`,
 * create an assumed-role configuration (exit 3), the doctor names the missing trust, `policy trust
 * --apply` fixes it, the doctor passes, `test --wait` gets SUCCESS, exported objects appear; then a
 * broken scenario makes `create --preflight` refuse before sending.
 */
const ROLE_ARN = 'arn:aws:iam::444455556666:role/immuta-audit-export';
const home = tempHome();
let sandbox: CliSandbox;
let awsEnv: Record<string, string> = {};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cli(args: string[]): Promise<CliResult> {
  return runCli(['--config', sandbox.configFile, ...args], {
    env: { HOME: home.home, ...awsEnv, IMMUTA_DOCTOR_PROPAGATION_WAIT_MS: '0' },
    timeoutMs: 60_000,
  });
}

async function json<T>(args: string[], exit: number): Promise<T> {
  const r = await cli([...args, '--json']);
  expect(r.exitCode, `${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(exit);
  return JSON.parse(r.stdout) as T;
}

function file(name: string, content: Record<string, unknown>): string {
  const path = join(home.home, name);
  writeFileSync(path, JSON.stringify(content, null, 2));
  return path;
}

interface Report {
  exitCode: number;
  checks: Array<{ id: string; status: string; summary: string }>;
}

beforeAll(async () => {
  sandbox = await startCliSandbox(home.home);
}, 90_000);

afterAll(async () => {
  await sandbox?.stop();
  home.cleanup();
});

describe('the doctor offline, against the sandbox AWS account', () => {
  it('sandbox env prints lines bash evaluates (and fish/powershell forms)', async () => {
    const printed = await sandbox.cli(['sandbox', 'env', '--data-dir', sandbox.dataDir, '--shell', 'bash']);
    expect(printed.exitCode, printed.stderr).toBe(0);
    const evaluated = spawnSync('bash', ['-c', `${printed.stdout}\nenv`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    const vars = Object.fromEntries(
      evaluated.stdout
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
        .filter(([name]) => /^(AWS_|IMMUTA_AWS_ACCOUNT_ID$)/.test(name ?? '')),
    ) as Record<string, string>;
    expect(Object.keys(vars).sort()).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_DEFAULT_REGION',
      'AWS_ENDPOINT_URL',
      'AWS_ENDPOINT_URL_S3',
      'AWS_REGION',
      'AWS_SECRET_ACCESS_KEY',
      'IMMUTA_AWS_ACCOUNT_ID',
    ]);
    expect(vars.AWS_ENDPOINT_URL_S3).toBe(sandbox.info.s3.endpoint);
    awsEnv = vars;
    const fish = await sandbox.cli(['sandbox', 'env', '--data-dir', sandbox.dataDir, '--shell', 'fish']);
    expect(fish.stdout).toMatch(/^set -gx AWS_ENDPOINT_URL 'http:\/\/127\.0\.0\.1:\d+';$/m);
    const ps = await sandbox.cli(['sandbox', 'env', '--data-dir', sandbox.dataDir, '--shell', 'powershell']);
    expect(ps.stdout).toMatch(/^\$env:AWS_REGION = 'us-east-1'$/m);
  }, 60_000);

  it('create (exit 3) -> doctor names the trust -> policy trust --apply -> doctor passes -> test --wait -> objects', async () => {
    const config = file('role.json', {
      bucket: 'immuta-audit-sandbox',
      region: 'us-east-1',
      path: 'e2e-role',
      roleArn: ROLE_ARN,
      interval: 'EVERY_2_HOURS',
    });
    const created = await json<{ id: string; connectionStatus: string }>(
      ['-p', 'sandbox', 'audit', 'exportConfig', 'create:s3:assumedRole', config],
      3,
    );
    expect(created.connectionStatus).toContain('is not authorized to perform: sts:AssumeRole');

    const before = await json<Report>(
      ['-p', 'sandbox', 'audit', 'exportConfig', 'doctor', config, '--id', created.id],
      3,
    );
    const trust = before.checks.find((c) => c.id === 'trust-policy');
    expect(trust?.status).toBe('fail');
    expect(trust?.summary).toContain("does not name Immuta's account 111122223333");
    expect(
      before.checks
        .filter((c) => c.status === 'fail')
        .map((c) => c.id)
        .sort(),
    ).toEqual(['connection-status', 'trust-policy']);

    await json(
      ['-p', 'sandbox', 'audit', 'exportConfig', 'policy', 'trust', config, '--id', created.id, '--apply', '--yes'],
      0,
    );

    const after = await json<Report>(
      ['-p', 'sandbox', 'audit', 'exportConfig', 'doctor', config, '--id', created.id],
      0,
    );
    expect(after.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(after.checks.find((c) => c.id === 'connection-status')?.status).toBe('pass');

    const tested = await json<{ configuration: { connectionStatus: string }; connected: boolean }>(
      ['-p', 'sandbox', 'audit', 'exportConfig', 'test', created.id, '--wait'],
      0,
    );
    expect(tested.configuration.connectionStatus).toBe('SUCCESS');
    expect(tested.connected).toBe(true);

    let keys: string[] = [];
    for (let i = 0; i < 100 && keys.length === 0; i++) {
      const objects = await json<Array<{ key: string }>>(
        ['sandbox', 'objects', '--data-dir', sandbox.dataDir, '--prefix', 'e2e-role/'],
        0,
      );
      keys = objects.map((o) => o.key);
      if (keys.length === 0) await sleep(300);
    }
    expect(keys[0]).toMatch(/^e2e-role\/\d{4}\/\d{2}\/\d{2}\/.+\.ndjson$/);
  }, 180_000);

  it('a broken scenario: create --preflight refuses before sending; healthy repairs it', async () => {
    const listed = await json<Array<{ name: string; expect: string | null }>>(['sandbox', 'scenario', 'list'], 0);
    expect(listed.find((s) => s.name === 'deny-unencrypted-put')?.expect).toBe('bucket-policy');
    await json(['sandbox', 'scenario', 'deny-unencrypted-put', '--data-dir', sandbox.dataDir], 0);
    const count = async () => (await json<unknown[]>(['-p', 'sandbox', 'audit', 'exportConfig', 'list'], 0)).length;
    const configurations = await count();
    const config = file('key.json', {
      bucket: 'immuta-audit-sandbox',
      region: 'us-east-1',
      path: 'e2e-key',
      accessKeyId: 'AKIASANDBOXDEMO00001',
      secretAccessKey: { fromEnv: 'WRITER_SECRET' },
      interval: 'EVERY_2_HOURS',
    });
    const r = await runCli(
      [
        '--config',
        sandbox.configFile,
        '-p',
        'sandbox',
        'audit',
        'exportConfig',
        'create:s3:accessKey',
        config,
        '--preflight',
        '--json',
      ],
      {
        env: { HOME: home.home, ...awsEnv, WRITER_SECRET: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSANDBOXKEY' },
        timeoutMs: 60_000,
      },
    );
    expect(r.exitCode, r.stderr).toBe(3);
    const refusal = JSON.parse(r.stdout) as { sent: boolean; preflight: Report };
    expect(refusal.sent).toBe(false);
    expect(refusal.preflight.checks.find((c) => c.id === 'bucket-policy')?.status).toBe('fail');
    expect(r.stdout + r.stderr).not.toContain('wJalrXUtnFEMI/K7MDENG/bPxRfiCYSANDBOXKEY');
    expect(await count()).toBe(configurations);
    await json(['sandbox', 'scenario', 'healthy', '--data-dir', sandbox.dataDir], 0);
  }, 120_000);
});
