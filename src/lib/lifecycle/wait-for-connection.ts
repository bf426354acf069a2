import { CONNECTION_SUCCESS, type ExportConfiguration } from '../tenant/types.js';

/** The longest pause between two reads, however long the wait. */
export const MAX_POLL_INTERVAL_MS = 60_000;

export interface PollEvent {
  configuration: ExportConfiguration;
  /** 1 for the first read. */
  attempt: number;
  elapsedMs: number;
  /** The status differs from the previous read's (always true for the first read). */
  changed: boolean;
}

export interface WaitOptions {
  /** Reads the configuration once (the service re-tests the destination when it is read). */
  read: () => Promise<ExportConfiguration>;
  /** 0 = read once and return. */
  timeoutMs: number;
  /** The first pause between reads; it doubles after each read, up to maxIntervalMs. */
  intervalMs: number;
  maxIntervalMs?: number;
  onRead?: (event: PollEvent) => void;
  /** Injected in tests: a clock and a sleep that do not really wait. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface WaitResult {
  configuration: ExportConfiguration;
  connected: boolean;
  attempts: number;
  waitedMs: number;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads until connectionStatus is SUCCESS or the timeout passes, with exponential back-off:
 * IAM changes take seconds to minutes to propagate, so polling fast at first and slowly later
 * keeps both the wait short and the request count low. The last read happens at the deadline,
 * never after it.
 */
export async function waitForConnection(options: WaitOptions): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const cap = options.maxIntervalMs ?? MAX_POLL_INTERVAL_MS;
  const started = now();
  const deadline = started + Math.max(0, options.timeoutMs);
  let delay = Math.min(Math.max(1, options.intervalMs), cap);
  let attempts = 0;
  let previous: string | null | undefined;
  for (;;) {
    const configuration = await options.read();
    attempts++;
    const status = configuration.connectionStatus;
    options.onRead?.({
      configuration,
      attempt: attempts,
      elapsedMs: now() - started,
      changed: attempts === 1 || status !== previous,
    });
    previous = status;
    const connected = status === CONNECTION_SUCCESS;
    const remaining = deadline - now();
    if (connected || remaining <= 0) return { configuration, connected, attempts, waitedMs: now() - started };
    await sleep(Math.min(delay, remaining));
    delay = Math.min(delay * 2, cap);
  }
}
