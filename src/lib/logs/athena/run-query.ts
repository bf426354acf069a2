/**
 * One SQL statement on Amazon Athena: StartQueryExecution (workgroup, database/catalog, output
 * location), GetQueryExecution polled with back-off (200 ms doubling to 2 s) until a final state,
 * then GetQueryResults page by page (NextToken; the first row of the first page is the header),
 * each page handed on as it comes (streamAthenaQuery), so that a long answer is printed in the
 * memory of a page. When `signal` aborts, the query is stopped (StopQueryExecution) before the
 * INTERRUPTED error is thrown, so Ctrl-C does not leave a query scanning (and billing) in the
 * background.
 *
 * The SDK is imported lazily; credentials come from the SDK's default chain (or the AWS_* keys of
 * the environment given); the endpoint honours AWS_ENDPOINT_URL_ATHENA / AWS_ENDPOINT_URL.
 */
import { randomUUID } from 'node:crypto';
import type * as AthenaSdk from '@aws-sdk/client-athena';
import type { AthenaClient, QueryExecution } from '@aws-sdk/client-athena';
import { endpointFor } from '../../aws/clients.js';
import { awsFailure, isUnreachable } from '../../aws/errors.js';
import { CliError } from '../../errors/cli-error.js';
import { ATHENA_DEFAULTS as ATHENA_TABLE_DEFAULTS } from '../athena-table.js';
import { ExitCode } from '../../errors/exit-codes.js';
import type { Row } from '../rows.js';
import { type AthenaColumn, decodeRows } from './decode.js';
import { type QueryContext, callError, queryCancelledError, queryFailedError } from './errors.js';
import { athenaSdk } from '../../util/aws-sdk.js';

/** How a query runs; the database and table defaults are the athena-ddl table's (../athena-table.ts). */
export const ATHENA_QUERY_DEFAULTS = {
  workgroup: 'primary',
  catalog: 'AwsDataCatalog',
  pollIntervalMs: 200,
  maxPollIntervalMs: 2_000,
  pageSize: 1_000,
} as const;

/**
 * How a read of a query that runs (GetQueryExecution, GetQueryResults) is retried when Athena
 * throttles it (ThrottlingException: the account's API rate, shared with every other client) or
 * does not answer, after the SDK's own 3 attempts: 5 more, 1 s doubling to 8 s apart (~23 s).
 * Without them one burst of throttling ended a 20-minute query's run (exit 5, "check the network")
 * and left the query running.
 */
export const ATHENA_READ_RETRIES = { retries: 5, firstDelayMs: 1_000, maxDelayMs: 8_000 } as const;

/** Whether a failed call is worth another try: throttled, no answer, or a 5xx. */
function transient(error: unknown): boolean {
  const failure = awsFailure(error);
  return failure.kind === 'throttled' || isUnreachable(failure) || (failure.status ?? 0) >= 500;
}

/** `call`, tried again (ATHENA_READ_RETRIES) while it fails transiently and `signal` is not aborted. */
async function patiently<T>(
  call: () => Promise<T>,
  signal: AbortSignal,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
): Promise<T> {
  let delay: number = ATHENA_READ_RETRIES.firstDelayMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (signal.aborted || attempt >= ATHENA_READ_RETRIES.retries || !transient(error)) throw error;
      await sleep(delay, signal);
      delay = Math.min(delay * 2, ATHENA_READ_RETRIES.maxDelayMs);
    }
  }
}

/** A poll that failed for good: the query may still run (streamAthenaQuery stops it). */
class PollFailed extends Error {
  constructor(readonly error: unknown) {
    super('GetQueryExecution failed');
  }
}

