/**
 * The sandbox commands (`sandbox jobs`, `objects`, `scenario`, `env`) and the sandbox hints of `test`, through the
 * command harness, against an in-process sandbox whose runtime file the commands find by --data-dir.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_RUNTIME_FILE } from '../../src/lib/config/sandbox-tenant.js';
import { tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';
import { startInProcessSandbox } from '../helpers/sandbox.js';

// The commands accept a runtime file only from a live process whose command line says "sandbox"
// (a pid reused by another program is not a sandbox). The sandbox runs in this test process, so the
// runtime file is pointed at a stand-in process that says so, for as long as the tests run.
let standIn: ChildProcess | undefined;

function pointRuntimeFileAtStandIn(dataDir: string): void {
  standIn = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)', 'immuta-sandbox-stand-in'], {
    stdio: 'ignore',
  });
  const file = join(dataDir, SANDBOX_RUNTIME_FILE);
  const info = JSON.parse(readFileSync(file, 'utf8')) as { pid: number };
  writeFileSync(file, JSON.stringify({ ...info, pid: standIn.pid }));
}

let sandbox: Awaited<ReturnType<typeof startInProcessSandbox>>;
let home: { home: string; cleanup: () => void };
let configId: string;

function run(args: string[]) {
  return runCommand(args, {
    env: { HOME: home.home, IMMUTA_SANDBOX_DIR: sandbox.dataDir, IMMUTA_API_KEY: sandbox.info.auditApiKey },
  });
}

beforeAll(async () => {
  home = tempHome();
  sandbox = await startInProcessSandbox({ writeRuntimeFile: true });
  pointRuntimeFileAtStandIn(sandbox.dataDir);
  const created = await run([
    'audit',
    'exportConfig',
    'create:s3:accessKey',
    'examples/sandbox-access-key.json',
    '--host',
    sandbox.info.tenantUrl,
    '--json',
  ]);
  configId = (JSON.parse(created.stdout) as { id: string }).id;
}, 30_000);

afterAll(async () => {
  standIn?.kill();
  await sandbox?.cleanup();
  home.cleanup();
});

describe('sandbox jobs CONFIG_ID', () => {
  it('an id the sandbox does not have is NOT_FOUND (exit 2) with the nearest id, not "no export jobs yet"', async () => {
    const typo = `${configId.slice(0, -1)}x`;
    const r = await run(['sandbox', 'jobs', typo, '--json']);
    expect(r.exitCode).toBe(2);
    const error = (JSON.parse(r.stdout) as { error: { code: string; message: string; fix: string } }).error;
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(configId);
    expect(error.fix).not.toMatch(/`immuta audit exportConfig list`/);
  });

  it('a configuration that exists but has run no job yet is exit 0 with the note', async () => {
    const r = await run(['sandbox', 'jobs', configId]);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`No export jobs yet for ${configId}`);
  });
});

describe('hints name the data directory the sandbox runs on', () => {
  /** As typed by a user who gave --data-dir on the command line (no IMMUTA_SANDBOX_DIR). */
  function runWithFlag(args: string[]) {
    return runCommand([...args, '--data-dir', sandbox.dataDir], {
      env: { HOME: home.home, IMMUTA_SANDBOX_DIR: undefined, SHELL: '/bin/bash' },
    });
  }

  it('sandbox scenario and sandbox env print `sandbox env --data-dir DIR` (without it the hint fails: not running)', async () => {
    const broken = await runWithFlag(['sandbox', 'scenario', 'kms-key-disabled']);
    expect(broken.exitCode).toBe(0);
    expect(broken.stderr).toContain(`eval "$(immuta sandbox env --data-dir ${sandbox.dataDir})"`);
    const env = await runWithFlag(['sandbox', 'env']);
    expect(env.exitCode).toBe(0);
    expect(env.stdout).toContain(`Run: eval "$(immuta sandbox env --data-dir ${sandbox.dataDir})"`);
    expect((await runWithFlag(['sandbox', 'scenario', 'healthy'])).exitCode).toBe(0);
  });

  it('no sandbox on the --data-dir given: the fix starts one there (`sandbox start --detach --data-dir DIR`)', async () => {
    const other = mkdtempSync(join(tmpdir(), 'immuta-no-sandbox-'));
    try {
      const r = await runCommand(['sandbox', 'objects', '--data-dir', other], {
        env: { HOME: home.home, IMMUTA_SANDBOX_DIR: undefined },
      });
      expect(r.exitCode).toBe(5);
      expect(r.stderr).toContain(`Start it with \`immuta sandbox start --detach --data-dir ${other}\`.`);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('with IMMUTA_SANDBOX_DIR set the hint needs no --data-dir', async () => {
    const r = await run(['sandbox', 'env']);
    expect(r.stdout).toContain('Run: eval "$(immuta sandbox env)"');
  });
});

describe('sandbox scenario NAME', () => {
  it('a mistyped or upper-case name suggests the nearest one (exit 2), without changing the account', async () => {
    for (const [typed, meant] of [
      ['HEALTHY', 'healthy'],
      ['kms-key-deny', 'kms-key-denied'],
    ] as const) {
      const r = await run(['sandbox', 'scenario', typed, '--json']);
      expect(r.exitCode).toBe(2);
      const error = (JSON.parse(r.stdout) as { error: { code: string; message: string; fix: string } }).error;
      expect(error.code).toBe('SANDBOX_SCENARIO_UNKNOWN');
      expect(error.message).toContain(`did you mean "${meant}"?`);
      expect(error.fix).toContain(`immuta sandbox scenario ${meant}`);
    }
  });
});

describe("hints name the sandbox's own profile", () => {
  it('sandbox jobs and scenario: `immuta -p <the profile start wrote for this data dir> ...`', async () => {
    const configFile = join(home.home, 'profiles.yaml');
    writeFileSync(
      configFile,
      `default:\n  host: https://prod.example.com\n  api_key: k\nsandbox-two:\n  host: ${sandbox.info.tenantUrl}\n  api_key: ${sandbox.info.auditApiKey}\n  sandbox_data_dir: ${sandbox.dataDir}\n`,
    );
    const r = await runCommand(['sandbox', 'jobs'], {
      env: { HOME: home.home, IMMUTA_SANDBOX_DIR: sandbox.dataDir, IMMUTA_CONFIG: configFile },
    });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain('`immuta -p sandbox-two audit exportConfig tasks JOB_ID`');
    const scenario = await runCommand(['sandbox', 'scenario', 'kms-key-disabled'], {
      env: { HOME: home.home, IMMUTA_SANDBOX_DIR: sandbox.dataDir, IMMUTA_CONFIG: configFile },
    });
    expect(scenario.stderr).toContain('`immuta -p sandbox-two audit exportConfig doctor --id ID`');
    await run(['sandbox', 'scenario', 'healthy']);
  });
});

describe('sandbox objects --prefix', () => {
  it('a prefix no key starts with says so, not "no exported objects yet"', async () => {
    const r = await run(['sandbox', 'objects', '--prefix', 'nothing-here/\u001b[2J']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toContain(`No object's key starts with "nothing-here/\\u001b[2J"`);
    expect(r.stderr).not.toContain('\u001b');
  });
});

describe('test ID against a sandbox of another data directory', () => {
  it("is recognised from the profile's sandbox_data_dir, and its `sandbox role put` hint names --data-dir", async () => {
    const configFile = join(home.home, 'profiles-two.yaml');
    writeFileSync(
      configFile,
      `sandbox-two:\n  host: ${sandbox.info.tenantUrl}\n  api_key: ${sandbox.info.auditApiKey}\n  sandbox_data_dir: ${sandbox.dataDir}\n`,
    );
    const env = { HOME: home.home, IMMUTA_SANDBOX_DIR: undefined, IMMUTA_CONFIG: configFile };
    const created = await runCommand(
      [
        '-p',
        'sandbox-two',
        'audit',
        'exportConfig',
        'create:s3:assumedRole',
        'examples/sandbox-assumed-role.json',
        '--json',
      ],
      { env },
    );
    const id = (JSON.parse(created.stdout) as { id: string }).id;
    const r = await runCommand(['-p', 'sandbox-two', 'audit', 'exportConfig', 'test', id], { env });
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(
      `\`immuta sandbox role put --role-arn arn:aws:iam::444455556666:role/immuta-audit-export --trust-policy trust-policy.json --data-dir ${sandbox.dataDir}\``,
    );
    expect(r.stderr).toContain(`\`immuta -p sandbox-two audit exportConfig test ${id} --wait\``);
  });
});
