import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTenant, sampleConfiguration, sampleTask } from '../helpers/fake-tenant.js';
import { type CliResult, runCli, tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';

/**
 * Secrets (secretAccessKey, sasToken, the API key) never reach stdout, stderr, --json, dry-run
 * output, DEBUG logs or errors, and no file but the profile store (mode 0600) holds one.
 * Every command runs in every mode against a fake tenant that, on purpose, echoes the secrets back
 * in its answers and errors (as a careless server might).
 */
const API_KEY = 'apikey-CANARY-5f3a9c0e7d21b4';
const SECRET_ACCESS_KEY = 'CanarySecretKey/0123456789abcdefghijKLMN'; // 40 characters, valid
const SAS_SIG = 'CANARYsig0123456789abcdefXYZ';
const SAS_TOKEN = `sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2099-12-31T23:59:59Z&spr=https&sig=${SAS_SIG}`;
const CANARIES = [API_KEY, SECRET_ACCESS_KEY, SAS_SIG, encodeURIComponent(SECRET_ACCESS_KEY)];

let tenant: FakeTenant;
const home = tempHome();
const file = (name: string, content: unknown) => {
  const path = join(home.home, name);
  writeFileSync(path, JSON.stringify(content, null, 2));
  return path;
};

const s3 = {
  interval: 'EVERY_12_HOURS',
  bucket: 'audit-bucket',
  path: 'immuta',
  region: 'us-east-1',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: SECRET_ACCESS_KEY,
};
const adls = {
  interval: 'EVERY_12_HOURS',
  storageAccount: 'auditaccount',
  fileSystem: 'audit-output',
  sasToken: SAS_TOKEN,
};
const echoed = `invalid input: secretAccessKey=${SECRET_ACCESS_KEY} sasToken=${SAS_TOKEN} key=${API_KEY}`;

let s3File: string;
let adlsFile: string;
let s3FromEnvFile: string;
let badFile: string;

beforeAll(async () => {
  tenant = await FakeTenant.start();
  // A careless tenant: echoes every secret in its configuration answers and in its errors.
  const leaky = sampleConfiguration({
    id: 'cfg-1',
    connectionStatus: `Error testing access to S3 using AccessKey AKIAIOSFODNN7EXAMPLE - ${echoed}`,
  });
  for (const op of ['getAllExportConfigurations']) tenant.replyAlways(op, { data: [leaky] });
  for (const op of [
    'createS3AccessKeyExportConfiguration',
    'createAdlsSasTokenEndpointConfiguration',
    'updateS3AccessKeyExportConfiguration',
    'enableExportConfiguration',
    'disableExportConfiguration',
  ]) {
    tenant.replyAlways(op, { data: { ...leaky, secretAccessKey: SECRET_ACCESS_KEY, sasToken: SAS_TOKEN } });
  }
  tenant.replyAlways('deleteExportConfiguration', { data: { id: 'cfg-1' } });
  tenant.replyAlways('getAllExportJobTasks', { data: [sampleTask({ status: 'FAILURE', failureReason: echoed })] });
  s3File = file('s3.json', s3);
  adlsFile = file('adls.json', adls);
  s3FromEnvFile = file('s3-env.json', { ...s3, secretAccessKey: { fromEnv: 'CANARY_SECRET' } });
  badFile = file('bad.json', { ...s3, interval: 'EVERY_12_HOUR', region: SECRET_ACCESS_KEY });
});
afterAll(async () => {
  await tenant.stop();
  home.cleanup();
});

const commands: Array<{ name: string; args: () => string[]; input?: string; usageError?: boolean }> = [
  { name: 'list', args: () => ['audit', 'exportConfig', 'list'] },
  { name: 'get', args: () => ['audit', 'exportConfig', 'get', 'cfg-1'] },
  { name: 'test', args: () => ['audit', 'exportConfig', 'test', 'cfg-1'] },
  { name: 'enable', args: () => ['audit', 'exportConfig', 'enable', 'cfg-1'] },
  { name: 'disable', args: () => ['audit', 'exportConfig', 'disable', 'cfg-1'] },
  { name: 'delete', args: () => ['audit', 'exportConfig', 'delete', 'cfg-1', '--yes'] },
  { name: 'tasks', args: () => ['audit', 'exportConfig', 'tasks', 'job-1'] },
  { name: 'create:s3:accessKey', args: () => ['audit', 'exportConfig', 'create:s3:accessKey', s3File] },
  {
    name: 'create:s3:accessKey from stdin',
    args: () => ['audit', 'exportConfig', 'create:s3:accessKey', '-'],
    input: JSON.stringify(s3),
  },
  { name: 'create:s3:accessKey fromEnv', args: () => ['audit', 'exportConfig', 'create:s3:accessKey', s3FromEnvFile] },
  {
    name: 'create:s3:accessKey --dry-run',
    args: () => ['audit', 'exportConfig', 'create:s3:accessKey', s3File, '--dry-run'],
  },
  {
    name: 'create:s3:accessKey invalid file',
    args: () => ['audit', 'exportConfig', 'create:s3:accessKey', badFile],
    usageError: true,
  },
  { name: 'create:adls:sasToken', args: () => ['audit', 'exportConfig', 'create:adls:sasToken', adlsFile] },
  {
    name: 'create:adls:sasToken --dry-run',
    args: () => ['audit', 'exportConfig', 'create:adls:sasToken', adlsFile, '--dry-run'],
  },
  { name: 'update:s3:accessKey', args: () => ['audit', 'exportConfig', 'update:s3:accessKey', 'cfg-1', s3File] },
  { name: 'configure --show', args: () => ['configure', '--show'] },
  {
    name: 'configure (key on stdin)',
    args: () => ['configure', '-p', 'scan', '--host', tenant.url, '--api-key-stdin'],
    input: `${API_KEY}\n`,
  },
  { name: 'doctor (no AWS)', args: () => ['audit', 'exportConfig', 'doctor', s3File] },
  { name: 'athena-ddl --config-id', args: () => ['audit', 'logs', 'athena-ddl', '--config-id', 'cfg-1'] },
];

const modes: Array<{ name: string; flags: string[]; env: Record<string, string> }> = [
  { name: 'human', flags: [], env: {} },
  { name: '--json', flags: ['--json'], env: {} },
  { name: 'DEBUG=*', flags: [], env: { DEBUG: '*' } },
  { name: 'IMMUTA_CONTENT_TYPE=json + DEBUG', flags: [], env: { IMMUTA_CONTENT_TYPE: 'json', DEBUG: 'immuta*' } },
];

function leaks(result: CliResult): string[] {
  const text = `${result.stdout}\n${result.stderr}`;
  return CANARIES.filter((canary) => text.includes(canary));
}

function scanEnv(mode: (typeof modes)[number]): Record<string, string> {
  return {
    HOME: home.home,
    IMMUTA_HOST: tenant.url,
    IMMUTA_API_KEY: API_KEY,
    CANARY_SECRET: SECRET_ACCESS_KEY,
    IMMUTA_RETRY_BASE_MS: '1',
    // The doctor must fail fast and offline: no AWS credentials, endpoints on a closed port.
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...mode.env,
  };
}

function expectNoLeak(result: CliResult, command: (typeof commands)[number]): void {
  // The command really ran: a usage or validation error (exit 2) or a crash (exit 1) would prove
  // nothing about redaction of what it sends and receives.
  expect(result.exitCode, result.stderr).not.toBe(1);
  expect(result.exitCode === 2, result.stderr).toBe(Boolean(command.usageError));
  expect(leaks(result), `${result.stdout}\n${result.stderr}`).toEqual([]);
}

// Every command in every mode, in-process: the harness also captures what anything writes to the
// process's own streams (DEBUG logs, libraries), as the binary's stdout and stderr would show it.
describe.each(modes)('no secret in any output: $name', (mode) => {
  it.each(commands)('$name', async (command) => {
    const result = await runCommand([...command.args(), ...mode.flags], { input: command.input, env: scanEnv(mode) });
    expectNoLeak(result, command);
  });
});

/** The first case of each command id (its variants differ in input, which the in-process scan covers). */
const commandOf = (name: string) => name.split(' ')[0];
const oneCasePerCommand = commands.filter(
  (command, i) => commands.findIndex((c) => commandOf(c.name) === commandOf(command.name)) === i,
);

// The real binary, every command once, the modes taken in turn: what only a real process shows
// (its stream redaction, start-up, a DEBUG logger's first write) is covered for each command.
describe('no secret in any output of the real binary (a sample)', () => {
  it.each(oneCasePerCommand.map((command, i) => ({ ...command, mode: modes[i % modes.length]! })))(
    '$name ($mode.name)',
    async (command) => {
      const result = await runCli([...command.args(), ...command.mode.flags], {
        input: command.input,
        env: scanEnv(command.mode),
      });
      expectNoLeak(result, command);
    },
  );
});

it('the API key is sent on the wire (the scan above is not vacuous)', () => {
  expect(tenant.requests.some((r) => r.headers.authorization === API_KEY)).toBe(true);
  expect(tenant.requests.some((r) => JSON.stringify(r.variables ?? {}).includes(SECRET_ACCESS_KEY))).toBe(true);
});

it('no file but the profile store holds a secret, and the profile store is 0600', () => {
  const holders: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (CANARIES.some((c) => readFileSync(path, 'utf8').includes(c))) holders.push(path);
    }
  };
  walk(home.home);
  const inputs = [s3File, adlsFile, badFile]; // the user's own config files
  const profileStore = join(home.home, '.immutacfg.yaml');
  expect(holders.filter((path) => !inputs.includes(path))).toEqual([profileStore]);
  expect(statSync(profileStore).mode & 0o777).toBe(0o600);
});
