import { immutaCli } from '../config/cli-prefix.js';
import type { TenantSettings } from '../config/tenant-settings.js';
import { escapeLine } from '../output/control-codes.js';
import { debugLog } from '../output/debug.js';
import { MAX_TIMEOUT_MS, millisecondsFromEnv } from '../config/env-milliseconds.js';
import { registerSecret } from '../output/redact.js';
import { buildOperation, isMutation, type OperationName } from './documents.js';
import {
  type TenantFailure,
  capRemoteText,
  isRetryable,
  networkCode,
  safeUrlForDisplay,
  tenantError,
  unexpectedAnswer,
} from './errors.js';
import { insecureHostWarning } from './host-safety.js';
import {
  type HttpAnswer,
  AnswerTooLargeError,
  ProxyRefusedError,
  type Transport,
  createTransport,
} from './transport.js';
import {
  type ExportConfiguration,
  type ExportJobTask,
  type AnswerCheck,
  checkConfiguration,
  checkConfigurations,
  checkDeleted,
  checkTasks,
} from './answers.js';

export const GRAPHQL_PATH = '/api/audit/graphql';

/** What is read of one answer at most: the audit API's answers are a few KB; a tenant gone wrong may send gigabytes. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/** Nesting deeper than this is no answer of the audit API, and would overflow recursive rendering later. */
const MAX_ANSWER_DEPTH = 64;
/** What is kept of an answer's Content-Type: real ones are a few dozen characters. */
const MAX_CONTENT_TYPE_SHOWN = 100;
/** Redirect hops followed within the tenant's own origin (307/308 only: they keep the POST). */
const MAX_SAME_ORIGIN_REDIRECTS = 3;

export interface TenantClientOptions {
  /** Per-request timeout (default 30 s, or IMMUTA_TIMEOUT in ms: see timeoutFromEnv). */
  timeoutMs?: number;
  /** Attempts for reads (mutations are always tried once). */
  readAttempts?: number;
  /** Base back-off delay in ms (tests make it small). */
  backoffMs?: number;
  /** How requests are sent (default: node:http(s), or undici when a proxy variable is set). */
  transport?: Transport;
  /** The environment read for IMMUTA_TIMEOUT, IMMUTA_RETRY_BASE_MS and proxy variables. */
  env?: NodeJS.ProcessEnv;
  /** Cap on one answer's body (default MAX_ANSWER_BYTES). */
  maxAnswerBytes?: number;
  /** Where a warning goes (an API key about to travel over plain http). Default: stderr. */
  warn?: (message: string) => void;
}

/** The per-request timeout when IMMUTA_TIMEOUT is not set. */
export const DEFAULT_TIMEOUT_MS = 30_000;
export { MAX_TIMEOUT_MS };

/**
 * IMMUTA_TIMEOUT: whole milliseconds from 1 to MAX_TIMEOUT_MS; unset or empty means the default.
 * Checked here, where it is read: a negative or huge value used to reach AbortSignal.timeout and
 * crash with a RangeError, and a non-number was silently replaced by the default.
 */
export function timeoutFromEnv(env: NodeJS.ProcessEnv): number {
  return millisecondsFromEnv(
    env,
    'IMMUTA_TIMEOUT',
    { least: 1, most: MAX_TIMEOUT_MS, fallback: DEFAULT_TIMEOUT_MS },
    '60000 (60 s)',
  );
}

/** The first retry's delay when IMMUTA_RETRY_BASE_MS is not set (it doubles each retry). */
export const DEFAULT_RETRY_BASE_MS = 500;
/** A longer base would make three read attempts wait over ten minutes: a typo, not a wish. */
export const MAX_RETRY_BASE_MS = 300_000;

/**
 * IMMUTA_RETRY_BASE_MS: whole milliseconds from 0 to MAX_RETRY_BASE_MS; unset or empty means the
 * default. `Number(x) || 500` turned "abc" into the default without a word and let -5 or 1e12 through.
 */
