import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { LOG_FILE, STATUS_PATH } from './constants.js';
import {
  type RuntimeInfo,
  isProcessAlive,
  liveRuntimeInfo,
  readRuntimeInfo,
  removeRuntimeInfo,
} from './runtime-file.js';

/**
 * Running the sandbox in the background (`start --detach`) and stopping it (`stop`): the child is
 * the same CLI (`process.execPath bin/run.js sandbox start --foreground-child ...`), detached, with
 * its output appended to `<data-dir>/sandbox.log`. The parent waits until the child has written
 * sandbox.json and answers on /sandbox/status.
 */
export function logFilePath(dataDir: string): string {
  return join(dataDir, LOG_FILE);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Does the sandbox described by `info` answer on its status endpoint? */
export async function answers(info: RuntimeInfo, timeoutMs = 2000): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(`${info.tenantUrl}${STATUS_PATH}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return undefined;
    return (await response.json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function logTail(path: string, lines = 15): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export interface DetachOptions {
  dataDir: string;
  /** bin/run.js of this CLI. */
  binPath: string;
  /** Flags for the child's `sandbox start` (the data dir is added). */
  args: string[];
  timeoutMs?: number;
}

export async function startDetached(options: DetachOptions): Promise<RuntimeInfo> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const logFile = logFilePath(options.dataDir);
  const fd = openSync(logFile, 'a', 0o600);
  let child: ChildProcess;
  try {
    child = spawn(
      process.execPath,
      [options.binPath, 'sandbox', 'start', '--foreground-child', '--data-dir', options.dataDir, ...options.args],
      {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, NO_COLOR: '1' },
      },
    );
  } finally {
    closeSync(fd);
  }
  let exited: number | null | undefined;
  child.on('exit', (code, signal) => (exited = code ?? (signal ? 128 : 1)));
  child.unref();
  const pid = child.pid;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline) {
    if (exited !== undefined || pid === undefined) {
      const tail = logTail(logFile);
      const lastError =
        tail
          .split('\n')
          .reverse()
          .find((line) => /error/i.test(line)) ??
        tail.split('\n').pop() ??
        '';
      throw new CliError(
        `the sandbox did not start: ${lastError.replace(/^.*?Error:\s*/, '').trim() || `exit code ${exited ?? '?'}`}`,
        {
          code: 'SANDBOX_START_FAILED',
          exitCode: exited === ExitCode.USAGE ? ExitCode.USAGE : ExitCode.BUG,
          location: { file: logFile },
          fix: `Read ${logFile} for details; ports can be changed with --port and --s3-port (0 = any free port).`,
        },
      );
    }
    const info = readRuntimeInfo(options.dataDir);
    if (info && info.pid === pid && (await answers(info))) return info;
    await sleep(100);
  }
  if (pid !== undefined && isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  throw new CliError(`the sandbox did not answer within ${Math.round((options.timeoutMs ?? 30_000) / 1000)} s`, {
    code: 'SANDBOX_START_TIMEOUT',
    exitCode: ExitCode.TENANT,
    location: { file: logFile },
    fix: `Read ${logFile} for details and try again.`,
  });
}

export interface StopResult {
  wasRunning: boolean;
  pid: number | null;
  /** True when the sandbox had to be killed (SIGKILL) after SIGTERM was not enough. */
  forced: boolean;
}

/** Stops the sandbox of a data directory: SIGTERM, wait for a clean shutdown, then SIGKILL. */
export async function stopSandboxProcess(dataDir: string, graceMs = 10_000): Promise<StopResult> {
  const info = liveRuntimeInfo(dataDir);
  if (!info) {
    // A runtime file left by a crashed sandbox would mislead `status`: remove it.
    const stale = readRuntimeInfo(dataDir);
    if (stale) removeRuntimeInfo(dataDir, stale.pid);
    return { wasRunning: false, pid: null, forced: false };
  }
  process.kill(info.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isProcessAlive(info.pid)) await sleep(100);
  let forced = false;
  if (isProcessAlive(info.pid)) {
    process.kill(info.pid, 'SIGKILL');
    forced = true;
    const killDeadline = Date.now() + 5_000;
    while (Date.now() < killDeadline && isProcessAlive(info.pid)) await sleep(50);
  }
  removeRuntimeInfo(dataDir, info.pid);
  return { wasRunning: true, pid: info.pid, forced };
}
