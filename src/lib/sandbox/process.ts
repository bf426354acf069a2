import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ERRORS, type ErrorCode } from '../errors/catalogue.js';
import { CliError, type ErrorLocation } from '../errors/cli-error.js';
import { ExitCode, type ExitCodeValue } from '../errors/exit-codes.js';
import { errorJson } from '../output/render-error.js';
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

/**
 * The line a detached child writes to the log when it cannot start, for its parent to report the
 * real cause, code and fix (the human rendering in the log carries no code, and guessing from it
 * gave fixes about ports for a damaged state.json). The pid tells the parents of two children
 * sharing one log apart.
 */
export function startFailureLine(error: CliError, pid = process.pid): string {
  return `sandbox start failed (pid ${pid}): ${JSON.stringify(errorJson(error).error)}\n`;
}

/** What the log gained since `offset` (the size before the child started): only this start's lines. */
function logSince(path: string, offset: number): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return '';
  }
  try {
    const length = Math.max(0, statSync(path).size - offset);
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, offset);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

const EXIT_CODES = new Set<number>(Object.values(ExitCode));

/** The child's own error, from its start failure line, or undefined when it wrote none (it crashed). */
export function childStartError(logText: string, pid: number, logFile: string): CliError | undefined {
  const prefix = `sandbox start failed (pid ${pid}): `;
  const line = logText
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(prefix));
  if (!line) return undefined;
  let reported: { code?: unknown; message?: unknown; exitCode?: unknown; fix?: unknown; location?: unknown };
  try {
    reported = JSON.parse(line.slice(prefix.length)) as typeof reported;
  } catch {
    return undefined;
  }
  if (typeof reported.message !== 'string' || typeof reported.code !== 'string' || !(reported.code in ERRORS))
    return undefined;
  const code = reported.code as ErrorCode;
  const location =
    reported.location && typeof reported.location === 'object'
      ? (reported.location as ErrorLocation)
      : { file: logFile };
  // A bug in the child stays a failed start (exit 1), with its message and the log to read.
  if (code === 'INTERNAL') {
    return new CliError(`the sandbox did not start: ${reported.message}`, {
      code: 'SANDBOX_START_FAILED',
      location: { file: logFile },
      fix: `Read ${logFile} for details.`,
    });
  }
  return new CliError(reported.message, {
    code,
    ...(typeof reported.exitCode === 'number' && EXIT_CODES.has(reported.exitCode)
      ? { exitCode: reported.exitCode as ExitCodeValue }
      : {}),
    ...(typeof reported.fix === 'string' ? { fix: reported.fix } : {}),
    location,
  });
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
  const logOffset = statSync(logFile).size;
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
      const reported = pid === undefined ? undefined : childStartError(logSince(logFile, logOffset), pid, logFile);
      if (reported) throw reported;
      // No line from the child (it crashed, or refused its arguments before starting): the log's last error.
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
          fix: `Read ${logFile} for details.`,
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
