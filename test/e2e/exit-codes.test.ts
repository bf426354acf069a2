import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTenant, sampleConfiguration } from '../helpers/fake-tenant.js';
import { BIN, ROOT, runCli, tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';
import { writeFixture } from '../lib/logs/fixture.js';

/**
 * The documented exit codes (README "Exit codes"), each produced by the real binary, in human mode
 * and with --json (oclif reads different properties in the two modes: oclif/core#1423).
 * Exit 1 (a bug) has no user-reachable trigger by design; test/lib/errors/normalize.test.ts covers it.
 * Human mode runs the real binary end to end; --json mode runs the same commands through the
 * in-process harness (same parsing, rendering and exit-code path), and one --json error and Ctrl-C
 * run the binary too.
 */
const API_KEY = 'exit-code-test-key-0001';
let tenant: FakeTenant;
const home = tempHome();
const env = () => ({ HOME: home.home, IMMUTA_HOST: tenant.url, IMMUTA_API_KEY: API_KEY });

beforeAll(async () => {
  tenant = await FakeTenant.start({ apiKey: API_KEY });
});
afterAll(async () => {
  await tenant.stop();
  home.cleanup();
});

const modes: Array<{ name: string; flags: string[]; runner: typeof runCli }> = [
  { name: 'human, real binary', flags: [], runner: runCli },
  { name: '--json, in-process', flags: ['--json'], runner: runCommand },
];

describe.each(modes)('exit codes ($name)', ({ flags, runner }) => {
  const run = (args: string[], extraEnv: Record<string, string | undefined> = {}) =>
    runner([...args, ...flags], { env: { ...env(), ...extraEnv } });

  it('0: done, connection SUCCESS', async () => {
    tenant.reply('getAllExportConfigurations', { data: [sampleConfiguration({ id: 'cfg-ok' })] });
    const result = await run(['audit', 'exportConfig', 'test', 'cfg-ok']);
    expect(result.exitCode, result.stderr).toBe(0);
  });

  it('2: usage error (unknown flag), nothing sent', async () => {
    const before = tenant.requests.length;
    const result = await run(['audit', 'exportConfig', 'list', '--no-such-flag']);
    expect(result.exitCode).toBe(2);
    expect(tenant.requests.length).toBe(before);
  });

  it.each([
    [['audit', 'exportConfig', 'lst'], 'did you mean "list"?'],
    [['audit', 'exportConfig', 'create:s3:accesskey', 'f.json'], 'did you mean "create:s3:accessKey"?'],
    [['audit', 'exportConfig', 'creat', 's3', 'accessKey', 'f.json'], 'did you mean "create s3 accessKey"?'],
    [['audti', 'exportConfig', 'list'], 'did you mean "audit exportConfig list"?'],
    [['audit', 'exportConfig', 'create:s3:assumedRole', 'f.json', '--dryrun'], 'did you mean --dry-run?'],
  ])('2: a typo in %j names the nearest, nothing sent', async (args, suggestion) => {
    const before = tenant.requests.length;
    const result = await run(args);
    expect(result.exitCode).toBe(2);
    const message =
      flags.length > 0 ? (JSON.parse(result.stdout) as { error: { message: string } }).error.message : result.stderr;
    expect(message).toContain(suggestion);
    expect(tenant.requests.length).toBe(before);
  });

  it('0: -h is --help, on a topic and on a command', async () => {
    for (const args of [
      ['audit', '-h'],
      ['audit', 'exportConfig', 'list', '-h'],
    ]) {
      const result = await runCli(args, { env: env() });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toContain('USAGE');
    }
  });

  it('2: invalid config file, nothing sent', async () => {
    const file = join(home.home, 'bad.json');
    writeFileSync(file, '{"interval": "EVERY_12_HOUR", "bucket": "b"}');
    const before = tenant.requests.length;
    const result = await run(['audit', 'exportConfig', 'create:s3:accessKey', file]);
    expect(result.exitCode).toBe(2);
    expect(tenant.requests.length).toBe(before);
  });

  it('2: the config path is a directory (not a crash)', async () => {
    const result = await run(['audit', 'exportConfig', 'list', '--config', home.home], {
      IMMUTA_HOST: undefined,
      IMMUTA_API_KEY: undefined,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stdout + result.stderr).toContain('is a directory');
  });

  it.each([
    [['audit', 'logs', 'sync', '/dev/null', '--store', 'STORE'], 'LOGS_SOURCE_UNREADABLE'],
    [['audit', 'logs', 'report', '--store', 'STORE', '--out', '/dev/null'], 'FILE_UNWRITABLE'],
  ])('2: a device where a file is read or written is refused (%j), not read nor replaced', async (args, code) => {
    const store = join(home.home, 'no-store');
    const result = await run(args.map((arg) => (arg === 'STORE' ? store : arg)));
    expect(result.exitCode).toBe(2);
    expect(result.stdout + result.stderr).toMatch(flags.length > 0 ? code : /\/dev\/null: (it is )?a device/);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('3: done, but the connection is not SUCCESS', async () => {
    tenant.reply('getAllExportConfigurations', {
      data: [
        sampleConfiguration({
          id: 'cfg-bad',
          connectionStatus: 'Error testing access to S3 using AccessKey AKIA… - Access Denied',
        }),
      ],
    });
    const result = await run(['audit', 'exportConfig', 'test', 'cfg-bad']);
    expect(result.exitCode).toBe(3);
  });

  it('4: the tenant refuses the API key (401)', async () => {
    const result = await run(['audit', 'exportConfig', 'list'], { IMMUTA_API_KEY: 'wrong-key-000000000' });
    expect(result.exitCode).toBe(4);
  });

  it('4: the user lacks the AUDIT permission (403)', async () => {
    tenant.reply('getAllExportConfigurations', { status: 403, errors: ['forbidden'] });
    const result = await run(['audit', 'exportConfig', 'list']);
    expect(result.exitCode).toBe(4);
  });

  it('5: the tenant fails (500 on every retry)', async () => {
    tenant.reply('getAllExportConfigurations', { status: 500 }, { status: 500 }, { status: 500 });
    const result = await run(['audit', 'exportConfig', 'list'], { IMMUTA_RETRY_BASE_MS: '1' });
    expect(result.exitCode).toBe(5);
  });

  it('5: nothing listens at the tenant URL', async () => {
    const result = await run(['audit', 'exportConfig', 'list'], {
      IMMUTA_HOST: 'http://127.0.0.1:9',
      IMMUTA_RETRY_BASE_MS: '1',
    });
    expect(result.exitCode).toBe(5);
  });
});

it('the --json error document carries the same exit code', async () => {
  const result = await runCli(['audit', 'exportConfig', 'list', '--json'], {
    env: { ...env(), IMMUTA_API_KEY: 'wrong-key-000000000' },
  });
  expect(result.exitCode).toBe(4);
  expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'TENANT_UNAUTHORIZED', exitCode: 4 } });
});

it.skipIf(!existsSync('/dev/full'))(
  '--json with stdout on a full disk: the error also on stderr, with its own exit code (it was lost without a word)',
  async () => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', IMMUTA_SANDBOX_DIR: join(home.home, 'none') };
    delete childEnv.NODE_EXTRA_CA_CERTS;
    const full = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [BIN, 'audit', 'logs', 'sync', 'sandbox', '--json'], {
        cwd: ROOT,
        env: childEnv,
        stdio: ['ignore', full, 'pipe'],
      });
      let stderr = '';
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code).toBe(5);
      expect(stderr).toContain('Error: no sandbox is running on');
    } finally {
      closeSync(full);
    }
  },
);

