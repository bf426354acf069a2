/**
 * README "Output, JSON and exit codes": with --json (or IMMUTA_CONTENT_TYPE=json) nothing is asked,
 * also when stdin and stdout are a terminal. What would have been asked is a usage error naming the
 * flag or input that answers it (exit 2), and nothing is sent.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type FakeTenant, sampleConfiguration } from '../helpers/fake-tenant.js';
import { runCommand } from '../helpers/run-command.js';
import { type TempHome, tenantAndHomeForFile } from '../helpers/tenant-and-home.js';

const KEY = 'json-asks-nothing-key-0123456789';
let tenant: FakeTenant;
let home: TempHome;

tenantAndHomeForFile(KEY, (started, made) => {
  tenant = started;
  home = made;
});
beforeEach(() => {
  tenant.reset();
  tenant.replyAlways('getAllExportConfigurations', { data: [sampleConfiguration()] });
  tenant.replyAlways('deleteExportConfiguration', { data: { id: 'cfg-1111' } });
});

const env = () => ({ HOME: home.home, IMMUTA_API_KEY: KEY });
const mutations = () => tenant.requests.filter((r) => r.operation !== 'getAllExportConfigurations');

describe.each([
  ['--json', ['--json'], {}],
  ['IMMUTA_CONTENT_TYPE=json', [], { IMMUTA_CONTENT_TYPE: 'json' }],
])('%s on a terminal asks nothing', (_name, flags, extraEnv) => {
  it('delete ID without --yes: CONFIRMATION_REQUIRED (exit 2), no prompt, nothing deleted', async () => {
    const result = await runCommand(['audit', 'exportConfig', 'delete', 'cfg-1111', '--host', tenant.url, ...flags], {
      env: { ...env(), ...extraEnv },
      tty: true,
      answers: [true],
    });
    expect(result.asked).toEqual([]);
    expect(result.exitCode).toBe(2);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('CONFIRMATION_REQUIRED');
    expect(error.message).toContain('--json asks nothing');
    expect(mutations()).toEqual([]);
  });

  it('configure without --host: HOST_MISSING (exit 2), no prompt, nothing saved', async () => {
    const result = await runCommand(['configure', ...flags], {
      env: { HOME: home.home, ...extraEnv },
      tty: true,
      answers: [tenant.url, KEY],
    });
    expect(result.asked).toEqual([]);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'HOST_MISSING', exitCode: 2 } });
  });

  it('create with {"fromStdin": true} and stdin a terminal: USAGE (exit 2), no prompt, nothing sent', async () => {
    const file = join(home.home, 'from-stdin.json');
    writeFileSync(
      file,
      JSON.stringify({
        interval: 'EVERY_12_HOURS',
        bucket: 'audit-bucket',
        region: 'us-east-1',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: { fromStdin: true },
      }),
    );
    const result = await runCommand(
      ['audit', 'exportConfig', 'create:s3:accessKey', file, '--host', tenant.url, ...flags],
      { env: { ...env(), ...extraEnv }, tty: true, answers: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'] },
    );
    expect(result.asked).toEqual([]);
    expect(result.exitCode).toBe(2);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string; fix: string } };
    expect(error.code).toBe('USAGE');
    expect(error.message).toContain('"secretAccessKey" reads standard input, which is a terminal');
    expect(error.fix).toContain('fromEnv');
    expect(tenant.requests).toEqual([]);
  });
});

describe('without --json on a terminal, the prompts stay', () => {
  it('delete ID asks, and deletes when confirmed', async () => {
    const result = await runCommand(['audit', 'exportConfig', 'delete', 'cfg-1111', '--host', tenant.url], {
      env: env(),
      tty: true,
      answers: [true],
    });
    expect(result.asked).toHaveLength(1);
    expect(result.exitCode).toBe(0);
    expect(mutations().map((r) => r.operation)).toEqual(['deleteExportConfiguration']);
  });
});
