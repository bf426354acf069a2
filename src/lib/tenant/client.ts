import { ClientError, GraphQLClient } from 'graphql-request';
import { z } from 'zod';
import type { TenantSettings } from '../config/tenant-settings.js';
import { debugLog } from '../output/debug.js';
import { registerSecret } from '../output/redact.js';
import { MUTATIONS, type OperationName, documents } from './documents.js';
import { type TenantFailure, isRetryable, networkCode, tenantError, unexpectedAnswer } from './errors.js';
import { createFetch } from './transport.js';
import {
  type ExportConfiguration,
  ExportConfigurationSchema,
  type ExportJobTask,
  ExportJobTaskSchema,
} from './types.js';

export const GRAPHQL_PATH = '/api/audit/graphql';

export interface TenantClientOptions {
  /** Per-request timeout (default 30 s, or IMMUTA_TIMEOUT in ms). */
  timeoutMs?: number;
  /** Attempts for reads (mutations are always tried once). */
  readAttempts?: number;
  /** Base back-off delay in ms (tests make it small). */
  backoffMs?: number;
  fetch?: typeof fetch;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Maps whatever graphql-request or fetch threw to a TenantFailure. Never keeps request variables. */
export function classifyFailure(error: unknown, timeoutMs: number): TenantFailure {
  if (error instanceof ClientError) {
    const { status } = error.response;
    const headers = error.response.headers as Headers | undefined;
    const contentType = headers?.get?.('content-type') ?? null;
    const messages = (error.response.errors ?? []).map((e) => e.message);
    if (status >= 200 && status < 300) {
      const codes = (error.response.errors ?? []).map((e) =>
        String((e.extensions as { code?: unknown } | undefined)?.code ?? ''),
      );
      return { kind: 'graphql', messages, codes };
    }
    const retry = retryAfterMs(headers);
    return {
      kind: 'http',
      status,
      contentType,
      graphqlMessages: messages,
      ...(retry === undefined ? {} : { retryAfterMs: retry }),
    };
  }
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
 */
export class TenantClient {
  readonly endpoint: string;
  private readonly settings: TenantSettings;
  private readonly timeoutMs: number;
  private readonly readAttempts: number;
  private readonly backoffMs: number;
  private readonly fetchOverride: typeof fetch | undefined;
  private client: GraphQLClient | undefined;
  /** Content type of the last HTTP answer: graphql-request drops it when a 2xx body is not JSON. */
  private lastContentType: string | null = null;

  constructor(settings: TenantSettings, options: TenantClientOptions = {}) {
    registerSecret(settings.apiKey);
    this.settings = settings;
    this.endpoint = `${settings.host}${GRAPHQL_PATH}`;
    this.timeoutMs = options.timeoutMs ?? (Number(process.env.IMMUTA_TIMEOUT) || 30_000);
    this.readAttempts = options.readAttempts ?? 3;
    this.backoffMs = options.backoffMs ?? (Number(process.env.IMMUTA_RETRY_BASE_MS) || 500);
    this.fetchOverride = options.fetch;
  }

  get host(): string {
    return this.settings.host;
  }

  private async graphql(): Promise<GraphQLClient> {
    if (!this.client) {
      const base = this.fetchOverride ?? (await createFetch());
      const recording = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
        this.lastContentType = null;
        const response = await base(input, init);
        this.lastContentType = response.headers.get('content-type');
        return response;
      }) as typeof fetch;
      this.client = new GraphQLClient(this.endpoint, {
        headers: { authorization: this.settings.apiKey, 'user-agent': 'immuta-audit-cli' },
        fetch: recording,
      });
    }
    return this.client;
  }

  /** Sends one operation by name; returns its `data` or throws a CliError with the failure class. */
  async request<T>(operation: OperationName, variables?: Record<string, unknown>): Promise<T> {
    const client = await this.graphql();
    const attempts = MUTATIONS.has(operation) ? 1 : Math.max(1, this.readAttempts);
    let last: TenantFailure | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const started = Date.now();
      try {
        debugLog('immuta:tenant', `${operation} -> ${this.endpoint} (attempt ${attempt}/${attempts})`);
        const data = await client.request<T>({
          document: documents[operation],
          variables,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        debugLog('immuta:tenant', `${operation} <- ok in ${Date.now() - started} ms`);
        // A JSON 200 without `data` (some other JSON API at that URL) is not the audit service.
        if (data === null || typeof data !== 'object') {
          last = { kind: 'not-graphql', contentType: this.lastContentType };
          break;
        }
        return data;
      } catch (error) {
        last = classifyFailure(error, this.timeoutMs);
        if (last.kind === 'not-graphql' && last.contentType === null)
          last = { ...last, contentType: this.lastContentType };
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
    }
    throw tenantError(last ?? { kind: 'not-graphql', contentType: null }, this.settings.host);
  }

  /** Parses an answer with its schema; a mismatch is the tenant's (exit 5), not a bug of ours (exit 1). */
  private parseAnswer<S extends z.ZodType>(operation: OperationName, schema: S, value: unknown): z.infer<S> {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw unexpectedAnswer(operation, `${where}${issue?.message ?? 'invalid'}`, this.settings.host);
  }

  async listExportConfigurations(): Promise<ExportConfiguration[]> {
    const data = await this.request<{ getAllExportConfigurations: unknown }>('getAllExportConfigurations');
    return this.parseAnswer(
      'getAllExportConfigurations',
      z.array(ExportConfigurationSchema),
      data.getAllExportConfigurations ?? [],
    );
  }

  async getExportJobTasks(exportJobId: string): Promise<ExportJobTask[]> {
    const data = await this.request<{ getAllExportJobTasks: unknown }>('getAllExportJobTasks', { exportJobId });
    return this.parseAnswer('getAllExportJobTasks', z.array(ExportJobTaskSchema), data.getAllExportJobTasks ?? []);
  }

  /** Runs one of the create/update/enable/disable mutations and returns the configuration it answers. */
  async mutateConfiguration(
    operation: OperationName,
    variables: Record<string, unknown>,
  ): Promise<ExportConfiguration> {
    const data = await this.request<Record<string, unknown>>(operation, variables);
    return this.parseAnswer(operation, ExportConfigurationSchema, data[operation]);
  }

  async deleteExportConfiguration(id: string): Promise<{ id: string }> {
    const data = await this.request<{ deleteExportConfiguration: unknown }>('deleteExportConfiguration', { id });
    return this.parseAnswer(
      'deleteExportConfiguration',
      z.object({ id: z.string() }).loose(),
      data.deleteExportConfiguration,
    );
  }
}
