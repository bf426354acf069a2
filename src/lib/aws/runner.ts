/**
 * Runs independent tasks concurrently, at most `limit` at a time, each under its own timeout, and
 * never rejects: like Promise.allSettled, every task yields a settled result in input order. A task
 * gets an AbortSignal that fires on its timeout; the AWS SDK's `send(command, { abortSignal })`
 * honours it, so a hung endpoint does not keep a socket open after the check gave up.
 */

export interface Task<T> {
  name: string;
  run: (signal: AbortSignal) => Promise<T>;
  /** This task's own timeout, overriding RunOptions.timeoutMs. */
  timeoutMs?: number;
}

export type Settled<T> =
  | { name: string; status: 'fulfilled'; value: T; durationMs: number }
  | { name: string; status: 'rejected'; reason: unknown; timedOut: boolean; durationMs: number };

export interface RunOptions {
  /** Most tasks running at once (default 8). */
  limit?: number;
  /** Per-task timeout in ms (default 30 s). */
  timeoutMs?: number;
  now?: () => number;
}

export class TaskTimeoutError extends Error {
  constructor(name: string, ms: number) {
    super(`${name} did not finish within ${ms} ms`);
    this.name = 'TaskTimeoutError';
  }
}

export async function runLimited<T>(tasks: readonly Task<T>[], options: RunOptions = {}): Promise<Array<Settled<T>>> {
  const limit = Math.max(1, options.limit ?? 8);
  const defaultTimeoutMs = options.timeoutMs ?? 30_000;
  const now = options.now ?? (() => performance.now());
  const results = new Array<Settled<T>>(tasks.length);
  let next = 0;

  const runOne = async (index: number): Promise<void> => {
    const task = tasks[index] as Task<T>;
    const timeoutMs = task.timeoutMs ?? defaultTimeoutMs;
    const controller = new AbortController();
    const started = now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new TaskTimeoutError(task.name, timeoutMs);
        // Settle as timed out first: a task that answers its abort must not win the race.
        reject(error);
        controller.abort(error);
      }, timeoutMs);
    });
    try {
      const value = await Promise.race([task.run(controller.signal), timeout]);
      results[index] = { name: task.name, status: 'fulfilled', value, durationMs: Math.round(now() - started) };
    } catch (reason) {
      results[index] = {
        name: task.name,
        status: 'rejected',
        reason,
        timedOut: reason instanceof TaskTimeoutError,
        durationMs: Math.round(now() - started),
      };
    } finally {
      clearTimeout(timer);
    }
  };

  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      await runOne(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, () => worker()));
  return results;
}
