import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningSandbox, SandboxOptions } from '../../src/lib/sandbox/runtime.js';
import { type CliResult, runCli } from './run-cli.js';

/**
 * Starting and stopping sandboxes in tests. Every sandbox a test starts must be stopped by it, in
 * afterAll/finally, also when the test fails: both helpers return a `stop` that is safe to call
 * twice and never throws.
 */

/** An in-process sandbox (embedded S3 included) on free loopback ports, in a temporary data dir. */
export async function startInProcessSandbox(
  options: Partial<SandboxOptions> = {},
): Promise<RunningSandbox & { dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'immuta-sandbox-test-'));
  const { startSandbox } = await import('../../src/lib/sandbox/runtime.js');
  const sandbox = await startSandbox({
    port: 0,
    s3Port: 0,
    intervalScale: 1,
    writeRuntimeFile: false,
    ...options,
    dataDir,
  });
  return {
    ...sandbox,
    dataDir,
    cleanup: async () => {
      await sandbox.stop().catch(() => undefined);
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** What `sandbox start --json` prints. */
export interface StartedSandbox {
  pid: number;
  tenantUrl: string;
  graphqlUrl: string;
  auditApiKey: string;
  noAuditApiKey: string;
  dataDir: string;
  configFile: string | null;
  profile: string | null;
  s3: {
    endpoint: string;
    embedded: boolean;
    bucket: string;
    region: string;
    demoAccessKeyId: string | null;
    demoSecretAccessKey: string | null;
  };
  immutaAwsAccountId: string;
  immutaPrincipal: string;
}

export interface CliSandbox {
  info: StartedSandbox;
  dataDir: string;
  configFile: string;
  /** Runs the CLI with this sandbox's HOME and config file (add `-p sandbox` yourself). */
  cli(args: readonly string[], options?: { input?: string; timeoutMs?: number }): Promise<CliResult>;
  /** `sandbox stop`, then SIGKILL if the process is still there. Never throws. */
  stop(): Promise<void>;
}

/**
 * Starts the real binary's sandbox in the background: `sandbox start --detach` on free ports, with
 * a fast export clock and its profile written to `<home>/cfg.yaml`.
 */
export async function startCliSandbox(
  home: string,
  options: { dataDir?: string; extraArgs?: string[] } = {},
): Promise<CliSandbox> {
  const dataDir = options.dataDir ?? join(home, 'sandbox-data');
  const configFile = join(home, 'cfg.yaml');
  const env = { HOME: home };
  const cli = (args: readonly string[], extra: { input?: string; timeoutMs?: number } = {}) =>
    runCli(['--config', configFile, ...args], {
      env,
      ...(extra.input === undefined ? {} : { input: extra.input }),
      timeoutMs: extra.timeoutMs ?? 60_000,
    });
  const started = await cli([
    'sandbox',
    'start',
    '--detach',
    '--data-dir',
    dataDir,
    '--port',
    '0',
    '--s3-port',
    '0',
    '--interval-scale',
    '0.0005',
    '--json',
    ...(options.extraArgs ?? []),
  ]);
  if (started.exitCode !== 0)
    throw new Error(`sandbox start failed (${started.exitCode}): ${started.stdout}\n${started.stderr}`);
  const info = JSON.parse(started.stdout) as StartedSandbox;
  let stopped = false;
  return {
    info,
    dataDir,
    configFile,
    cli,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await cli(['sandbox', 'stop', '--data-dir', dataDir]).catch(() => undefined);
      // Still there (stop failed)? Kill it, but only if the pid is still a sandbox (pids get reused).
      try {
        if (readFileSync(`/proc/${info.pid}/cmdline`, 'utf8').includes('sandbox')) process.kill(info.pid, 'SIGKILL');
      } catch {
        // Gone: the normal case.
      }
    },
  };
}

/** Plain fetch of a GraphQL document, as curl would send it. */
export async function postGraphql(
  url: string,
  authorization: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify(variables ? { query, variables } : { query }),
  });
  const body = (await response.json()) as {
    data?: Record<string, unknown>;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  return { status: response.status, body };
}
