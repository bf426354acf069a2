/**
 * The in-process harness itself: it goes through the binary's argv normalisation, parsing, error
 * rendering and exit codes; it gives a command a terminal (prompts with scripted answers) or not,
 * stdin and an environment, and leaves the test process as it found it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTenant, sampleConfiguration } from '../../helpers/fake-tenant.js';
import { tempHome } from '../../helpers/run-cli.js';
import { runCommand } from '../../helpers/run-command.js';

const KEY = 'harness-test-key-0123456789';
let tenant: FakeTenant;
const home = tempHome();
const env = () => ({ HOME: home.home, IMMUTA_HOST: tenant.url, IMMUTA_API_KEY: KEY });

beforeAll(async () => {
  tenant = await FakeTenant.start({ apiKey: KEY });
});
afterAll(async () => {
  await tenant.stop();
  home.cleanup();
});

describe('runCommand', () => {
  it('normalises argv like the binary: spaced, colon and leading global flags run the same command', async () => {
    tenant.replyAlways('getAllExportConfigurations', { data: [sampleConfiguration({ id: 'cfg-1' })] });
    const forms = [
      ['audit', 'exportConfig', 'list', '--json'],
      ['audit:exportConfig:list', '--json'],
      ['--json', 'audit', 'exportConfig', 'list'],
    ];
    for (const argv of forms) {
      const result = await runCommand(argv, { env: env() });
      expect(result.exitCode, argv.join(' ')).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([expect.objectContaining({ id: 'cfg-1' })]);
    }
  });

  it('parse errors: exit 2 with the JSON error envelope, nothing on stderr', async () => {
    const result = await runCommand(['audit', 'exportConfig', 'get', '--json'], { env: env() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({
      error: { code: 'USAGE', exitCode: 2, fix: 'Run `immuta audit exportConfig get --help` for usage.' },
    });
  });

  it('unknown commands and flags: checked before routing, as the binary does (exit 2, the nearest named)', async () => {
    const flag = await runCommand(['audit', 'exportConfig', 'list', '--no-such-flag', '--json'], { env: env() });
    expect(flag.exitCode).toBe(2);
    expect(JSON.parse(flag.stdout)).toMatchObject({ error: { code: 'UNKNOWN_FLAG', exitCode: 2 } });
    const command = await runCommand(['audit', 'exportConfig', 'lst'], { env: env() });
    expect(command.exitCode).toBe(2);
    expect(command.stderr).toContain('list');
  });

  it('human errors go to stderr, rendered once', async () => {
    const result = await runCommand(['audit', 'exportConfig', 'get', 'nope'], { env: env() });
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.match(/Error:/g)).toHaveLength(1);
  });

  it('a terminal: delete asks, and the scripted answer decides', async () => {
    tenant.replyAlways('getAllExportConfigurations', { data: [sampleConfiguration({ id: 'cfg-1' })] });
    const no = await runCommand(['audit', 'exportConfig', 'delete', 'cfg-1'], {
      env: env(),
      tty: true,
      answers: [false],
    });
    expect(no.asked).toEqual([expect.stringContaining('Delete export configuration cfg-1')]);
    expect(no.exitCode).toBe(2);
    expect(no.stderr).toContain('nothing was deleted');
    tenant.reply('deleteExportConfiguration', { data: { id: 'cfg-1' } });
    const yes = await runCommand(['audit', 'exportConfig', 'delete', 'cfg-1'], {
      env: env(),
      tty: true,
      answers: [true],
    });
    expect(yes.exitCode, yes.stderr).toBe(0);
    expect(yes.stdout).toContain('Deleted export configuration cfg-1.');
  });

  it('no terminal: delete refuses without --yes and sends nothing', async () => {
    const before = tenant.requests.length;
    const result = await runCommand(['audit', 'exportConfig', 'delete', 'cfg-1'], { env: env() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--yes');
    expect(tenant.requests.length).toBe(before);
  });

  it('stdin reaches the command (configure --api-key-stdin)', async () => {
    tenant.replyAlways('getAllExportConfigurations', { data: [] });
    const result = await runCommand(['configure', '--host', tenant.url, '--api-key-stdin', '-p', 'h'], {
      env: { HOME: home.home },
      stdin: `${KEY}\n`,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('Saved profile "h"');
    expect(result.stdout + result.stderr).not.toContain(KEY);
  });

  it('restores the environment, working directory and exit code of the test process', async () => {
    const envBefore = { ...process.env };
    const cwdBefore = process.cwd();
    await runCommand(['audit', 'exportConfig', 'list'], { env: { ...env(), IMMUTA_HOST: 'http://127.0.0.1:9' } });
    expect(process.env).toEqual(envBefore);
    expect(process.cwd()).toBe(cwdBefore);
    expect(process.exitCode).toBeUndefined();
  });

  it('refuses what only the binary does (help of a topic): use runCli for that', async () => {
    await expect(runCommand(['audit'])).rejects.toThrow(/names no command/);
  });
});