export function retryBaseFromEnv(env: NodeJS.ProcessEnv): number {
  return millisecondsFromEnv(
    env,
    'IMMUTA_RETRY_BASE_MS',
    { least: 0, most: MAX_RETRY_BASE_MS, fallback: DEFAULT_RETRY_BASE_MS },
    '1000',
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function retryAfterMs(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** True when a parsed JSON value nests deeper than `limit` (iterative: no recursion on hostile input). */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= limit) return true;
    for (const inner of Object.values(current)) stack.push([inner, depth + 1]);
  }
  return false;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The messages and codes of a GraphQL `errors` array: strings only, few of them, each capped. */
function remoteErrors(errors: unknown): { messages: string[]; codes: string[] } {
  if (!Array.isArray(errors)) return { messages: [], codes: [] };
  const picked = errors.slice(0, 5) as Array<{ message?: unknown; extensions?: { code?: unknown } } | null>;
  return {
    messages: picked.map((e) => capRemoteText(typeof e?.message === 'string' ? e.message : 'unknown error')),
    codes: picked.map((e) => (typeof e?.extensions?.code === 'string' ? capRemoteText(e.extensions.code) : '')),
  };
}

/**
 * An answer with `errors` whose `data` still holds a root field's value (GraphQL's partial answer: a
 * field below it failed). For a mutation, that value means it ran; its `id` says what it made.
 */
function partialResult(data: unknown): { id?: string } | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
  const value = Object.values(data).find((field) => field !== null && field !== undefined) as unknown;
  if (value === undefined) return undefined;
  const id = (value as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? { id: capRemoteText(id) } : {};
}

/** Reads one HTTP answer as the GraphQL endpoint's: its `data`, or the failure class. */
export function interpretAnswer(answer: HttpAnswer): { data: Record<string, unknown> } | { failure: TenantFailure } {
  // The server's text, shown in messages: capped (a header may be 16 KiB) and on one line (a tab).
  const header = answer.headers['content-type'];
  const contentType = header === undefined ? null : escapeLine(capRemoteText(header, MAX_CONTENT_TYPE_SHOWN));
  const parsed = answer.body.trim() === '' ? undefined : parseJson(answer.body);
  const object = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : undefined;
  if (object && nestsDeeperThan(object, MAX_ANSWER_DEPTH)) {
    return { failure: { kind: 'not-graphql', contentType, detail: `JSON nested deeper than ${MAX_ANSWER_DEPTH}` } };
  }
  const body = object as { data?: unknown; errors?: unknown } | undefined;
  const { messages, codes } = remoteErrors(body?.errors);
  if (answer.status < 200 || answer.status >= 300) {
    const retry = retryAfterMs(answer.headers['retry-after']);
    return {
      failure: {
        kind: 'http',
        status: answer.status,
        contentType,
        graphqlMessages: messages,
        ...(retry === undefined ? {} : { retryAfterMs: retry }),
      },
    };
  }
  if (!body) return { failure: { kind: 'not-graphql', contentType } };
  if (Array.isArray(body.errors) && body.errors.length > 0) {
    const partial = partialResult(body.data);
    return { failure: { kind: 'graphql', messages, codes, ...(partial ? { partial } : {}) } };
  }
  // A JSON 200 without `data` (some other JSON API at that URL) is not the audit service.
  if (body.data === null || typeof body.data !== 'object' || Array.isArray(body.data)) {
    return { failure: { kind: 'not-graphql', contentType } };
  }
  return { data: body.data as Record<string, unknown> };
}

/** Maps what a transport threw to a TenantFailure. Never keeps request variables. */
export function classifyThrown(error: unknown, timeoutMs: number): TenantFailure {
  if (error instanceof AnswerTooLargeError) return { kind: 'too-large', limitBytes: error.limitBytes };
  if (error instanceof ProxyRefusedError) return { kind: 'proxy-refused', status: error.status };
  const name = (error as { name?: string } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'timeout', timeoutMs };
  const network = networkCode(error);
  if (network) return { kind: 'network', ...network };
  return { kind: 'not-graphql', contentType: null };
}

/**
 * The audit service's GraphQL API (POST <host>/api/audit/graphql, API key in the Authorization
 * header as Immuta's REST docs send it). Reads retry with back-off on 429/5xx/transient network
 * errors; mutations are never retried, since a retry could create a second configuration.
 * Answers are capped (MAX_ANSWER_BYTES); a redirect to another origin is never followed (the body
 * may carry a secret), it stops the command naming where it pointed.
 */
export class TenantClient {
  readonly endpoint: string;
  private readonly settings: TenantSettings;
  private readonly timeoutMs: number;
  private readonly readAttempts: number;
  private readonly backoffMs: number;
  private readonly maxAnswerBytes: number;
  private readonly env: NodeJS.ProcessEnv;
  private readonly warn: (message: string) => void;
  private transport: Transport | undefined;
  private warned = false;

  constructor(settings: TenantSettings, options: TenantClientOptions = {}) {
    registerSecret(settings.apiKey);
    this.settings = settings;
    this.endpoint = `${settings.host}${GRAPHQL_PATH}`;
    this.env = options.env ?? process.env;
    this.timeoutMs = options.timeoutMs ?? timeoutFromEnv(this.env);
    this.readAttempts = options.readAttempts ?? 3;
    this.backoffMs = options.backoffMs ?? retryBaseFromEnv(this.env);
    this.maxAnswerBytes = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
    this.transport = options.transport;
    this.warn = options.warn ?? ((message) => process.stderr.write(`Warning: ${message}\n`));
  }

  /** The profile this client's settings came from (for the commands a message prints). */
  get profile(): string {
    return this.settings.profile;
  }

  /** The tenant URL as it may be shown (never with a user name or password). */
  get host(): string {
    return safeUrlForDisplay(this.settings.host);
  }

  /** Sends one operation by name; returns its `data` or throws a CliError with the failure class. */
  async request<T>(operation: OperationName, variables: Record<string, unknown> = {}): Promise<T> {
    this.transport ??= await createTransport(this.env);
    if (!this.warned) {
      this.warned = true;
      const warning = insecureHostWarning(this.settings.host);
      if (warning) this.warn(warning);
    }
    const payload = JSON.stringify(buildOperation(operation, variables));
    const attempts = isMutation(operation) ? 1 : Math.max(1, this.readAttempts);
    let last: TenantFailure = { kind: 'not-graphql', contentType: null };
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const started = Date.now();
      debugLog('immuta:tenant', `${operation} -> ${this.host}${GRAPHQL_PATH} (attempt ${attempt}/${attempts})`);
      const outcome = await this.send(payload);
      if ('data' in outcome) {
        debugLog('immuta:tenant', `${operation} <- ok in ${Date.now() - started} ms`);
        return outcome.data as T;
      }
      last = outcome.failure;
      debugLog(
        'immuta:tenant',
        `${operation} <- ${last.kind}${last.kind === 'http' ? ` ${last.status}` : ''} in ${Date.now() - started} ms`,
      );
      if (attempt === attempts || !isRetryable(last)) break;
      const delay =
        last.kind === 'http' && last.retryAfterMs !== undefined
          ? Math.min(last.retryAfterMs, 30_000)
          : this.backoffMs * 2 ** (attempt - 1);
      await sleep(delay);
    }
    throw tenantError(
      last,
      this.host,
      isMutation(operation) ? { check: this.checkCommand(variables) } : undefined,
      this.settings,
    );
  }

  /** The command that shows whether a mutation took effect: `get ID` when it names one, else `list` (a create). */
  private checkCommand(variables: Record<string, unknown>): string {
    const data = variables.data as { id?: unknown } | undefined;
    const id = typeof variables.id === 'string' ? variables.id : typeof data?.id === 'string' ? data.id : undefined;
    const immuta = immutaCli(this.settings.profile);
    return id ? `${immuta} audit exportConfig get ${id}` : `${immuta} audit exportConfig list`;
  }

  /** One attempt: POST, following 307/308 only within the tenant's origin. */
  private async send(payload: string): Promise<{ data: Record<string, unknown> } | { failure: TenantFailure }> {
    const transport = this.transport as Transport;
    const origin = new URL(this.endpoint);
    let url = origin;
    const signal = AbortSignal.timeout(this.timeoutMs);
    for (let hop = 0; ; hop++) {
      let answer: HttpAnswer;
      try {
        answer = await transport({
          url,
          headers: {
            authorization: this.settings.apiKey,
            'content-type': 'application/json',
            accept: 'application/graphql-response+json, application/json',
            'user-agent': 'immuta-audit-cli',
          },
          body: payload,
          signal,
          maxBytes: this.maxAnswerBytes,
        });
      } catch (error) {
        return { failure: classifyThrown(error, this.timeoutMs) };
      }
      if (answer.status < 300 || answer.status >= 400) return interpretAnswer(answer);
      const location = answer.headers.location;
      if (!location) return interpretAnswer(answer);
      let target: URL;
      try {
        target = new URL(location, url);
      } catch {
        return { failure: { kind: 'redirect', status: answer.status, location: capRemoteText(location) } };
      }
      const followable =
        target.origin === origin.origin &&
        (answer.status === 307 || answer.status === 308) &&
        hop < MAX_SAME_ORIGIN_REDIRECTS;
      if (!followable) {
        return {
          failure: { kind: 'redirect', status: answer.status, location: capRemoteText(safeUrlForDisplay(target.href)) },
        };
      }
      url = target;
    }
  }

  private check<T>(operation: OperationName, check: AnswerCheck<T>, value: unknown): T {
    const result = check(value);
    if (result.ok) return result.value;
    // A mismatch is the tenant's (exit 5), not a bug of ours (exit 1).
    throw unexpectedAnswer(operation, result.problem, this.host);
  }

  async listExportConfigurations(): Promise<ExportConfiguration[]> {
    const data = await this.request<{ getAllExportConfigurations: unknown }>('getAllExportConfigurations');
    // The schema's list is non-null: an answer without it is no answer, not "no configurations" (a
    // script would then create what exists, or take `get ID`'s "not found" for the truth).
    return this.check('getAllExportConfigurations', checkConfigurations, data.getAllExportConfigurations);
  }

  async getExportJobTasks(exportJobId: string): Promise<ExportJobTask[]> {
    const data = await this.request<{ getAllExportJobTasks: unknown }>('getAllExportJobTasks', { exportJobId });
    return this.check('getAllExportJobTasks', checkTasks, data.getAllExportJobTasks ?? []);
  }

  /** Runs one of the create/update/enable/disable mutations and returns the configuration it answers. */
  async mutateConfiguration(
    operation: OperationName,
    variables: Record<string, unknown>,
  ): Promise<ExportConfiguration> {
    const data = await this.request<Record<string, unknown>>(operation, variables);
    return this.check(operation, checkConfiguration, data[operation]);
  }

  async deleteExportConfiguration(id: string): Promise<{ id: string }> {
    const data = await this.request<{ deleteExportConfiguration: unknown }>('deleteExportConfiguration', { id });
    return this.check('deleteExportConfiguration', checkDeleted, data.deleteExportConfiguration);
  }
}
