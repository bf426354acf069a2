/**
 * `sandbox start --detach` reports why its background child did not start: the child's own error
 * (cause, code, exit code and fix), not a guess from the log's last lines (a damaged state.json got
 * a fix about ports) nor a timeout (a second start on the same data directory).
 *
 * The child runs the `sandbox start` command of the sources (under tsx), through the base command
 * as the binary does, so these tests need no build (bin/run.js runs dist).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../../../src/lib/errors/cli-error.js';
import {
  childStartError,
  startDetached,
  startFailureLine,
  stopSandboxProcess,
} from '../../../src/lib/sandbox/process.js';
import { failure } from '../../helpers/expect-cli-error.js';

const args = ['--port', '0', '--s3-port', '0', '--aws-port', '0', '--interval-scale', '0.001'];
const dirs: string[] = [];
let binDir: string;
/** What startDetached runs as `node <binPath> sandbox start --foreground-child ...`. */
let binPath: string;
let nodeOptions: string | undefined;

beforeAll(() => {
  binDir = mkdtempSync(join(tmpdir(), 'immuta-sandbox-bin-'));
  binPath = join(binDir, 'run-source.mjs');
  const command = pathToFileURL(resolve('src/commands/sandbox/start.ts')).href;
  writeFileSync(
    binPath,
    [
      `const { default: Start } = await import(${JSON.stringify(command)});`,
      // argv: sandbox start <flags>; the base command renders errors and sets the exit code.
      `await Start.run(process.argv.slice(4), ${JSON.stringify(resolve('.'))}).catch((error) => {`,
      '  process.exitCode = error?.exitCode ?? 1;',
      '});',
      '',
    ].join('\n'),
  );
  // The child needs the tsx loader for the sources: children inherit NODE_OPTIONS.
  nodeOptions = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = `${nodeOptions ?? ''} --import tsx --no-warnings`.trim();
});
afterAll(() => {
  if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
  else process.env.NODE_OPTIONS = nodeOptions;
  rmSync(binDir, { recursive: true, force: true });
});
/**
 * Children started on `dir` that still run: a sandbox the CLI cannot see (the bug this file tests
 * for) would otherwise outlive the test. Linux only (/proc); the data directory is unique to a test.
 */
function childrenOn(dir: string): number[] {
  const pids: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return pids;
  }
  for (const name of entries) {
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.includes(binPath) && argv.includes(dir)) pids.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    await stopSandboxProcess(dir, 5_000).catch(() => undefined);
    for (const pid of childrenOn(dir)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'immuta-sandbox-detach-'));
  dirs.push(dir);
  return dir;
}

describe('sandbox start --detach: the child failed', () => {
  it("a damaged state.json is reported with the child's code, cause and fix (exit 2)", async () => {
    const dir = dataDir();
    const state = join(dir, 'state.json');
    writeFileSync(state, '{ not json');
    const error = await failure(startDetached({ dataDir: dir, binPath, args, timeoutMs: 60_000 }));
    expect(error).toMatchObject({ code: 'SANDBOX_STATE_INVALID', exitCode: 2, location: { file: state } });
    expect(error.message).toBe('the sandbox state file is damaged: it is not JSON');
    expect(error.fix).toContain('Move the data directory away');
    expect(error.fix).toContain(`repair ${state}`);
    expect(error.fix).not.toContain('--port');
  }, 90_000);

  it('of two detached starts at once on one data directory, one runs and the other is SANDBOX_ALREADY_RUNNING (exit 2)', async () => {
    const dir = dataDir();
    const results = await Promise.allSettled([
      startDetached({ dataDir: dir, binPath, args, timeoutMs: 60_000 }),
      startDetached({ dataDir: dir, binPath, args, timeoutMs: 60_000 }),
    ]);
    const started = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const error = refused[0]!.reason as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ code: 'SANDBOX_ALREADY_RUNNING', exitCode: 2 });
    expect(error.message).toMatch(/^a sandbox is already running on this data directory \(pid \d+/);
    expect(error.fix).toContain('immuta sandbox stop --data-dir');
    // The one that runs is the one the CLI sees and stops.
    const stopped = await stopSandboxProcess(dir);
    expect(stopped).toMatchObject({ wasRunning: true, forced: false });
    expect(readFileSync(join(dir, 'sandbox.log'), 'utf8')).toContain('sandbox stopped');
  }, 120_000);
});

describe('childStartError', () => {
  const log = '/d/sandbox.log';
  const line = (pid: number) =>
    startFailureLine(
      new CliError('the sandbox cannot listen on port 4466 (already in use)', {
        code: 'SANDBOX_PORT_IN_USE',
        fix: 'Pick other ports.',
      }),
      pid,
    );

  it("finds this child's line among other children's and log lines", () => {
    const text = `2025-01-01T00:00:00.000Z starting\n${line(11)}${line(22)}Error: whatever\n`;
    const error = childStartError(text, 22, log);
    expect(error).toMatchObject({ code: 'SANDBOX_PORT_IN_USE', exitCode: 2, fix: 'Pick other ports.' });
    expect(error?.location).toEqual({ file: log });
    expect(childStartError(text, 33, log)).toBeUndefined();
  });

  it('a bug in the child stays SANDBOX_START_FAILED (exit 1); an unknown code or broken line is ignored', () => {
    const bug = startFailureLine(new CliError('unexpected failure: boom', { code: 'INTERNAL' }), 5);
    expect(childStartError(bug, 5, log)).toMatchObject({
      code: 'SANDBOX_START_FAILED',
      exitCode: 1,
      message: 'the sandbox did not start: unexpected failure: boom',
    });
    expect(childStartError('sandbox start failed (pid 5): {"code":"NOPE","message":"x"}\n', 5, log)).toBeUndefined();
    expect(childStartError('sandbox start failed (pid 5): {broken\n', 5, log)).toBeUndefined();
  });
});
