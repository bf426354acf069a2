import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { escapeLine } from '../output/control-codes.js';
import { redactText } from '../output/redact.js';
import { type FetchLike, RequestFailed, guardedFetch, originOf, retryAfterMs } from '../util/guarded-fetch.js';

/**
 * Posts one message to the receiver: a 10-second timeout (Immuta's own webhook limit), retries with
 * back-off on timeouts, network failures, 429 (honouring Retry-After) and 5xx; any other answer
 * fails at once. Only a 2xx counts as delivered. Redirects are followed only within the same origin.
 * After the last attempt the error names the failure (and the receiver's origin, never its URL).
 */
export const DELIVERY_TIMEOUT_MS = 10_000;

export interface DeliveryOptions {
  url: string;
  timeoutMs?: number;
  /** Attempts in all (default 4). */
  attempts?: number;
  /** The first back-off (default 1 s), doubled each time. */
  backoffMs?: number;
  /** A Retry-After longer than this fails instead of waiting (default 60 s). */
  maxRetryAfterMs?: number;
  signal: AbortSignal;
  now: () => Date;
  fetch?: FetchLike;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    // A timer longer than MAX_TIMER_MS fires at once (Node's limit): `--every 30d` waits in steps.
    const deadline = Date.now() + ms;
    let timer = setTimeout(step, Math.min(ms, MAX_TIMER_MS));
    function step() {
      const left = deadline - Date.now();
      if (left > 0) timer = setTimeout(step, Math.min(left, MAX_TIMER_MS));
      else done();
    }
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

export function interrupted(): CliError {
  return new CliError('interrupted', { code: 'INTERRUPTED', exitCode: ExitCode.INTERRUPTED });
}

/**
 * What a receiver said with its refusal, on one line and short (`: no_service`, Slack's word for a
 * revoked webhook): "HTTP 404" alone did not tell a revoked webhook from a mistyped one. An HTML page
 * (a proxy's or a server's error page) says nothing the status does not.
 */
function saying(response: { text: string; headers: Headers }): string {
  if (/html/i.test(response.headers.get('content-type') ?? '')) return '';
  // Redacted before the cut: a receiver quoting its URL late, cut in two, no longer held the
  // registered value, and the token's head was printed.
  const text = redactText(response.text).replace(/\s+/g, ' ').trim();
  if (text === '') return '';
  return `: ${escapeLine(text.length > 200 ? `${text.slice(0, 199)}…` : text)}`;
}

export async function deliver(body: unknown, options: DeliveryOptions): Promise<void> {
  const attempts = options.attempts ?? 4;
  const backoff = options.backoffMs ?? 1000;
  const sleep = options.sleep ?? abortableSleep;
  const text = JSON.stringify(body);
  let failure = '';
  // The receiver's last HTTP status, when it answered with one (not a timeout or a network failure).
  let status: number | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (options.signal.aborted) throw interrupted();
    let wait = backoff * 2 ** (attempt - 1);
    try {
      const response = await guardedFetch({
        url: options.url,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'immuta-audit-cli (logs watch)' },
        body: text,
        timeoutMs: options.timeoutMs ?? DELIVERY_TIMEOUT_MS,
        // A 2xx is the answer: waiting for the body of a 200 that trickled in (or never ended)
        // timed out, so an alert the receiver had taken was posted 4 times, then again every run,
        // and reported as "no answer". A refusal's body says why (Slack: `no_service`, `invalid_payload`).
        readBody: (status) => status < 200 || status >= 300,
        maxBytes: 512,
        signal: options.signal,
        fetch: options.fetch,
      });
      if (response.status >= 200 && response.status < 300) return;
      status = response.status;
      failure = `HTTP ${response.status}${saying(response)}`;
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable) break;
      if (response.status === 429) {
        const asked = retryAfterMs(response.headers, options.now());
        if (asked !== undefined) {
          if (asked > (options.maxRetryAfterMs ?? 60_000)) {
            failure = `HTTP 429 with Retry-After ${Math.round(asked / 1000)} s`;
            break;
          }
          wait = Math.max(wait, asked);
        }
      }
    } catch (error) {
      if (!(error instanceof RequestFailed)) throw error;
      if (error.failure.kind === 'aborted') throw interrupted();
      status = undefined;
      failure = error.message;
      // A redirect is answered the same way each time: no retry.
      if (['cross-origin-redirect', 'too-many-redirects', 'redirect-drops-body'].includes(error.failure.kind)) break;
    }
    if (attempt < attempts) await sleep(wait, options.signal);
  }
  throw new CliError(`the webhook at ${originOf(options.url)} did not accept the alert: ${failure}`, {
    code: 'WEBHOOK_DELIVERY_FAILED',
    exitCode: ExitCode.TENANT,
    fix: 'Nothing was marked sent: the next run posts it again. Check the receiver (and its URL), then run again.',
    details: { receiver: originOf(options.url), failure, ...(status === undefined ? {} : { status }) },
  });
}

/**
 * Statuses by which a receiver refuses one message for what it holds (400 Slack's `invalid_payload`,
 * 413 too large, 422), not every message: the others are still posted. Any other failure (404 or
 * 410 for a revoked webhook, 401/403, 5xx after the retries, no answer) would be the same for each.
 */
const REFUSES_THIS_MESSAGE = new Set([400, 413, 422]);

/** Whether a delivery failure is the receiver refusing that one message (see REFUSES_THIS_MESSAGE). */
export function refusedThisMessage(error: unknown): error is CliError {
  const status = error instanceof CliError ? error.details?.['status'] : undefined;
  return (
    error instanceof CliError &&
    error.code === 'WEBHOOK_DELIVERY_FAILED' &&
    typeof status === 'number' &&
    REFUSES_THIS_MESSAGE.has(status)
  );
}
