import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { isLiveSandboxPid } from '../config/sandbox-tenant.js';
import { LOCK_FILE } from './constants.js';
import { secondSandboxFix } from './flags.js';
import { readRuntimeInfo } from './runtime-file.js';

/**
 * `<data-dir>/sandbox.lock`: the claim of a data directory by one sandbox. sandbox.json cannot be
 * that claim: it is written only once the sandbox answers, so two starts on one directory both saw
 * none, both served, and shared state.json. The lock is created atomically before anything starts
 * and names its owner's pid, so a sandbox killed with kill -9 leaves a lock that the next start
 * takes over at once (no waiting for a timeout).
 *
 * Everything here is synchronous on purpose: two starts in one process (tests) cannot interleave
 * between reading a lock and replacing it.
 */

/** Locks this process holds, by token: a lock naming our own pid is live only if we still hold it. */
const held = new Set<string>();

/** A takeover guard older than this was left by a start killed mid-takeover (which takes microseconds). */
const ABANDONED_GUARD_MS = 10_000;

interface LockContent {
  pid: number;
  token: string;
}

export interface DataDirLock {
  readonly path: string;
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): void;
}

export function lockFilePath(dataDir: string): string {
  return join(dataDir, LOCK_FILE);
}

/**
 * Creates `path` with `content` only if it does not exist, atomically and never half-written: the
 * content goes to a temporary file that is then hard-linked to `path` (link fails with EEXIST like
 * O_EXCL, but a reader never sees an empty lock whose owner has not written its pid yet).
 */
function createExclusive(path: string, content: string): boolean {
  // Named like writeFileAtomic's temporaries, so a kill -9 right here leaves nothing that is not cleaned.
  const temporary = `${path.replace(/[^/\\]+$/, (name) => `.${name}`)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parse(text: string): LockContent | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockContent>;
    return typeof value.pid === 'number' && typeof value.token === 'string'
      ? { pid: value.pid, token: value.token }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the owner of a lock still runs (a lock that is not ours and unreadable counts as stale). */
function ownerAlive(owner: LockContent | undefined): boolean {
  if (!owner) return false;
  if (owner.pid === process.pid) return held.has(owner.token);
  return isLiveSandboxPid(owner.pid);
}

function alreadyRunning(dataDir: string, pid: number | undefined): CliError {
  const info = readRuntimeInfo(dataDir);
  const what =
    pid === undefined ? 'another sandbox' : `pid ${pid}${info?.pid === pid ? `, ${info.tenantUrl}` : ', starting'}`;
  return new CliError(`a sandbox is already running on this data directory (${what})`, {
    code: 'SANDBOX_ALREADY_RUNNING',
    exitCode: ExitCode.USAGE,
    location: { file: dataDir },
    fix: secondSandboxFix(dataDir),
  });
}

/**
 * Removes a stale lock (its text exactly `staleText`), under a guard file so that two starts taking
 * over the same stale lock cannot both remove it: without the guard, the second could remove the
 * lock the first had just created, and both would run. Returns false when another start holds the
 * guard (the caller looks again).
 */
function removeStale(path: string, staleText: string): boolean {
  const guard = `${path}.takeover`;
  if (!createExclusive(guard, JSON.stringify({ pid: process.pid }))) {
    try {
      if (Date.now() - statSync(guard).mtimeMs > ABANDONED_GUARD_MS) rmSync(guard, { force: true });
    } catch {
      // Gone meanwhile: its owner finished.
    }
    return false;
  }
  try {
    // Under the guard: remove the lock only if it is still the stale one we judged.
    if (readText(path) === staleText) rmSync(path, { force: true });
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Claims a data directory (which must exist) for this sandbox, or throws SANDBOX_ALREADY_RUNNING
 * when a live sandbox holds it. A lock whose owner is gone (kill -9, a crash) is taken over.
 */
export function claimDataDir(dataDir: string): DataDirLock {
  const path = lockFilePath(dataDir);
  const mine: LockContent = { pid: process.pid, token: randomBytes(8).toString('hex') };
  const text = `${JSON.stringify(mine)}\n`;
  // A few rounds: each lost round means another start changed the lock meanwhile.
  for (let attempt = 0; attempt < 50; attempt++) {
    if (createExclusive(path, text)) {
      held.add(mine.token);
      // Belt and braces: the lock we created must be the one there.
      if (readText(path) !== text) {
        held.delete(mine.token);
        continue;
      }
      return {
        path,
        release: () => {
          if (!held.delete(mine.token)) return;
          // Only our own lock: never one a later sandbox took over.
          if (readText(path) === text) rmSync(path, { force: true });
        },
      };
    }
    const existing = readText(path);
    if (existing === undefined) continue; // released meanwhile: try again
    const owner = parse(existing);
    if (owner && ownerAlive(owner)) throw alreadyRunning(dataDir, owner.pid);
    if (!removeStale(path, existing)) sleepSync(20);
  }
  // Only reached if the lock keeps changing under us: someone else is starting right now.
  throw alreadyRunning(dataDir, parse(readText(path) ?? '')?.pid);
}
