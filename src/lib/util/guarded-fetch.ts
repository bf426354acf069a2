import { maskUrl } from './mask-url.js';

/**
 * One HTTP request with the guards every outbound call of this CLI needs when the far end is not
 * ours to trust (a webhook receiver, a tenant's REST API): a hard timeout, a cap on the answer read,
 * and redirects followed only within the same origin (a redirect to another host would carry the
 * body, and for the tenant the API key, somewhere the user never named).
 */
export type FetchLike = typeof fetch;

export interface GuardedRequest {
  url: string;
  method: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** The most of the answer's body kept; the rest is discarded unread. */
  maxBytes: number;
  /** Whether to read the body of an answer with this status (default: always); when not, it is '' and not waited for. */
  readBody?: (status: number) => boolean;
  signal?: AbortSignal;
  fetch?: FetchLike;
  maxRedirects?: number;
}

export interface GuardedResponse {
  status: number;
  headers: Headers;
  /** The body, cut at maxBytes. */
  text: string;
  truncated: boolean;
  /** The URL that answered (differs from the request's after a same-origin redirect). */
  url: string;
}

/** Why a request did not get an answer. */
export type RequestFailure =
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'aborted' }
  | { kind: 'cross-origin-redirect'; status: number; location: string }
  | { kind: 'too-many-redirects' }
  | { kind: 'redirect-drops-body'; status: number; location: string }
  | { kind: 'network'; code: string; message: string };

export class RequestFailed extends Error {
  constructor(readonly failure: RequestFailure) {
    super(describeFailure(failure));
    this.name = 'RequestFailed';
  }
}

export function describeFailure(failure: RequestFailure): string {
  switch (failure.kind) {
    case 'timeout':
      return `no answer within ${failure.timeoutMs / 1000} s`;
    case 'aborted':
      return 'interrupted';
    case 'cross-origin-redirect':
      return `redirect (HTTP ${failure.status}) to another origin (${failure.location}) refused`;
    case 'too-many-redirects':
      return 'too many redirects';
    case 'redirect-drops-body':
      return `redirect (HTTP ${failure.status}) to ${failure.location} refused: it would send the POST again as a GET, without its body`;
    case 'network':
      return `${failure.code}: ${failure.message}`;
  }
}

/** The origin of a URL without its path or query (which may hold a token). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

function networkFailure(error: unknown): RequestFailure {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof candidate.code === 'string') {
      return {
        kind: 'network',
        code: candidate.code,
        message: typeof candidate.message === 'string' ? candidate.message : candidate.code,
      };
    }
    current = candidate.cause;
  }
  // fetch's own refusals carry no code, and its message is only "fetch failed": the cause says why
  // (a port fetch never connects to, such as 6000 or 6667, is "bad port").
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: { message?: unknown } };
  const why = typeof cause?.message === 'string' ? `: ${cause.message}` : '';
  return {
    kind: 'network',
    code: 'FETCH_FAILED',
    message: `${typeof message === 'string' ? message : String(error)}${why}`,
  };
}

async function readCapped(response: Response, maxBytes: number): Promise<{ text: string; truncated: boolean }> {
  if (!response.body) return { text: '', truncated: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.length > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - size));
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated };
}

export async function guardedFetch(request: GuardedRequest): Promise<GuardedResponse> {
  const doFetch = request.fetch ?? fetch;
  const maxRedirects = request.maxRedirects ?? 3;
  const origin = new URL(request.url).origin;
  let url = request.url;
  let method = request.method;
  let body = request.body;
  for (let hop = 0; hop <= maxRedirects; hop++) {
    const timeout = AbortSignal.timeout(request.timeoutMs);
    const signal = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    let response: Response;
    try {
      response = await doFetch(url, { method, headers: request.headers, body, redirect: 'manual', signal });
    } catch (error) {
      if (request.signal?.aborted) throw new RequestFailed({ kind: 'aborted' });
      if (timeout.aborted) throw new RequestFailed({ kind: 'timeout', timeoutMs: request.timeoutMs });
      throw new RequestFailed(networkFailure(error));
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel().catch(() => undefined);
      const next = new URL(location, url);
      if (next.origin !== origin) {
        throw new RequestFailed({ kind: 'cross-origin-redirect', status: response.status, location: next.origin });
      }
      // A POST answered 301, 302 or 303 would go on as a GET without its body (what browsers do): a
      // receiver's index page then answered 200 and an alert never posted counted as delivered (a
      // create, a list read as "created"). Only 307/308, which keep the POST, are followed.
      if (method === 'POST' && (response.status === 301 || response.status === 302 || response.status === 303)) {
        throw new RequestFailed({
          kind: 'redirect-drops-body',
          status: response.status,
          location: maskUrl(next.toString()),
        });
      }
      // 303 after another method: a GET of where it points.
      if (response.status === 303) {
        method = 'GET';
        body = undefined;
      }
      url = next.toString();
      continue;
    }
    if (request.readBody?.(response.status) === false) {
      // Not waited for: a body that trickles (or never ends) must not turn an answer into a timeout.
      void response.body?.cancel().catch(() => undefined);
      return { status: response.status, headers: response.headers, text: '', truncated: false, url };
    }
    try {
      const { text, truncated } = await readCapped(response, request.maxBytes);
      return { status: response.status, headers: response.headers, text, truncated, url };
    } catch (error) {
      if (request.signal?.aborted) throw new RequestFailed({ kind: 'aborted' });
      if (timeout.aborted) throw new RequestFailed({ kind: 'timeout', timeoutMs: request.timeoutMs });
      throw new RequestFailed(networkFailure(error));
    }
  }
  throw new RequestFailed({ kind: 'too-many-redirects' });
}

/** Retry-After as milliseconds (seconds or an HTTP date), undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now: Date): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