export interface AthenaQueryOptions {
  region?: string;
  /** Default `primary`. */
  workgroup?: string;
  /** `s3://bucket/prefix/` for the result files; default: the workgroup's own setting. */
  outputLocation?: string;
  /** Default `immuta_audit`. */
  database?: string;
  /** Default `AwsDataCatalog`. */
  catalog?: string;
  /** An endpoint URL; default AWS_ENDPOINT_URL_ATHENA / AWS_ENDPOINT_URL of the environment, else AWS. */
  endpoint?: string;
  /** First wait before polling (default 200 ms), doubled after each poll... */
  pollIntervalMs?: number;
  /** ...up to this (default 2 s). */
  maxPollIntervalMs?: number;
  /** GetQueryResults page size (default and Athena's maximum 1000). */
  pageSize?: number;
  /** Stop reading after this many rows (one more is read to know that more matched). */
  maxRows?: number;
  /** The SDK's attempts per call (default 3), before ATHENA_READ_RETRIES' own for the reads. */
  maxAttempts?: number;
}

export interface AthenaDeps {
  /** The environment: AWS_* credentials, region and endpoint settings. */
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C: the query is stopped and INTERRUPTED thrown. */
  signal: AbortSignal;
  /** Waits between polls (tests record the back-off). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told each state seen while polling (a spinner's text). */
  onState?: (state: string, queryExecutionId: string) => void;
}

export interface AthenaQueryStats {
  polls: number;
  pages: number;
  dataScannedBytes?: number;
  engineExecutionTimeMs?: number;
  totalExecutionTimeMs?: number;
}

/**
 * A query's answer as it is read: the first page is in when this is returned (the column names
 * come with it), the others are asked for as `batches` is read, one page (at most 1,000 rows) at a
 * time. Read `batches` to the end, or leave it early; either way, or if it is never read, `close()`
 * ends the client (it is idempotent, and reading to the end calls it).
 */
export interface AthenaQueryStream {
  columns: string[];
  batches: AsyncIterable<Row[]>;
  /** Once `batches` is read: more rows than `maxRows` were there (the rest was not read). */
  truncated(): boolean;
  queryExecutionId: string;
  stats: AthenaQueryStats;
  close(): void;
}

type AthenaModule = typeof AthenaSdk;

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

function makeClient(sdk: AthenaModule, options: AthenaQueryOptions, env: NodeJS.ProcessEnv): AthenaClient {
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = options.endpoint ?? endpointFor('ATHENA', env);
  const region = options.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined);
  // The environment given (not only process.env) decides: the same keys the SDK's env provider reads.
  const keys =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  return new sdk.AthenaClient({
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint } : {}),
    ...(keys ? { credentials: keys } : {}),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { requestTimeout: 30_000, connectionTimeout: 5_000 },
  });
}

/**
 * `stopped`: whether StopQueryExecution went through; 'finished' when the query had ended (its
 * results were being read: there was nothing to stop).
 */
function interrupted(queryExecutionId: string | undefined, stopped: boolean | 'finished' | undefined): CliError {
  const what =
    queryExecutionId === undefined
      ? ''
      : stopped === 'finished'
        ? `: Athena query ${queryExecutionId} had finished, its results were being read`
        : stopped
          ? `: Athena query ${queryExecutionId} stopped`
          : `: Athena query ${queryExecutionId} may still run (aws athena stop-query-execution --query-execution-id ${queryExecutionId})`;
  return new CliError(`interrupted${what}`, {
    code: 'INTERRUPTED',
    exitCode: ExitCode.INTERRUPTED,
    ...(queryExecutionId ? { details: { queryExecutionId, stopped: stopped === true } } : {}),
  });
}

