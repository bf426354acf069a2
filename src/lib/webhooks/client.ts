import * as z from 'zod'; // a namespace import: the bundle keeps only what is used (not zod's 60 locales)
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { TenantSettings } from '../config/tenant-settings.js';
import { redactText } from '../output/redact.js';
import { type FetchLike, RequestFailed, guardedFetch } from '../util/guarded-fetch.js';

/**
 * Immuta's V1 REST webhooks API (Govern API, `../shared/notes/immuta-audit-events.md` U7):
 * POST /webhooks, GET /webhooks, GET /webhooks/actions, DELETE /webhooks/{id}, authenticated with
 * the API key as the whole Authorization header. The answer shapes are not documented beyond the
 * request body, so they are read leniently: an id, a url and a name are all this CLI relies on.
 */
export const REQUEST_TIMEOUT_MS = 30_000;
/** A webhook list is small; a megabyte is far beyond any real answer. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

export const WebhookSchema = z
  .object({
    id: z.union([z.string(), z.number()]).transform(String),
    url: z.string().optional(),
    name: z.string().optional(),
    notificationType: z.union([z.array(z.string()), z.string()]).optional(),
    global: z.boolean().optional(),
    createdAt: z.string().optional(),
  })
  .loose();
export type Webhook = z.infer<typeof WebhookSchema>;

export interface NewWebhook {
  url: string;
  name: string;
  notificationType: string[];
  global: boolean;
}

export interface WebhooksClientOptions {
  settings: Pick<TenantSettings, 'host' | 'apiKey'>;
  signal?: AbortSignal;
  fetch?: FetchLike;
  /** Default REQUEST_TIMEOUT_MS (tests shorten it). */
  timeoutMs?: number;
}

/** The answer's list: a bare array, or wrapped as {webhooks: [...]} / {data: [...]}. */
function listOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (value && typeof value === 'object') {
    for (const key of ['webhooks', 'data', 'actions', 'notificationTypes']) {
      const inner = (value as Record<string, unknown>)[key];
      if (Array.isArray(inner)) return inner;
    }
  }
  return undefined;
}

export class WebhooksClient {
  private readonly host: string;

  constructor(private readonly options: WebhooksClientOptions) {
    this.host = options.settings.host.replace(/\/+$/, '');
  }

  async list(): Promise<Webhook[]> {
    return this.parseWebhooks('GET /webhooks', await this.request('GET', '/webhooks'));
  }

  async create(webhooks: NewWebhook[]): Promise<Webhook[]> {
    try {
      return this.parseWebhooks('POST /webhooks', await this.request('POST', '/webhooks', { webhooks }));
    } catch (error) {
      // A 2xx whose body cannot be read, or no answer in time: the tenant took (or may have taken)
      // the request, so the webhook may exist now. "Try again" made a second one (Immuta's webhooks
      // have no unique name).
      if (!(error instanceof CliError) || !mayHaveBeenMade(error)) throw error;
      throw new CliError(error.message, {
        code: error.code,
        exitCode: error.exitCode,
        fix: 'The webhook may have been created: check with `immuta webhooks list` before creating it again.',
        details: { webhookMayHaveBeenCreated: true },
      });
    }
  }

  async delete(id: string): Promise<void> {
    // A 2xx is the deletion: its body (the webhook, a count, "OK" or nothing) is not read, so an
    // answer this CLI cannot parse no longer fails a delete that was made (a retry said "not found").
    await this.request('DELETE', `/webhooks/${encodeURIComponent(id)}`, undefined, id, false);
  }

  /** GET /webhooks/actions: the notification types the tenant accepts. */
  async types(): Promise<string[]> {
    const answer = await this.request('GET', '/webhooks/actions');
    const list = listOf(answer);
    if (!list) throw this.unexpected('GET /webhooks/actions', 'not a list');
    return list
      .map((item) =>
        typeof item === 'string'
          ? item
          : typeof item === 'object' && item !== null
            ? String((item as Record<string, unknown>).name ?? (item as Record<string, unknown>).type ?? '')
            : '',
      )
      .filter((name) => name !== '');
  }

  private parseWebhooks(operation: string, answer: unknown): Webhook[] {
    const list = listOf(answer);
    if (!list) throw this.unexpected(operation, 'not a list of webhooks');
    return list.map((item, index) => {
      const parsed = WebhookSchema.safeParse(item);
      if (!parsed.success) throw this.unexpected(operation, `item ${index} has no id`);
      return parsed.data;
    });
  }

