/**
 * A fake Amazon Athena for tests, on nock: the AWS JSON 1.1 protocol (POST /, `X-Amz-Target:
 * AmazonAthena.<Operation>`, `application/x-amz-json-1.1`) at an endpoint on 127.0.0.1 (nothing
 * listens there: nock answers). It records every StartQueryExecution, moves each query through the
 * scripted states one GetQueryExecution at a time (QUEUED -> RUNNING -> SUCCEEDED by default; or
 * FAILED with a reason; or RUNNING until StopQueryExecution), and serves the scripted rows in pages
 * with NextToken, the header row first, as Athena does. Answers are "recorded": every cell a string,
 * `null` for NULL.
 *
 *   const athena = fakeAthena();
 *   athena.answer({ columns: [{ name: 'n', type: 'bigint' }], rows: [['1']] });
 *   ... streamAthenaQuery('SELECT 1 AS n', { endpoint: athena.endpoint }, deps) ...
 *   athena.close(); // in afterEach: nock.cleanAll() and net connect allowed again
 */
import nock from 'nock';

export interface FakeColumn {
  name: string;
  type: string;
}

export interface FakeAnswer {
  columns?: FakeColumn[];
  rows?: (string | null)[][];
  /** States answered by successive GetQueryExecution calls; the last one repeats. Default QUEUED, RUNNING, SUCCEEDED. */
  states?: string[];
  /** The final state is FAILED with this reason (and AthenaError.ErrorCategory, default 2: user). */
  failure?: { reason: string; category?: number };
  /** Stays RUNNING until StopQueryExecution (then CANCELLED). */
  hang?: boolean;
  /** The Statistics of GetQueryExecution. */
  statistics?: Record<string, number>;
}

export interface StartedQuery {
  id: string;
  queryString: string;
  workGroup: string | undefined;
  database: string | undefined;
  catalog: string | undefined;
  outputLocation: string | undefined;
  clientRequestToken: string | undefined;
}

export interface FakeCall {
  operation: string;
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

export interface CallError {
  status: number;
  type: string;
  message: string;
}

export interface FakeAthena {
  endpoint: string;
  started: StartedQuery[];
  calls: FakeCall[];
  stopped: string[];
  /** Queue the answer of the next query started (one per StartQueryExecution, in order). */
  answer(answer: FakeAnswer): void;
  /** The next call of `operation` fails with this AWS error (e.g. 400 AccessDeniedException). */
  failNext(operation: string, error: CallError): void;
  /** Every operation called, in order. */
  operations(): string[];
  /** Called with each operation before it is answered (to see what the client did meanwhile). */
  beforeReply?: (operation: string) => void;
  close(): void;
}

interface QueryState {
  answer: FakeAnswer;
  polls: number;
  stopped: boolean;
}

export function fakeAthena(endpoint = 'http://127.0.0.1:4599'): FakeAthena {
  const pending: FakeAnswer[] = [];
  const queries = new Map<string, QueryState>();
  const failures = new Map<string, CallError[]>();
  const fake: FakeAthena = {
    endpoint,
    started: [],
    calls: [],
    stopped: [],
    answer: (answer) => pending.push(answer),
    failNext: (operation, error) => failures.set(operation, [...(failures.get(operation) ?? []), error]),
    operations: () => fake.calls.map((c) => c.operation),
    close: () => {
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };

  const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
    [status, JSON.stringify(body), { 'content-type': 'application/x-amz-json-1.1', ...extra }] as const;

  const state = (q: QueryState): string => {
    if (q.stopped) return 'CANCELLED';
    if (q.answer.hang) return q.polls <= 1 ? 'QUEUED' : 'RUNNING';
    const states = q.answer.states ?? ['QUEUED', 'RUNNING', q.answer.failure ? 'FAILED' : 'SUCCEEDED'];
    return states[Math.min(q.polls - 1, states.length - 1)] ?? 'SUCCEEDED';
  };

  nock(endpoint)
    .persist()
    .post('/')
    .reply(function reply(_uri, requestBody) {
      const target = String(this.req.headers['x-amz-target'] ?? '');
      const operation = target.replace(/^AmazonAthena\./, '');
      const body = (typeof requestBody === 'string' ? JSON.parse(requestBody || '{}') : requestBody) as Record<
        string,
        unknown
      >;
      fake.calls.push({ operation, body, headers: { ...this.req.headers } });
      fake.beforeReply?.(operation);
      const failure = failures.get(operation)?.shift();
      if (failure) {
        return json(
          failure.status,
          { __type: failure.type, Message: failure.message },
          {
            'x-amzn-errortype': failure.type,
          },
        );
      }
      const id = String(body.QueryExecutionId ?? '');
      const query = queries.get(id);
      switch (operation) {
        case 'StartQueryExecution': {
          const newId = `qe-${fake.started.length + 1}`;
          const context = (body.QueryExecutionContext ?? {}) as Record<string, string>;
          const result = (body.ResultConfiguration ?? {}) as Record<string, string>;
          fake.started.push({
            id: newId,
            queryString: String(body.QueryString),
            workGroup: body.WorkGroup as string | undefined,
            database: context.Database,
            catalog: context.Catalog,
            outputLocation: result.OutputLocation,
            clientRequestToken: body.ClientRequestToken as string | undefined,
          });
          queries.set(newId, { answer: pending.shift() ?? {}, polls: 0, stopped: false });
          return json(200, { QueryExecutionId: newId });
        }
        case 'GetQueryExecution': {
          if (!query)
            return json(400, { __type: 'InvalidRequestException', Message: `QueryExecution ${id} was not found` });
          query.polls++;
          const now = state(query);
          const failed = now === 'FAILED' && query.answer.failure;
          return json(200, {
            QueryExecution: {
              QueryExecutionId: id,
              Status: {
                State: now,
                ...(failed
                  ? {
                      StateChangeReason: query.answer.failure?.reason,
                      AthenaError: { ErrorCategory: query.answer.failure?.category ?? 2, ErrorType: 1000 },
                    }
                  : {}),
                ...(now === 'CANCELLED' ? { StateChangeReason: 'Query cancelled by user' } : {}),
              },
              Statistics: query.answer.statistics ?? { DataScannedInBytes: 1234, EngineExecutionTimeInMillis: 56 },
            },
          });
        }
        case 'GetQueryResults': {
          if (!query || state(query) !== 'SUCCEEDED')
            return json(400, { __type: 'InvalidRequestException', Message: 'Query has not yet finished.' });
          const columns = query.answer.columns ?? [];
          const all = [columns.map((c) => c.name), ...(query.answer.rows ?? [])];
          const offset = Number(body.NextToken ?? 0);
          const max = Number(body.MaxResults ?? 1000);
          const page = all.slice(offset, offset + max);
          const next = offset + max < all.length ? String(offset + max) : undefined;
          return json(200, {
            ResultSet: {
              Rows: page.map((row) => ({ Data: row.map((cell) => (cell === null ? {} : { VarCharValue: cell })) })),
              ResultSetMetadata: {
                ColumnInfo: columns.map((c) => ({
                  CatalogName: 'hive',
                  Name: c.name,
                  Label: c.name,
                  Type: c.type,
                  Nullable: 'UNKNOWN',
                  CaseSensitive: c.type === 'varchar',
                })),
              },
            },
            ...(next ? { NextToken: next } : {}),
          });
        }
        case 'StopQueryExecution': {
          fake.stopped.push(id);
          if (query) query.stopped = true;
          return json(200, {});
        }
        default:
          return json(400, { __type: 'UnknownOperationException', Message: operation });
      }
    });
  return fake;
}