/** Runs `sql` on Athena and gives its rows a page at a time, decoded like the DuckDB engine's (decode.ts). */
export async function streamAthenaQuery(
  sql: string,
  options: AthenaQueryOptions,
  deps: AthenaDeps,
): Promise<AthenaQueryStream> {
  const { signal } = deps;
  const sleep = deps.sleep ?? abortableSleep;
  const context: QueryContext = {
    workgroup: options.workgroup ?? ATHENA_QUERY_DEFAULTS.workgroup,
    database: options.database ?? ATHENA_TABLE_DEFAULTS.database,
    ...(options.outputLocation ? { outputLocation: options.outputLocation } : {}),
  };
  signal.throwIfAborted();
  const sdk = athenaSdk();
  const client = makeClient(sdk, options, deps.env);
  // For the fixes that depend on it (a table or workgroup "missing" in another region).
  const region = await client.config.region().catch(() => undefined);
  if (region) context.region = region;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    client.destroy();
  };
  try {
    let started;
    try {
      started = await client.send(
        new sdk.StartQueryExecutionCommand({
          QueryString: sql,
          ClientRequestToken: randomUUID(),
          WorkGroup: context.workgroup,
          QueryExecutionContext: {
            Database: context.database,
            Catalog: options.catalog ?? ATHENA_QUERY_DEFAULTS.catalog,
          },
          ...(options.outputLocation ? { ResultConfiguration: { OutputLocation: options.outputLocation } } : {}),
        }),
        // Not aborted by the signal: a start cut off in flight may still start the query, with no id
        // left to stop it. The answer comes quickly; a Ctrl-C meanwhile stops the query right after.
      );
    } catch (error) {
      if (signal.aborted) throw interrupted(undefined, undefined);
      throw callError(error, 'StartQueryExecution', context);
    }
    const id = started.QueryExecutionId;
    if (!id) throw callError(new Error('no QueryExecutionId in the answer'), 'StartQueryExecution', context);
    context.queryExecutionId = id;

    const stop = async (): Promise<boolean> => {
      try {
        await client.send(new sdk.StopQueryExecutionCommand({ QueryExecutionId: id }), {
          abortSignal: AbortSignal.timeout(5_000),
        });
        return true;
      } catch {
        return false;
      }
    };

    if (signal.aborted) throw interrupted(id, await stop());
    const stats: AthenaQueryStats = { polls: 0, pages: 0 };
    try {
      const execution = await waitForQuery(client, sdk, id, options, deps, sleep, stats, context);
      const q = execution.Statistics;
      if (q?.DataScannedInBytes !== undefined) stats.dataScannedBytes = q.DataScannedInBytes;
      if (q?.EngineExecutionTimeInMillis !== undefined) stats.engineExecutionTimeMs = q.EngineExecutionTimeInMillis;
      if (q?.TotalExecutionTimeInMillis !== undefined) stats.totalExecutionTimeMs = q.TotalExecutionTimeInMillis;
    } catch (error) {
      if (error instanceof PollFailed && !signal.aborted) {
        // Its state cannot be read: stop it rather than leave it scanning (and billing) unseen.
        const stopped = await stop();
        throw callError(error.error, 'GetQueryExecution', context, {
          stopped,
          note: stopped
            ? `; the query was stopped`
            : `; the query may still run (aws athena stop-query-execution --query-execution-id ${id})`,
        });
      }
      if (!signal.aborted) throw error;
      // Ctrl-C: stop the query whatever state it was in (a finished one answers an error: ignored).
      throw interrupted(id, await stop());
    }
    const pages = new ResultPages(client, sdk, id, options, signal, stats, context, sleep);
    const first = await pages.next();
    const names = pages.columns;
    async function* batches(): AsyncGenerator<Row[]> {
      try {
        let cells = first;
        while (cells !== undefined) {
          if (cells.length > 0) yield decodeRows(names, cells);
          cells = await pages.next();
        }
      } finally {
        close();
      }
    }
    return {
      columns: names.map((c) => c.name),
      batches: batches(),
      truncated: () => pages.truncated,
      queryExecutionId: id,
      stats,
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

async function waitForQuery(
  client: AthenaClient,
  sdk: AthenaModule,
  id: string,
  options: AthenaQueryOptions,
  deps: AthenaDeps,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  stats: AthenaQueryStats,
  context: QueryContext,
): Promise<QueryExecution> {
  const { signal } = deps;
  const max = options.maxPollIntervalMs ?? ATHENA_QUERY_DEFAULTS.maxPollIntervalMs;
  let delay = Math.min(options.pollIntervalMs ?? ATHENA_QUERY_DEFAULTS.pollIntervalMs, max);
  for (;;) {
    await sleep(delay, signal);
    signal.throwIfAborted();
    delay = Math.min(delay * 2, max);
    let answer;
    try {
      answer = await patiently(
        () => client.send(new sdk.GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: signal }),
        signal,
        sleep,
      );
    } catch (error) {
      if (signal.aborted) throw error;
      throw new PollFailed(error);
    }
    stats.polls++;
    const execution = answer.QueryExecution ?? {};
    const status = execution.Status ?? {};
    const state = status.State ?? 'UNKNOWN';
    deps.onState?.(state, id);
    if (state === 'SUCCEEDED') return execution;
    if (state === 'FAILED')
      throw queryFailedError(status.StateChangeReason, status.AthenaError?.ErrorCategory, context);
    if (state === 'CANCELLED') {
      if (signal.aborted) throw new Error('aborted');
      throw queryCancelledError(status.StateChangeReason, context);
    }
    // QUEUED, RUNNING (and any state Athena adds later): keep waiting.
  }
}

/**
 * The pages of a query's results, read one at a time: each is its rows' cells (the header row of
 * the first page dropped), up to `maxRows` rows in all (one more row is read to know that more
 * matched: `truncated`). Ctrl-C while a page is read is INTERRUPTED (the query had finished).
 */
class ResultPages {
  columns: AthenaColumn[] = [];
  truncated = false;
  private token: string | undefined;
  private first = true;
  private done = false;
  private rows = 0;
  private readonly maxRows: number;
  private readonly pageSize: number;

  constructor(
    private readonly client: AthenaClient,
    private readonly sdk: AthenaModule,
    private readonly id: string,
    options: AthenaQueryOptions,
    private readonly signal: AbortSignal,
    private readonly stats: AthenaQueryStats,
    private readonly context: QueryContext,
    private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  ) {
    this.maxRows = options.maxRows ?? Number.POSITIVE_INFINITY;
    this.pageSize = Math.min(
      Math.max(options.pageSize ?? ATHENA_QUERY_DEFAULTS.pageSize, 1),
      ATHENA_QUERY_DEFAULTS.pageSize,
    );
  }

  /** The next page's cells, or undefined after the last (or once `maxRows` rows were given). */
  async next(): Promise<(string | undefined)[][] | undefined> {
    if (this.done) return undefined;
    if (this.signal.aborted) throw interrupted(this.id, 'finished');
    let page;
    try {
      page = await patiently(
        () =>
          this.client.send(
            new this.sdk.GetQueryResultsCommand({
              QueryExecutionId: this.id,
              MaxResults: this.pageSize,
              NextToken: this.token,
            }),
            { abortSignal: this.signal },
          ),
        this.signal,
        this.sleep,
      );
    } catch (error) {
      if (this.signal.aborted) throw interrupted(this.id, 'finished');
      throw callError(error, 'GetQueryResults', this.context);
    }
    this.stats.pages++;
    if (this.first) {
      this.columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c, i) => ({
        name: c.Name ?? c.Label ?? `_col${i}`,
        type: c.Type ?? 'varchar',
      }));
    }
    const cells: (string | undefined)[][] = [];
    for (const [index, row] of (page.ResultSet?.Rows ?? []).entries()) {
      const values = (row.Data ?? []).map((datum) => datum.VarCharValue);
      // A SELECT's first row is its header: drop it when it is the column names (it always is).
      if (this.first && index === 0 && isHeader(values, this.columns)) continue;
      cells.push(values);
    }
    this.first = false;
    this.token = page.NextToken;
    this.rows += cells.length;
    if (this.rows > this.maxRows) {
      this.truncated = true;
      cells.length -= this.rows - this.maxRows;
    }
    if (!this.token || this.rows > this.maxRows) this.done = true;
    return cells;
  }
}

function isHeader(values: readonly (string | undefined)[], columns: readonly AthenaColumn[]): boolean {
  return values.length === columns.length && values.every((v, i) => v === columns[i]?.name);
}