  private unexpected(operation: string, detail: string): CliError {
    return new CliError(`${this.host} answered ${operation} with something unexpected (${detail})`, {
      code: 'WEBHOOK_API_UNEXPECTED',
      exitCode: ExitCode.TENANT,
      fix: 'Check the tenant URL (`immuta configure --show`): it must be the Immuta tenant itself.',
    });
  }

  private async request(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, id?: string, parse = true) {
    const what = `${method} ${path}`;
    let response;
    try {
      response = await guardedFetch({
        url: `${this.host}${path}`,
        method,
        headers: {
          authorization: this.options.settings.apiKey,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: this.options.timeoutMs ?? REQUEST_TIMEOUT_MS,
        maxBytes: MAX_ANSWER_BYTES,
        signal: this.options.signal,
        fetch: this.options.fetch,
      });
    } catch (error) {
      if (!(error instanceof RequestFailed)) throw error;
      if (error.failure.kind === 'aborted')
        throw new CliError('interrupted', { code: 'INTERRUPTED', exitCode: ExitCode.INTERRUPTED });
      throw new CliError(`${what} on ${this.host} failed: ${error.message}`, {
        code: 'WEBHOOK_API_UNREACHABLE',
        exitCode: ExitCode.TENANT,
        fix: 'Check the tenant URL and the network (`immuta configure --show`), then try again.',
        cause: error,
      });
    }
    const { status } = response;
    if (status === 401 || status === 403) {
      throw new CliError(`${this.host} refused ${what} (HTTP ${status})`, {
        code: status === 401 ? 'WEBHOOK_API_UNAUTHORIZED' : 'WEBHOOK_API_FORBIDDEN',
        exitCode: ExitCode.AUTH,
        fix:
          status === 401
            ? 'Create a new API key on your Immuta profile page and run `immuta configure`.'
            : 'Creating webhooks for system events needs the APPLICATION_ADMIN permission: use a key of a user who has it.',
      });
    }
    if (status === 404 && id !== undefined) {
      throw new CliError(`webhook ${id} not found`, {
        code: 'WEBHOOK_NOT_FOUND',
        exitCode: ExitCode.USAGE,
        fix: 'List the webhooks with `immuta webhooks list`.',
      });
    }
    if (status < 200 || status >= 300) {
      const hint = status === 400 ? `: ${messageOf(response.text)}` : '';
      throw new CliError(`${this.host} answered ${what} with HTTP ${status}${hint}`, {
        code: status === 400 ? 'WEBHOOK_API_REJECTED' : 'WEBHOOK_API_FAILED',
        exitCode: status === 400 ? ExitCode.USAGE : ExitCode.TENANT,
        fix:
          status === 400 ? 'Check the notification types with `immuta webhooks types` and the URL.' : failedFix(status),
      });
    }
    if (!parse || response.text.trim() === '') return undefined;
    if (response.truncated) throw this.unexpected(what, `more than ${MAX_ANSWER_BYTES} bytes`);
    try {
      return JSON.parse(response.text) as unknown;
    } catch {
      throw this.unexpected(what, 'not JSON');
    }
  }
}

/**
 * A 404 or 405 on the webhooks API's own paths is an address that is not an Immuta tenant (a URL
 * with /api/audit/graphql, a proxy's page), which "try again later" never mends; 5xx and others may pass.
 */
function failedFix(status: number): string {
  if (status === 404 || status === 405) {
    return 'Check the tenant URL (`immuta configure --show`): it must be the Immuta tenant itself, e.g. https://your-immuta.com, with no /api/... path.';
  }
  return 'Try again later; `immuta configure --show` shows which tenant was called.';
}

function mayHaveBeenMade(error: CliError): boolean {
  if (error.code === 'WEBHOOK_API_UNEXPECTED') return true;
  return error.cause instanceof RequestFailed && error.cause.failure.kind === 'timeout';
}

/**
 * The `message` of a Hapi-style error body, cut short; the raw text otherwise. Redacted before the
 * cut: a message quoting the webhook URL late, cut in two, printed the head of its token.
 */
function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return redactText(parsed.message).slice(0, 300);
  } catch {
    // not JSON: fall through
  }
  return redactText(text).slice(0, 300) || 'no details';
}
