/**
 * Every way of typing a command (the documented colon form, spaced,
 * full colon, mixed; global flags before the command; --flag=value) reaches the right command, with
 * every argument and flag kept. Stock oclif with topicSeparator " " drops the two tokens after
 * `create:s3:accessKey` and so ignores a flag after the file: these tests catch that.
 * Most forms run in-process (test/helpers/run-command.ts applies the binary's own argv normalisation
 * before oclif parses); leading global flags, the documented create form and --help run the binary.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeTenant, sampleConfiguration, sampleTask } from '../helpers/fake-tenant.js';
import { type CliResult, runCli, tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';

const KEY = 'argv-forms-key-0123456789';

let tenant: FakeTenant;
let home: { home: string; cleanup: () => void };
let work: string;
const env = () => ({ HOME: home.home, IMMUTA_API_KEY: KEY, IMMUTA_RETRY_BASE_MS: '1' });

beforeAll(async () => {
  tenant = await FakeTenant.start({ apiKey: KEY });
  home = tempHome();
  work = mkdtempSync(join(tmpdir(), 'immuta-argv-'));
  // A profile named `x`, so that `-p x` visibly changes which tenant is used.
  writeFileSync(join(home.home, '.immutacfg.yaml'), `x:\n  host: ${tenant.url}\n  api_key: ${KEY}\n`);
  const config = {
    interval: 'EVERY_12_HOURS',
    bucket: 'argv-forms-bucket',
    path: 'immuta-audit',
    region: 'us-east-1',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  };
  writeFileSync(join(work, 'exportConfig.json'), JSON.stringify(config, null, 2));
  copyFileSync(join(work, 'exportConfig.json'), join(work, 'a:b.json'));
});
afterAll(async () => {
  await tenant?.stop();
  home?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  tenant.reset();
  tenant.replyAlways('getAllExportConfigurations', { data: [sampleConfiguration()] });
  tenant.replyAlways('getAllExportJobTasks', { data: [sampleTask()] });
});

const json = (result: CliResult): unknown => JSON.parse(result.stdout);

describe('list: every form reaches the list command', () => {
  it.each([
    ['spaced', ['audit', 'exportConfig', 'list']],
    ['full colon', ['audit:exportConfig:list']],
    ['mixed (topic colon)', ['audit:exportConfig', 'list']],
    ['mixed (command colon)', ['audit', 'exportConfig:list']],
  ])('%s', async (_name, argv) => {
    const result = await runCommand([...argv, '--host', tenant.url, '--json'], { env: env() });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(json(result)).toEqual([sampleConfiguration()]);
    expect(tenant.requestsFor('getAllExportConfigurations')).toHaveLength(1);
  });

  it('global flags before the command: -p x --json audit exportConfig list', async () => {
    const result = await runCli(['-p', 'x', '--json', 'audit', 'exportConfig', 'list'], { env: { HOME: home.home } });
    expect(result.exitCode).toBe(0);
    expect(json(result)).toEqual([sampleConfiguration()]);
  });

  it('--flag=value forms before and after the command', async () => {
    const before = await runCommand(['--profile=x', '--json', 'audit', 'exportConfig', 'list'], {
      env: { HOME: home.home },
    });
    expect(before.exitCode).toBe(0);
    const after = await runCommand(['audit', 'exportConfig', 'list', `--host=${tenant.url}`, '--json'], { env: env() });
    expect(after.exitCode).toBe(0);
    expect(json(after)).toHaveLength(1);
  });

  it('a leading flag value is not taken for a command word: --host URL audit exportConfig list', async () => {
    const result = await runCommand(['--host', tenant.url, 'audit', 'exportConfig', 'list', '--json'], { env: env() });
    expect(result.exitCode).toBe(0);
  });
});

describe('commands with arguments keep them, and the flags after them', () => {
  it.each([
    ['spaced', ['audit', 'exportConfig', 'get', 'cfg-1111']],
    ['full colon', ['audit:exportConfig:get', 'cfg-1111']],
    ['mixed', ['audit', 'exportConfig:get', 'cfg-1111']],
  ])('get ID (%s) --json', async (_name, argv) => {
    const result = await runCommand([...argv, '--json', '--host', tenant.url], { env: env() });
    expect(result.exitCode).toBe(0);
    expect(json(result)).toMatchObject({ id: 'cfg-1111' });
  });

  it('an id that is also a command word stays the argument (get list -> NOT_FOUND for "list")', async () => {
    const result = await runCommand(['audit', 'exportConfig', 'get', 'list', '--json', '--host', tenant.url], {
      env: env(),
    });
    expect(result.exitCode).toBe(2);
    expect(json(result)).toMatchObject({ error: { code: 'NOT_FOUND', details: { id: 'list' } } });
  });

  it('tasks JOB_ID with flags before and after: -p x audit exportConfig tasks job-7 --json', async () => {
    const result = await runCommand(['-p', 'x', 'audit', 'exportConfig', 'tasks', 'job-7', '--json'], {
      env: { HOME: home.home },
    });
    expect(result.exitCode).toBe(0);
    expect(json(result)).toEqual([sampleTask()]);
    expect(tenant.requests[0]?.input).toEqual({ exportJobId: 'job-7' });
  });

  it('test ID --wait --timeout=1m --interval=20ms (flag=value after the argument)', async () => {
    tenant.reset();
    tenant.reply('getAllExportConfigurations', { data: [sampleConfiguration({ connectionStatus: 'Access Denied' })] });
    tenant.replyAlways('getAllExportConfigurations', { data: [sampleConfiguration()] });
    const result = await runCommand(
      [
        'audit:exportConfig:test',
        'cfg-1111',
        '--wait',
        '--timeout=1m',
        '--interval=20ms',
        '--json',
        '--host',
        tenant.url,
      ],
      { env: env() },
    );
    expect(result.exitCode).toBe(0);
    expect(json(result)).toMatchObject({ connected: true, attempts: 2 });
  });

  it('--help for a colon form shows that command', async () => {
    const result = await runCli(['audit', 'exportConfig', 'get', '--help'], { env: { HOME: home.home } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('$ immuta audit exportConfig get ID');
    const colon = await runCli(['audit:exportConfig:tasks', '--help'], { env: { HOME: home.home } });
    expect(colon.stdout).toContain('$ immuta audit exportConfig tasks JOB_ID');
  });
});

describe('create:s3:accessKey FILE --dry-run: every form keeps the file and the flag after it', () => {
  // Without the fix, the file and --dry-run are dropped: the command then fails for a missing argument,
  // or (with the flag lost) tries to send and fails with no tenant configured. Exit 0 + dryRun proves both kept.
  it.each([
    ['documented colon form', ['audit', 'exportConfig', 'create:s3:accessKey']],
    ['spaced form', ['audit', 'exportConfig', 'create', 's3', 'accessKey']],
    ['full colon form', ['audit:exportConfig:create:s3:accessKey']],
    ['mixed form', ['audit', 'exportConfig:create', 's3:accessKey']],
  ])('%s', async (_name, command) => {
    const result = await runCommand([...command, './exportConfig.json', '--dry-run', '--json'], {
      cwd: work,
      env: { HOME: home.home },
    });
    expect(result.exitCode).toBe(0);
    expect(json(result)).toMatchObject({
      dryRun: true,
      operation: 'createS3AccessKeyExportConfiguration',
      variables: { bucket: 'argv-forms-bucket' },
    });
    expect(result.stdout).not.toContain('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  });

  it('a file named a:b.json stays the file argument', async () => {
    const result = await runCommand(
      ['audit', 'exportConfig', 'create:s3:accessKey', 'a:b.json', '--dry-run', '--json'],
      {
        cwd: work,
        env: { HOME: home.home },
      },
    );
    expect(result.exitCode).toBe(0);
    expect(json(result)).toMatchObject({ dryRun: true, variables: { bucket: 'argv-forms-bucket' } });
  });

  it('flags before the command and before the file: --json audit exportConfig create:s3:accessKey --dry-run FILE', async () => {
    const result = await runCommand(
      ['--json', 'audit', 'exportConfig', 'create:s3:accessKey', '--dry-run', './exportConfig.json'],
      { cwd: work, env: { HOME: home.home } },
    );
    expect(result.exitCode).toBe(0);
    expect(json(result)).toMatchObject({ dryRun: true });
  });

  it('without --dry-run the documented form really creates (the mutation carries the file)', async () => {
    tenant.replyAlways('createS3AccessKeyExportConfiguration', { data: sampleConfiguration() });
    const result = await runCli(
      ['audit', 'exportConfig', 'create:s3:accessKey', './exportConfig.json', '--json', '--host', tenant.url],
      { cwd: work, env: env() },
    );
    expect(result.exitCode).toBe(0);
    const [request] = tenant.requestsFor('createS3AccessKeyExportConfiguration');
    expect(request?.input).toMatchObject({
      data: { bucket: 'argv-forms-bucket', accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
    });
  });

  it('--help for the documented colon form shows the create command with its FILE argument and --dry-run', async () => {
    const result = await runCli(['audit', 'exportConfig', 'create:s3:accessKey', '--help'], {
      env: { HOME: home.home },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('$ immuta audit exportConfig create s3 accessKey FILE');
    expect(result.stdout).toContain('--dry-run');
    expect(result.stdout).toContain('audit exportConfig create:s3:accessKey ./exportConfig.json');
  });
});
