import { millisecondsFromEnv } from '../config/env-milliseconds.js';
import type { CommandIO } from '../io/command-io.js';
import type { LockWait } from './duckdb.js';

/** How long a logs command waits for a store another process holds, unless IMMUTA_LOCK_WAIT_MS says. */
export const DEFAULT_LOCK_WAIT_MS = 10_000;
/** A day: longer is a typo, not a wish. */
const MAX_LOCK_WAIT_MS = 86_400_000;

/**
 * How a command opens a store another process may hold (a cron sync while an analyst queries, a
 * `watch --once` on the sync's minute): it waits up to IMMUTA_LOCK_WAIT_MS (0: not at all), saying
 * so once on stderr, then fails with LOGS_STORE_BUSY.
 */
export function storeLockWait(io: CommandIO, dir: string): LockWait {
  const ms = millisecondsFromEnv(
    io.env,
    'IMMUTA_LOCK_WAIT_MS',
    { least: 0, most: MAX_LOCK_WAIT_MS, fallback: DEFAULT_LOCK_WAIT_MS },
    '60000',
  );
  return {
    ms,
    signal: io.signal,
    onWait: (pid) =>
      io.note(
        `The log store ${dir} is in use by another process${pid ? ` (PID ${pid})` : ''}: waiting up to ${ms / 1000} s for it (IMMUTA_LOCK_WAIT_MS).`,
      ),
  };
}
