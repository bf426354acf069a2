/**
 * One HTTP POST and its answer, capped. The default transport is node:http/node:https: Node's global
 * fetch costs ~50 ms of CPU to initialise on the first call (measured, see README "Start-up"), more
 * than the rest of a `list`. Node's http ignores HTTPS_PROXY/NO_PROXY, so when a proxy variable is
 * set the request goes through undici's EnvHttpProxyAgent instead (imported only then).
 *
 * Neither transport follows redirects: the client decides (it never follows one to another origin).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { usageError } from '../errors/cli-error.js';
import { registerUrlPassword } from '../output/redact.js';

export interface HttpRequest {
  url: URL;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /** Stop reading and fail with AnswerTooLargeError past this many bytes of body. */
  maxBytes: number;
}

export interface HttpAnswer {
  status: number;
  /** Lower-case header names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
}

export type Transport = (request: HttpRequest) => Promise<HttpAnswer>;

/** The answer's body went past `HttpRequest.maxBytes`: reading stopped there. */
export class AnswerTooLargeError extends Error {
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`the answer is larger than ${limitBytes} bytes`);
    this.name = 'AnswerTooLargeError';
    this.limitBytes = limitBytes;
  }
}

/**
 * The proxy answered the CONNECT for the tenant with another status than 200 (407: it wants
 * credentials; 403: it does not allow that host or port): nothing reached the tenant.
 */
export class ProxyRefusedError extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`the proxy answered HTTP ${status} to the CONNECT`);
    this.name = 'ProxyRefusedError';
    this.status = status;
  }
}

/** undici's error for a refused tunnel: a RequestAbortedError (name AbortError), told apart by its message only. */
function proxyRefusal(error: unknown): ProxyRefusedError | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (code !== 'UND_ERR_ABORTED' || typeof message !== 'string') return undefined;
  const status = /^Proxy response \((\d{3})\) !== 200/.exec(message)?.[1];
  return status === undefined ? undefined : new ProxyRefusedError(Number(status));
}

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

/** curl's convention, which undici follows too: the lower-case variable wins. */
export function proxyVariable(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name.toLowerCase()] ?? env[name.toUpperCase()] ?? undefined;
}

export function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => env[name]);
}

/** The schemes undici's ProxyAgent speaks. */
const PROXY_SCHEMES = new Set(['http:', 'https:', 'socks:', 'socks5:']);

/**
 * One proxy variable as undici takes it ('' when unset). A value without a scheme
 * (`proxy.corp:3128`, which curl accepts) is an http proxy; undici threw "Invalid URL" on it, and
 * the command ended as an unexpected failure (exit 1). A value that is no proxy URL at all is a
 * usage error naming the variable; its password is never shown.
 */
function proxyUrl(env: NodeJS.ProcessEnv, name: string): string {
  const lower = name.toLowerCase();
  const used = env[lower] !== undefined ? lower : name.toUpperCase();
  const raw = (env[used] ?? '').trim();
  if (raw === '') return '';
  const value = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.password) registerUrlPassword(url.password);
  if (url && PROXY_SCHEMES.has(url.protocol) && url.hostname !== '') return value;
  const masked = raw.replace(/^((?:[a-z][a-z0-9+.-]*:\/\/)?[^/@:]*):[^/]*@/i, '$1:***@');
  // JSON.stringify: a value with control characters is shown escaped, not interpreted by the terminal.
  const shown = JSON.stringify(masked.length > 80 ? `${masked.slice(0, 80)}…` : masked);
  throw usageError(
    `${used} is not a proxy URL: ${shown}`,
    `Set it to the proxy's address, e.g. ${used}=http://proxy.example.com:3128 (with credentials: http://user:password@proxy.example.com:3128), or unset it.`,
  );
}

