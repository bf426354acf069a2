/**
 * Retries with exponential back-off for the object sources (S3, ADLS): what to retry and the error
 * to give up with are the source's; the loop, the jittered delay and Ctrl-C are the same for both.
 */

/** How a source retries; tests shorten it, `sync` reports each retry on stderr. */
export interface RetryOptions {
  /** Attempts per request (default 4). */
  attempts?: number;
  /** First back-off delay in ms (default 250), doubled per attempt, with ±25% jitter. */
  backoffMs?: number;
  onRetry?: (key: string, attempt: number, error: string) => void;
}

/** What a source makes of one failure. */
export interface Failure {
  retryable: boolean;
  /** One line, no secrets (it is shown on a retry). */
  message: string;
}

/**
 * Runs `work` until it succeeds, the failure is not retryable, the attempts are spent (then throws
 * `giveUp(error, failure)`) or `signal` aborts (then rethrows). `classify` may throw itself, for a
 * failure that must not be retried or reworded.
 */
export async function withRetries<T, F extends Failure>(
  what: string,
  signal: AbortSignal,
  options: RetryOptions,
  work: () => Promise<T>,
  classify: (error: unknown) => F,
  giveUp: (error: unknown, failure: F) => Error,
): Promise<T> {
  const attempts = options.attempts ?? 4;
  const base = options.backoffMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    try {
      return await work();
    } catch (error) {
      if (signal.aborted) throw error;
      const failure = classify(error);
      if (!failure.retryable || attempt >= attempts) throw giveUp(error, failure);
      options.onRetry?.(what, attempt, failure.message);
      await backOff(delayBefore(attempt + 1, base), signal);
    }
  }
}

/** The wait before attempt `next` (from 2): `base` doubled per attempt after the first, ±25% jitter. */
function delayBefore(next: number, base: number): number {
  return base * 2 ** (next - 2) * (0.75 + Math.random() * 0.5);
}

/** Waits `ms`, or less when `signal` aborts (the loop then stops at its next check). */
function backOff(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** A body shorter than its Content-Length (a connection cut mid-object): retried like a network error. */
export function assertWhole(bytes: Buffer, expected: number | undefined): Buffer {
  if (expected !== undefined && bytes.length !== expected) {
    throw Object.assign(new Error(`short read: ${bytes.length} of ${expected} bytes`), { name: 'ShortRead' });
  }
  return bytes;
}

/** One attempt at an object's bytes from `offset` on: its body, and how many bytes it says it holds. */
export interface BodyFrom {
  body: AsyncIterable<Uint8Array | string> | undefined;
  length: number | undefined;
}

/**
 * An object's bytes as they arrive, never held whole (a big object is staged as it downloads). A
 * failure part way is retried like `withRetries`, from the first byte not yet given (a range
 * request; the source asks for the listed ETag, so a replaced object fails instead of being spliced);
 * an attempt that brought bytes starts the count of attempts again, so a long download over a
 * connection that drops now and then still ends. `size` is the listed size: nothing is asked past it.
 */
export async function* resumableBytes<F extends Failure>(
  what: string,
  signal: AbortSignal,
  options: RetryOptions,
  size: number,
  open: (offset: number) => Promise<BodyFrom>,
  classify: (error: unknown) => F,
  giveUp: (error: unknown, failure: F) => Error,
): AsyncGenerator<Buffer> {
  const attempts = options.attempts ?? 4;
  const base = options.backoffMs ?? 250;
  let offset = 0;
  for (let attempt = 1; ; attempt++) {
    signal.throwIfAborted();
    let received = 0;
    try {
      const { body, length } = await open(offset);
      for await (const chunk of body ?? []) {
        const bytes = Buffer.isBuffer(chunk)
          ? chunk
          : typeof chunk === 'string'
            ? Buffer.from(chunk)
            : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        received += bytes.length;
        offset += bytes.length;
        yield bytes;
      }
      if (length !== undefined && received !== length) {
        throw Object.assign(new Error(`short read: ${received} of ${length} bytes`), { name: 'ShortRead' });
      }
      return;
    } catch (error) {
      if (signal.aborted) throw error;
      // Every listed byte came before the connection failed: asking for more would be refused (416).
      if (size > 0 && offset === size) return;
      const failure = classify(error);
      if (received > 0) attempt = 1;
      if (!failure.retryable || attempt >= attempts) throw giveUp(error, failure);
      options.onRetry?.(what, attempt, failure.message);
      await backOff(delayBefore(attempt + 1, base), signal);
    }
  }
}
