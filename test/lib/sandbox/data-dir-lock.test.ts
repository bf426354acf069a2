/**
 * One sandbox per data directory, also when two start at once: both used to pass the sandbox.json
 * check (written only once a sandbox answers), both served and shared state.json, and the one not
 * in sandbox.json could not be seen or stopped. The claim is now an atomic lock file (sandbox.lock).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../src/lib/errors/cli-error.js';
import { lockFilePath } from '../../../src/lib/sandbox/lock.js';
import { type RunningSandbox, startSandbox } from '../../../src/lib/sandbox/runtime.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { deadPid } from '../../helpers/dead-pid.js';

const dirs: string[] = [];
const running: RunningSandbox[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.stop().catch(() => undefined);
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'immuta-sandbox-lock-'));
  dirs.push(dir);
  return dir;
}

const start = (dir: string) =>
  startSandbox({ dataDir: dir, port: 0, s3Port: 0, awsPort: 0 }).then((sandbox) => {
    running.push(sandbox);
    return sandbox;
  });

const lockOf = (dir: string) => JSON.parse(readFileSync(lockFilePath(dir), 'utf8')) as { pid: number; token: string };

describe('sandbox data directory lock', () => {
  it('of two sandboxes started at once on one data directory, exactly one runs; the other is refused', async () => {
    const dir = dataDir();
    const results = await Promise.allSettled([start(dir), start(dir)]);
    const started = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(1);
    const error = refused[0]!.reason as CliError;
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ code: 'SANDBOX_ALREADY_RUNNING', exitCode: 2, location: { file: dir } });
    expect(error.message).toContain(`pid ${process.pid}`);
    expect(error.fix).toContain('immuta sandbox stop --data-dir');
    expect(lockOf(dir).pid).toBe(process.pid);

    // Stopped, the directory is free again: the lock is gone and the next start runs.
    await running.pop()!.stop();
    expect(existsSync(lockFilePath(dir))).toBe(false);
    const again = await start(dir);
    expect(again.info.pid).toBe(process.pid);
  });

  it('a refused start changes nothing: the running sandbox keeps its lock and its sandbox.json', async () => {
    const dir = dataDir();
    const first = await start(dir);
    const lock = readFileSync(lockFilePath(dir), 'utf8');
    const runtime = readFileSync(join(dir, 'sandbox.json'), 'utf8');
    const error = await failure(start(dir));
    expect(error.code).toBe('SANDBOX_ALREADY_RUNNING');
    expect(error.message).toContain(first.info.tenantUrl);
    expect(readFileSync(lockFilePath(dir), 'utf8')).toBe(lock);
    expect(readFileSync(join(dir, 'sandbox.json'), 'utf8')).toBe(runtime);
  });

  it('the lock of a killed sandbox (dead pid) is taken over at once, also by two starts racing for it', async () => {
    const dir = dataDir();
    const dead = await deadPid();
    writeFileSync(lockFilePath(dir), `${JSON.stringify({ pid: dead, token: 'killed' })}\n`);
    const results = await Promise.allSettled([start(dir), start(dir)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect((refused?.reason as CliError).code).toBe('SANDBOX_ALREADY_RUNNING');
    expect(lockOf(dir)).toMatchObject({ pid: process.pid });
    expect(lockOf(dir).token).not.toBe('killed');
    // No takeover guard or temporary file is left behind.
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(dir).filter((name) => name.includes('lock'))).toEqual(['sandbox.lock']);
  });

  it('a lock this process holds no longer (a sandbox never stopped) and an unreadable lock are stale', async () => {
    const dir = dataDir();
    writeFileSync(lockFilePath(dir), `${JSON.stringify({ pid: process.pid, token: 'forgotten' })}\n`);
    await start(dir);
    await running.pop()!.stop();
    writeFileSync(lockFilePath(dir), 'not json');
    await start(dir);
    expect(lockOf(dir).pid).toBe(process.pid);
  });

  it('a lock held by another live sandbox process refuses the start and is left alone', async () => {
    const dir = dataDir();
    // A stand-in for a sandbox process: its command line says "sandbox", as a real one's does.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'sandbox', 'start'], {
      stdio: 'ignore',
    });
    children.push(other);
    const text = `${JSON.stringify({ pid: other.pid, token: 'other' })}\n`;
    writeFileSync(lockFilePath(dir), text);
    const error = await failure(start(dir));
    expect(error).toMatchObject({ code: 'SANDBOX_ALREADY_RUNNING', exitCode: 2 });
    expect(error.message).toBe(`a sandbox is already running on this data directory (pid ${other.pid}, starting)`);
    expect(readFileSync(lockFilePath(dir), 'utf8')).toBe(text);
    // Nothing was started or written: no state file.
    expect(existsSync(join(dir, 'state.json'))).toBe(false);
  });

  it('a start that fails (damaged state.json) releases the lock', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'state.json'), '{ not json');
    const error = await failure(start(dir));
    expect(error.code).toBe('SANDBOX_STATE_INVALID');
    expect(existsSync(lockFilePath(dir))).toBe(false);
  });
});
