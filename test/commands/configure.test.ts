/**
 * `immuta configure` and the settings precedence in-process through the command harness (test/helpers/run-command.ts): the profile file it
 * writes (mode 0600, other content kept), verification against the fake tenant, the refusals of
 * a non-interactive session, --show, and flags > environment > profile for a real command.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FakeTenant, sampleConfiguration } from '../helpers/fake-tenant.js';
import { type CliResult, tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';

const KEY = 'configure-test-key-0123456789abcd';
const WRONG = 'wrong-key-0123456789abcdef';
const PROFILE_KEY = 'profile-key-0123456789abcdef';

let tenant: FakeTenant;
let deadUrl: string;
let home: { home: string; cleanup: () => void };
let cfg: string;

beforeAll(async () => {
  tenant = await FakeTenant.start({ apiKey: KEY });
  const dead = await FakeTenant.start();
  deadUrl = dead.url;
  await dead.stop();
});
afterAll(async () => {
  await tenant?.stop();
});
beforeEach(() => {
  tenant.reset();
  tenant.replyAlways('getAllExportConfigurations', { data: [sampleConfiguration()] });
  home = tempHome();
  cfg = join(home.home, '.immutacfg.yaml');
});
afterEach(() => home.cleanup());

function immuta(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<CliResult> {
  return runCommand(args, {
    env: { HOME: home.home, IMMUTA_RETRY_BASE_MS: '1', ...options.env },
    input: options.input,
  });
}

const readCfg = () => parse(readFileSync(cfg, 'utf8')) as Record<string, Record<string, string>>;
const mode = (path: string) => statSync(path).mode & 0o777;

function expectNoKey(result: CliResult, ...keys: string[]): void {
  for (const key of keys) expect(result.stdout + result.stderr).not.toContain(key);
}

describe('configure (non-interactive)', () => {
  it('--host + --api-key-stdin: verifies with the key, then writes ~/.immutacfg.yaml with mode 0600', async () => {
    const result = await immuta(['configure', '--host', tenant.url, '--api-key-stdin'], { input: `${KEY}\n` });
    expect(result.exitCode).toBe(0);
    expectNoKey(result, KEY);
    expect(result.stdout).toContain(`Saved profile "default" (${tenant.url}, key ****abcd)`);
    expect(result.stdout).toContain('1 export configuration visible');
    expect(readCfg()).toEqual({ default: { host: tenant.url, api_key: KEY } });
    expect(mode(cfg)).toBe(0o600);
    expect(tenant.requests).toHaveLength(1);
    expect(tenant.requests[0]?.headers.authorization).toBe(KEY);
  });

  it('--json: { profile, host, configFile, verified } and no key', async () => {
    const result = await immuta(['configure', '-p', 'prod', '--host', `${tenant.url}/`, '--api-key-stdin', '--json'], {
      input: KEY,
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expectNoKey(result, KEY);
    expect(JSON.parse(result.stdout)).toEqual({ profile: 'prod', host: tenant.url, configFile: cfg, verified: true });
    expect(readCfg().prod).toEqual({ host: tenant.url, api_key: KEY });
  });

  it('keeps comments, other profiles and unknown keys of an existing file', async () => {
    const original = `# written by hand, keep me
other:
  host: https://other.example # staging
  api_key: ${PROFILE_KEY}
  colour: blue
`;
    writeFileSync(cfg, original, { mode: 0o644 });
    const result = await immuta(['configure', '-p', 'prod', '--host', tenant.url, '--api-key-stdin'], { input: KEY });
    expect(result.exitCode).toBe(0);
    const text = readFileSync(cfg, 'utf8');
    expect(text.startsWith(original)).toBe(true);
    expect(readCfg()).toEqual({
      other: { host: 'https://other.example', api_key: PROFILE_KEY, colour: 'blue' },
      prod: { host: tenant.url, api_key: KEY },
    });
    expect(mode(cfg)).toBe(0o600);
  });

  it('--config FILE writes that file instead', async () => {
    const other = join(home.home, 'elsewhere', 'immuta.yaml');
    const result = await immuta(
      ['configure', '--config', other, '--host', tenant.url, '--api-key-stdin', '--no-verify'],
      { input: KEY },
    );
    expect(result.exitCode).toBe(0);
    expect(existsSync(other)).toBe(true);
    expect(existsSync(cfg)).toBe(false);
    expect(mode(other)).toBe(0o600);
  });

  it('a rejected key: exit 4, "not saved", the file untouched', async () => {
    writeFileSync(cfg, `default:\n  host: ${tenant.url}\n  api_key: ${PROFILE_KEY}\n`);
    const before = readFileSync(cfg, 'utf8');
    const result = await immuta(['configure', '--host', tenant.url, '--api-key-stdin'], { input: WRONG });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain('not saved');
    expect(result.stderr).toContain('401');
    expectNoKey(result, WRONG, PROFILE_KEY);
    expect(readFileSync(cfg, 'utf8')).toBe(before);
  });

  it('a 403: exit 4 naming the AUDIT permission, nothing written', async () => {
    tenant.reset();
    tenant.replyAlways('getAllExportConfigurations', { status: 403, body: { errors: [{ message: 'Forbidden' }] } });
    const result = await immuta(['configure', '--host', tenant.url, '--api-key-stdin', '--json'], { input: KEY });
    expect(result.exitCode).toBe(4);
    expect(JSON.parse(result.stdout)).toMatchObject({
      error: { code: 'TENANT_FORBIDDEN', exitCode: 4, fix: expect.stringContaining('AUDIT') as unknown },
    });
    expect(existsSync(cfg)).toBe(false);
  });

  it('an unreachable tenant: exit 5, nothing written, --no-verify offered; --no-verify then saves without a request', async () => {
    const failed = await immuta(['configure', '--host', deadUrl, '--api-key-stdin'], { input: KEY });
    expect(failed.exitCode).toBe(5);
    expect(failed.stderr).toContain('--no-verify');
    expect(existsSync(cfg)).toBe(false);

    const saved = await immuta(['configure', '--host', deadUrl, '--api-key-stdin', '--no-verify', '--json'], {
      input: KEY,
    });
    expect(saved.exitCode).toBe(0);
    expect(JSON.parse(saved.stdout)).toMatchObject({ verified: false, host: deadUrl });
    expect(readCfg().default?.api_key).toBe(KEY);
  });

  it('--no-verify sends nothing', async () => {
    const result = await immuta(['configure', '--host', tenant.url, '--api-key-stdin', '--no-verify'], { input: KEY });
    expect(result.exitCode).toBe(0);
    expect(tenant.requests).toHaveLength(0);
  });

  it('no host and none in the profile: exit 2 naming --host, nothing sent or written', async () => {
    const result = await immuta(['configure', '--api-key-stdin'], { input: KEY });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--host');
    expect(tenant.requests).toHaveLength(0);
    expect(existsSync(cfg)).toBe(false);
  });

  it('no key and none in the profile: exit 2 naming --api-key-stdin', async () => {
    const result = await immuta(['configure', '--host', tenant.url, '--json']);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({
      error: { code: 'API_KEY_MISSING', exitCode: 2, fix: expect.stringContaining('--api-key-stdin') as unknown },
    });
    expect(tenant.requests).toHaveLength(0);
  });

  it('--api-key-stdin with empty input: exit 2', async () => {
    const result = await immuta(['configure', '--host', tenant.url, '--api-key-stdin'], { input: '\n' });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('standard input was empty');
  });

  it('refuses the key as a flag value, without echoing it (both --api-key VALUE and --api-key=VALUE)', async () => {
    for (const args of [['--api-key', WRONG], [`--api-key=${WRONG}`]]) {
      const result = await immuta(['configure', '--host', tenant.url, ...args]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('not accepted as a flag value');
      expectNoKey(result, WRONG);
    }
    expect(tenant.requests).toHaveLength(0);
    expect(existsSync(cfg)).toBe(false);
  });

  it('rotates the key of a profile, keeping its host', async () => {
    writeFileSync(cfg, `default:\n  host: ${tenant.url}\n  api_key: ${PROFILE_KEY}\n`);
    const result = await immuta(['configure', '--api-key-stdin'], { input: KEY });
    expect(result.exitCode).toBe(0);
    expect(readCfg()).toEqual({ default: { host: tenant.url, api_key: KEY } });
  });

  it('rejects an invalid host with exit 2', async () => {
    const result = await immuta(['configure', '--host', 'ftp://x.example', '--api-key-stdin'], { input: KEY });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('http(s) URL');
  });

  it('notes when IMMUTA_API_KEY will override the saved key', async () => {
    const result = await immuta(['configure', '--host', tenant.url, '--api-key-stdin'], {
      input: KEY,
      env: { IMMUTA_API_KEY: 'env-key-0123456789abcdef' },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('IMMUTA_API_KEY is set');
  });

  it('an invalid YAML config file: exit 2 with file:line:column', async () => {
    writeFileSync(cfg, 'default:\n  host: https://x.example\n  api_key: [oops\n');
    const result = await immuta(['configure', '--host', tenant.url, '--api-key-stdin'], { input: KEY });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`${cfg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+`));
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)/);
  });
});

describe('configure --show', () => {
  beforeEach(() => {
    writeFileSync(cfg, `default:\n  host: https://profile.example\n  api_key: ${PROFILE_KEY}\n`);
  });

  it('shows each setting with its source, the key masked to its last 4 characters', async () => {
    const result = await immuta(['configure', '--show']);
    expect(result.exitCode).toBe(0);
    expectNoKey(result, PROFILE_KEY);
    expect(result.stdout).toMatch(
      /host\s+https:\/\/profile\.example\s+\(from profile "default" in .+\.immutacfg\.yaml\)/,
    );
    expect(result.stdout).toMatch(/api key\s+\*\*\*\*cdef\s+\(from profile "default"/);
    expect(tenant.requests).toHaveLength(0);
  });

  it('--json, with the environment and --host taking precedence', async () => {
    const result = await immuta(['configure', '--show', '--json', '--host', 'https://flag.example'], {
      env: { IMMUTA_HOST: 'https://env.example', IMMUTA_API_KEY: 'env-key-0123456789wxyz' },
    });
    expect(result.exitCode).toBe(0);
    expectNoKey(result, PROFILE_KEY, 'env-key-0123456789wxyz');
    expect(JSON.parse(result.stdout)).toEqual({
      profile: 'default',
      configFile: cfg,
      host: 'https://flag.example',
      hostSource: 'flag',
      apiKeyMasked: '****wxyz',
      apiKeySource: 'env',
    });
  });

  it('an unknown profile: nothing set, exit 0', async () => {
    const result = await immuta(['configure', '--show', '-p', 'nobody', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      profile: 'nobody',
      host: null,
      hostSource: null,
      apiKeyMasked: null,
      apiKeySource: null,
    });
  });

  it('cannot be combined with --api-key-stdin', async () => {
    const result = await immuta(['configure', '--show', '--api-key-stdin'], { input: KEY });
    expect(result.exitCode).toBe(2);
  });
});

describe('settings precedence for a real command: --host > IMMUTA_HOST > profile; IMMUTA_API_KEY > profile', () => {
  it('uses the saved profile with -p', async () => {
    writeFileSync(cfg, `prod:\n  host: ${tenant.url}\n  api_key: ${KEY}\n`);
    const result = await immuta(['-p', 'prod', 'audit', 'exportConfig', 'list', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(1);
  });

  it('IMMUTA_HOST beats the profile host; IMMUTA_API_KEY beats the profile key', async () => {
    writeFileSync(cfg, `default:\n  host: ${deadUrl}\n  api_key: ${WRONG}\n`);
    const viaEnv = await immuta(['audit', 'exportConfig', 'list', '--json'], {
      env: { IMMUTA_HOST: tenant.url, IMMUTA_API_KEY: KEY },
    });
    expect(viaEnv.exitCode).toBe(0);
    const profileKey = await immuta(['audit', 'exportConfig', 'list', '--json'], { env: { IMMUTA_HOST: tenant.url } });
    expect(profileKey.exitCode).toBe(4);
  });

  it('--host beats IMMUTA_HOST', async () => {
    const result = await immuta(['audit', 'exportConfig', 'list', '--host', tenant.url, '--json'], {
      env: { IMMUTA_HOST: deadUrl, IMMUTA_API_KEY: KEY },
    });
    expect(result.exitCode).toBe(0);
  });

  it("reads the official CLI's flat layout as the default profile", async () => {
    writeFileSync(cfg, `host: ${tenant.url}\napi_key: ${KEY}\n`);
    const result = await immuta(['audit', 'exportConfig', 'list', '--json']);
    expect(result.exitCode).toBe(0);
  });

  it('nothing configured: exit 2 telling to run immuta configure', async () => {
    const result = await immuta(['audit', 'exportConfig', 'list']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('immuta configure');
  });
});
