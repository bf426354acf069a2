import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, tempHome } from '../helpers/run-cli.js';
import { type CliSandbox, startCliSandbox } from '../helpers/sandbox.js';

/**
 * `apply` through the real binary against `immuta sandbox` (real GraphQL server, real connection
 * tests on the embedded S3). The tests run in order on one sandbox, like a pipeline running apply
 * on successive pushes. "No mutation sent" is read from the sandbox's own state file: every
 * mutation bumps a configuration's revision or adds/removes one.
 */
const home = tempHome();
const dir = join(home.home, 'export-configs');
let sandbox: CliSandbox;

interface ApplyJson {
  applied: boolean;
  summary: Record<'create' | 'update' | 'unchanged' | 'delete', number>;
  actions: Array<{ action: string; id?: string; file?: string; connectionStatus?: string }>;
  connected: boolean | null;
}

beforeAll(async () => {
  sandbox = await startCliSandbox(home.home);
  mkdirSync(dir);
}, 60_000);
afterAll(async () => {
  await sandbox?.stop();
  home.cleanup();
});

function writeConfig(name: string, path: string, interval = 'EVERY_2_HOURS'): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({
      interval,
      bucket: sandbox.info.s3.bucket,
      path,
      region: sandbox.info.s3.region,
      accessKeyId: sandbox.info.s3.demoAccessKeyId,
      secretAccessKey: { fromEnv: 'EXPORT_SECRET_ACCESS_KEY' },
    }),
  );
  return file;
}

function apply(args: string[]): Promise<CliResult> {
  return runCli(['--config', sandbox.configFile, '-p', 'sandbox', 'audit', 'exportConfig', 'apply', ...args], {
    env: { HOME: home.home, EXPORT_SECRET_ACCESS_KEY: sandbox.info.s3.demoSecretAccessKey ?? '' },
    timeoutMs: 60_000,
  });
}

async function applyJson(args: string[], expectedExit = 0): Promise<ApplyJson> {
  const result = await apply([...args, '--json']);
  expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(expectedExit);
  expect(result.stdout + result.stderr).not.toContain(sandbox.info.s3.demoSecretAccessKey);
  return JSON.parse(result.stdout) as ApplyJson;
}

/** The sandbox's stored configurations: id -> revision and interval. */
function stored(): Record<string, { revision: number; interval: string }> {
  const state = JSON.parse(readFileSync(join(sandbox.dataDir, 'state.json'), 'utf8')) as {
    configurations: Array<{ id: string; revision: number; interval: string }>;
  };
  return Object.fromEntries(state.configurations.map((c) => [c.id, { revision: c.revision, interval: c.interval }]));
}

describe('immuta audit exportConfig apply (real binary, sandbox)', () => {
  it('creates one configuration per file, connected (exit 0)', async () => {
    writeConfig('a.json', 'apply-e2e/a');
    writeConfig('b.json', 'apply-e2e/b');
    const result = await applyJson([dir]);
    expect(result.summary).toEqual({ create: 2, update: 0, unchanged: 0, delete: 0 });
    expect(result.connected).toBe(true);
    expect(result.actions.map((a) => a.connectionStatus)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(Object.keys(stored())).toHaveLength(2);
  });

  it('applied again: all unchanged, no mutation sent', async () => {
    const before = stored();
    const result = await applyJson([dir]);
    expect(result).toMatchObject({ applied: false, connected: true });
    expect(result.summary).toEqual({ create: 0, update: 0, unchanged: 2, delete: 0 });
    expect(stored()).toEqual(before);
  });

  it('editing the interval of one file updates that configuration only', async () => {
    const before = stored();
    writeConfig('b.json', 'apply-e2e/b', 'EVERY_24_HOURS');
    const human = await apply([dir, '--dry-run']);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain('Plan: 0 to create, 1 to update, 1 unchanged.');
    expect(human.stdout).toContain('interval: EVERY_2_HOURS -> EVERY_24_HOURS');
    expect(stored()).toEqual(before);

    const result = await applyJson([dir]);
    expect(result.summary).toEqual({ create: 0, update: 1, unchanged: 1, delete: 0 });
    const updated = result.actions.find((a) => a.action === 'update');
    const after = stored();
    for (const [id, config] of Object.entries(before)) {
      if (id === updated?.id) expect(after[id]).toEqual({ revision: config.revision + 1, interval: 'EVERY_24_HOURS' });
      else expect(after[id]).toEqual(config);
    }
  });

  it('--prune without --yes in a script is refused (exit 2); --prune --yes deletes the one no file describes', async () => {
    rmSync(join(dir, 'b.json'));
    const before = stored();
    const refused = await apply([dir, '--prune']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('cannot ask for confirmation');
    expect(stored()).toEqual(before);

    const result = await applyJson([dir, '--prune', '--yes']);
    expect(result.summary).toEqual({ create: 0, update: 0, unchanged: 1, delete: 1 });
    const deleted = result.actions.find((a) => a.action === 'delete')?.id;
    expect(Object.keys(stored())).toEqual(Object.keys(before).filter((id) => id !== deleted));
  });

  it('two files for one destination stop the run before anything is sent (exit 2), naming both', async () => {
    const before = stored();
    const copy = writeConfig('copy.json', 'apply-e2e/a', 'EVERY_6_HOURS');
    const result = await apply([dir, '--json']);
    expect(result.exitCode).toBe(2);
    const error = (JSON.parse(result.stdout) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('APPLY_CONFLICT');
    expect(error.message).toContain(`${join(dir, 'a.json')} and ${copy} describe the same destination`);
    expect(stored()).toEqual(before);
  });
});