/** HTTP_PROXY, HTTPS_PROXY and NO_PROXY for undici's EnvHttpProxyAgent, proxy URLs checked. */
export function proxyOptions(env: NodeJS.ProcessEnv): { httpProxy: string; httpsProxy: string; noProxy: string } {
  // The values are passed explicitly: EnvHttpProxyAgent would otherwise read process.env, not `env`;
  // '' (not undefined) means "none": undefined would make undici fall back to process.env.
  return {
    httpProxy: proxyUrl(env, 'http_proxy'),
    httpsProxy: proxyUrl(env, 'https_proxy'),
    noProxy: proxyVariable(env, 'no_proxy') ?? '',
  };
}

export async function createTransport(env: NodeJS.ProcessEnv = process.env): Promise<Transport> {
  return proxyConfigured(env) ? proxyTransport(env) : nodeTransport;
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Collects a body stream up to `maxBytes`; past it, destroys the stream and fails. */
async function readCapped(
  stream: AsyncIterable<Buffer | string> & { destroy(error?: Error): void },
  maxBytes: number,
  declaredLength: string | undefined,
): Promise<string> {
  if (declaredLength !== undefined && Number(declaredLength) > maxBytes) {
    stream.destroy();
    throw new AnswerTooLargeError(maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    total += buffer.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new AnswerTooLargeError(maxBytes);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** node:http(s), one connection per request (no keep-alive socket holds the process open). */
export const nodeTransport: Transport = async (request) => {
  // The module object (default export), not a destructured binding: request interceptors (nock in
  // tests) patch its property.
  const { default: module } =
    request.url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise<HttpAnswer>((resolve, reject) => {
    const outgoing = module.request(
      request.url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
        signal: request.signal,
        agent: false,
      },
      (incoming) => {
        readCapped(incoming, request.maxBytes, incoming.headers['content-length'])
          .then((body) =>
            resolve({ status: incoming.statusCode ?? 0, headers: flattenHeaders(incoming.headers), body }),
          )
          .catch((error: unknown) => reject(request.signal.aborted ? abortReason(request.signal) : error));
      },
    );
    outgoing.on('error', (error) => reject(request.signal.aborted ? abortReason(request.signal) : error));
    outgoing.end(request.body);
  });
};

/** The signal's reason (a TimeoutError for AbortSignal.timeout), so the client can classify it. */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? Object.assign(new Error('aborted'), { name: 'AbortError' });
}

async function proxyTransport(env: NodeJS.ProcessEnv): Promise<Transport> {
  const options = proxyOptions(env);
  const undici = await import('undici');
  return async (request) => {
    if (request.signal.aborted) throw abortReason(request.signal);
    // One dispatcher per request (as node:http's agent: false), destroyed when the request ends: undici
    // does not give up a request still connecting when its signal aborts (a proxy that never answers
    // the CONNECT hung the command past IMMUTA_TIMEOUT, for good), and a connection left open keeps the
    // process alive after the command is done.
    const dispatcher = new undici.EnvHttpProxyAgent(options);
    let onAbort = (): void => undefined;
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => reject(abortReason(request.signal));
      request.signal.addEventListener('abort', onAbort, { once: true });
    });
    const exchange = async (): Promise<HttpAnswer> => {
      const answer = await undici.request(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        dispatcher,
      });
      const body = await readCapped(
        answer.body as unknown as AsyncIterable<Buffer> & { destroy(error?: Error): void },
        request.maxBytes,
        typeof answer.headers['content-length'] === 'string' ? answer.headers['content-length'] : undefined,
      );
      return { status: answer.statusCode, headers: flattenHeaders(answer.headers as IncomingHttpHeaders), body };
    };
    try {
      return await Promise.race([exchange(), aborted]);
    } catch (error) {
      // undici names a refused tunnel an AbortError, which would read as our own timeout.
      throw request.signal.aborted ? abortReason(request.signal) : (proxyRefusal(error) ?? error);
    } finally {
      request.signal.removeEventListener('abort', onAbort);
      dispatcher.destroy().catch(() => undefined);
    }
  };
}