it('130: interrupted (Ctrl-C while waiting for a connection)', async () => {
  tenant.replyAlways('getAllExportConfigurations', {
    data: [sampleConfiguration({ id: 'cfg-wait', connectionStatus: 'pending' })],
  });
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env(), NO_COLOR: '1' };
  delete childEnv.NODE_EXTRA_CA_CERTS;
  const child = spawn(
    process.execPath,
    [BIN, 'audit', 'exportConfig', 'test', 'cfg-wait', '--wait', '--timeout', '5m', '--interval', '1s'],
    {
      cwd: ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  // Interrupt once the command has really started waiting (it reports each status change).
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (stderr.includes('pending')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
  });
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).toBe(130);
});

it('130 with --json while an answer streams: stdout stops where it was, with no error document after part of one', async () => {
  const store = join(home.home, 'streamed-store');
  writeFixture(join(home.home, 'streamed-source'));
  const synced = await runCli(['audit', 'logs', 'sync', join(home.home, 'streamed-source'), '--store', store], {
    env: env(),
  });
  expect(synced.exitCode, synced.stderr).toBe(0);
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env(), NO_COLOR: '1' };
  delete childEnv.NODE_EXTRA_CA_CERTS;
  const sql = 'SELECT i FROM range(100000000) t(i)';
  const child = spawn(
    process.execPath,
    [BIN, 'audit', 'logs', 'sql', sql, '--store', store, '--limit', '100000000', '--json'],
    { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const streaming = new Promise<void>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      if (stdout.length > 100_000) resolve();
    });
  });
  await streaming;
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(code).toBe(130);
  expect(stdout.startsWith('[\n')).toBe(true);
  expect(stdout).not.toContain('INTERRUPTED');
  expect(stderr).toContain('Interrupted.');
});

it.each(['SIGINT', 'SIGTERM'] as const)(
  'a foreground sandbox that wrote its profile stops cleanly on %s (exit 0), not half way by the file lock library',
  async (signal) => {
    const dataDir = join(home.home, `fg-sandbox-${signal}`);
    const childEnv: NodeJS.ProcessEnv = { ...process.env, HOME: home.home, NO_COLOR: '1' };
    delete childEnv.NODE_EXTRA_CA_CERTS;
    const child = spawn(
      process.execPath,
      [BIN, 'sandbox', 'start', '--data-dir', dataDir, '--port', '0', '--s3-port', '0', '--aws-port', '0'],
      { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const ready = new Promise<void>((resolve) => {
      const read = (d: Buffer) => {
        output += d.toString();
        if (output.includes('Offline:')) resolve();
      };
      child.stdout.on('data', read);
      child.stderr.on('data', read);
    });
    await ready;
    child.kill(signal);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).toBe(0);
    expect(output).toContain('sandbox stopped');
    const status = await runCli(['sandbox', 'status', '--data-dir', dataDir], { env: { HOME: home.home } });
    expect(status.exitCode).toBe(3);
  },
);
