import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import nock from 'nock';
import { decodeRows, decoderFor, isoFromAthenaTimestamp } from '../../../src/lib/logs/athena/decode.js';
import { type AthenaDeps, type AthenaQueryOptions, streamAthenaQuery } from '../../../src/lib/logs/athena/run-query.js';
import type { Row } from '../../../src/lib/logs/rows.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { type FakeAthena, fakeAthena } from '../../helpers/fake-athena.js';
import { closedPort } from '../../helpers/ports.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
const env = () => ({ AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE', AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: 'eu-west-1' });

/** The query's whole answer: its stream read to the end. */
async function runAthenaQuery(sql: string, options: AthenaQueryOptions, deps: AthenaDeps) {
  const stream = await streamAthenaQuery(sql, options, deps);
  const rows: Row[] = [];
  try {
    for await (const batch of stream.batches) rows.push(...batch);
  } finally {
    stream.close();
  }
  return { ...stream, rows, truncated: stream.truncated() };
}

describe('streamAthenaQuery against a fake Athena', () => {
  let athena: FakeAthena;
  let delays: number[];
  let deps: AthenaDeps;

  beforeEach(() => {
    athena = fakeAthena();
    delays = [];
    deps = {
      env: env(),
      signal: new AbortController().signal,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    };
  });
  afterEach(() => {
    athena.close();
    vi.unstubAllEnvs();
  });

  it('starts the query with the workgroup, database, catalog and output location, then polls with back-off', async () => {
    athena.answer({
      columns: [{ name: 'n', type: 'bigint' }],
      rows: [['7']],
      states: ['QUEUED', 'QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED'],
    });
    const states: string[] = [];
    const result = await runAthenaQuery(
      'SELECT 7 AS n',
      { endpoint: athena.endpoint, workgroup: 'audit', database: 'logs_db', outputLocation: 's3://results/athena/' },
      { ...deps, onState: (state) => states.push(state) },
    );
    expect(result).toMatchObject({ columns: ['n'], rows: [{ n: 7 }], truncated: false, queryExecutionId: 'qe-1' });
    expect(result.stats).toMatchObject({ polls: 8, pages: 1, dataScannedBytes: 1234, engineExecutionTimeMs: 56 });
    expect(athena.started).toEqual([
      expect.objectContaining({
        queryString: 'SELECT 7 AS n',
        workGroup: 'audit',
        database: 'logs_db',
        catalog: 'AwsDataCatalog',
        outputLocation: 's3://results/athena/',
      }),
    ]);
    expect(athena.started[0]?.clientRequestToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(delays).toEqual([200, 400, 800, 1600, 2000, 2000, 2000, 2000]);
    expect(states).toEqual(['QUEUED', 'QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'SUCCEEDED']);
    // Signed AWS JSON 1.1 calls.
    const call = athena.calls[0];
    expect(call?.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(String(call?.headers.authorization)).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAFAKEFAKEFAKE\/\d+\/eu-west-1\/athena\//,
    );
  });

  it('defaults: workgroup primary, database immuta_audit, no output location (the workgroup decides)', async () => {
    athena.answer({ columns: [{ name: 'x', type: 'varchar' }], rows: [], states: ['SUCCEEDED'] });
    const result = await runAthenaQuery('SELECT x FROM t', { endpoint: athena.endpoint }, deps);
    expect(result.rows).toEqual([]);
    expect(athena.started[0]).toMatchObject({
      workGroup: 'primary',
      database: 'immuta_audit',
      outputLocation: undefined,
    });
    // A fresh token every run.
    athena.answer({ columns: [{ name: 'x', type: 'varchar' }], rows: [], states: ['SUCCEEDED'] });
    await runAthenaQuery('SELECT x FROM t', { endpoint: athena.endpoint }, deps);
    expect(athena.started[1]?.clientRequestToken).not.toBe(athena.started[0]?.clientRequestToken);
  });

  it('pages through 2500 rows (1000 a page, the header only on the first)', async () => {
    const rows = Array.from({ length: 2500 }, (_, i) => [String(i), `name ${i}`]);
    athena.answer({
      columns: [
        { name: 'i', type: 'integer' },
        { name: 'name', type: 'varchar' },
      ],
      rows,
      states: ['SUCCEEDED'],
    });
    const result = await runAthenaQuery('SELECT i, name FROM t', { endpoint: athena.endpoint }, deps);
    expect(result.rows).toHaveLength(2500);
    expect(result.rows[0]).toEqual({ i: 0, name: 'name 0' });
    expect(result.rows[999]).toEqual({ i: 999, name: 'name 999' });
    expect(result.rows[2499]).toEqual({ i: 2499, name: 'name 2499' });
    expect(result.rows.map((r) => r.i)).toEqual(rows.map((_, i) => i));
    const pages = athena.calls.filter((c) => c.operation === 'GetQueryResults');
    expect(pages.map((c) => [c.body.MaxResults, c.body.NextToken])).toEqual([
      [1000, undefined],
      [1000, '1000'],
      [1000, '2000'],
    ]);
    expect(result.stats.pages).toBe(3);
  });

  it('maxRows stops paging once one more row than asked was read', async () => {
    athena.answer({
      columns: [{ name: 'i', type: 'integer' }],
      rows: Array.from({ length: 2500 }, (_, i) => [String(i)]),
      states: ['SUCCEEDED'],
    });
    const result = await runAthenaQuery('SELECT i FROM t', { endpoint: athena.endpoint, maxRows: 1200 }, deps);
    expect(result.rows).toHaveLength(1200);
    expect(result.truncated).toBe(true);
    expect(athena.operations().filter((o) => o === 'GetQueryResults')).toHaveLength(2);
  });

  it('FAILED: a missing table says to run athena-ddl (exit 2), with the query id', async () => {
    athena.answer({
      failure: { reason: "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.immuta_audit.events_raw' does not exist" },
    });
    const error = await failure(runAthenaQuery('SELECT * FROM events_raw', { endpoint: athena.endpoint }, deps));
    expect(error).toMatchObject({ code: 'LOGS_ATHENA_QUERY_FAILED', exitCode: 2 });
    expect(error.message).toContain('(query qe-1)');
    expect(error.message).toContain("Table 'awsdatacatalog.immuta_audit.events_raw' does not exist");
    expect(error.fix).toContain('immuta audit logs athena-ddl');
    // Glue databases are per region: a table made in another region is missing here.
    expect(error.fix).toContain('database "immuta_audit", region eu-west-1');
    expect(error.fix).toContain('pass --region');
    expect(error.details).toMatchObject({ queryExecutionId: 'qe-1', workgroup: 'primary', database: 'immuta_audit' });
  });

  it('FAILED: no output location says --output-location; the reason is escaped and capped', async () => {
    athena.answer({
      failure: {
        reason: `No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.\u001b]0;pwned\u0007${'x'.repeat(900)}`,
      },
    });
    const error = await failure(runAthenaQuery('SELECT 1', { endpoint: athena.endpoint }, deps));
    expect(error.code).toBe('LOGS_ATHENA_QUERY_FAILED');
    expect(error.fix).toContain('--output-location');
    expect(error.message).not.toContain('\u001b');
    expect(error.message).toContain('\\u001b');
    expect(error.message.length).toBeLessThan(600);
  });

  it('FAILED: Access Denied on S3 inside the query is exit 4 with the IAM actions; a system error is exit 5', async () => {
    athena.answer({
      failure: { reason: 'Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)' },
    });
    const denied = await failure(runAthenaQuery('SELECT 1', { endpoint: athena.endpoint }, deps));
    expect(denied).toMatchObject({ code: 'LOGS_ATHENA_ACCESS_DENIED', exitCode: 4 });
    expect(denied.fix).toContain('athena:StartQueryExecution');
    expect(denied.fix).toContain('s3:PutObject');
    athena.answer({ failure: { reason: 'Internal error', category: 1 } });
    expect(await failure(runAthenaQuery('SELECT 1', { endpoint: athena.endpoint }, deps))).toMatchObject({
      code: 'LOGS_ATHENA_UNREACHABLE',
      exitCode: 5,
    });
  });

  it('AccessDeniedException on StartQueryExecution is exit 4, names the IAM actions, and no secret is shown', async () => {
    athena.failNext('StartQueryExecution', {
      status: 400,
      type: 'AccessDeniedException',
      message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: athena:StartQueryExecution',
    });
    const error = await failure(runAthenaQuery('SELECT 1', { endpoint: athena.endpoint }, deps));
    expect(error).toMatchObject({ code: 'LOGS_ATHENA_ACCESS_DENIED', exitCode: 4 });
    expect(error.message).toContain('StartQueryExecution');
    for (const action of [
      'athena:GetQueryExecution',
      'athena:GetQueryResults',
      'athena:StopQueryExecution',
      'glue:GetTable',
    ])
      expect(error.fix).toContain(action);
    expect(JSON.stringify({ m: error.message, f: error.fix, d: error.details })).not.toContain(SECRET);
  });

  it('no credentials anywhere is exit 4 too, before anything is sent', async () => {
    for (const name of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_WEB_IDENTITY_TOKEN_FILE',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
      'AWS_CONTAINER_CREDENTIALS_FULL_URI',
    ])
      vi.stubEnv(name, undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws-credentials');
    vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
    const error = await failure(
      runAthenaQuery('SELECT 1', { endpoint: athena.endpoint, region: 'us-east-1' }, { ...deps, env: {} }),
    );
    expect(error).toMatchObject({ code: 'LOGS_ATHENA_ACCESS_DENIED', exitCode: 4 });
    expect(error.fix).toContain('AWS_PROFILE');
    expect(athena.calls).toEqual([]);
  });

  it('an unknown workgroup is a usage error that says --workgroup', async () => {
    athena.failNext('StartQueryExecution', {
      status: 400,
      type: 'InvalidRequestException',
      message: 'WorkGroup nope is not found.',
    });
    const error = await failure(runAthenaQuery('SELECT 1', { endpoint: athena.endpoint, workgroup: 'nope' }, deps));
    expect(error).toMatchObject({ code: 'LOGS_ATHENA_QUERY_FAILED', exitCode: 2 });
    expect(error.fix).toContain('--workgroup');
    expect(error.fix).toContain('aws athena list-work-groups --region eu-west-1');
    expect(error.fix).toContain('check --region');
  });

  it('abort while running: StopQueryExecution is sent and the error is INTERRUPTED (130)', async () => {
    athena.answer({ hang: true });
    const controller = new AbortController();
    let polls = 0;
    const error = await failure(
      runAthenaQuery(
        'SELECT * FROM big',
        { endpoint: athena.endpoint },
        {
          ...deps,
          signal: controller.signal,
          onState: () => {
            if (++polls === 3) controller.abort();
          },
        },
      ),
    );
    expect(error).toMatchObject({ code: 'INTERRUPTED', exitCode: 130 });
    expect(error.message).toContain('qe-1 stopped');
    expect(athena.stopped).toEqual(['qe-1']);
    expect(athena.operations().at(-1)).toBe('StopQueryExecution');
  });

  it('abort during the wait between polls (the real sleep) stops the query too', async () => {
    athena.answer({ hang: true });
    const controller = new AbortController();
    const running = runAthenaQuery(
      'SELECT * FROM big',
      { endpoint: athena.endpoint, pollIntervalMs: 60_000 },
      { env: env(), signal: controller.signal },
    );
    // Wait until the query has started, then press Ctrl-C during the first 60 s wait.
    for (let i = 0; i < 200 && athena.started.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    expect(await failure(running)).toMatchObject({ code: 'INTERRUPTED', exitCode: 130 });
    expect(athena.stopped).toEqual(['qe-1']);
  });

  it('a query cancelled by someone else is reported as such', async () => {
    athena.answer({ states: ['RUNNING', 'CANCELLED'] });
    const error = await failure(runAthenaQuery('SELECT 1', { endpoint: athena.endpoint }, deps));
    expect(error.code).toBe('LOGS_ATHENA_QUERY_FAILED');
    expect(error.message).toContain('cancelled outside this run');
  });

  const throttled = { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' };

  it('a throttled poll or page is tried again after a wait: the query runs to its answer', async () => {
    athena.answer({ columns: [{ name: 'n', type: 'bigint' }], rows: [['1'], ['2']], states: ['RUNNING', 'SUCCEEDED'] });
    athena.failNext('GetQueryExecution', throttled);
    athena.failNext('GetQueryResults', throttled);
    const result = await runAthenaQuery(
      'SELECT n FROM t',
      { endpoint: athena.endpoint, pageSize: 1, maxAttempts: 1 },
      deps,
    );
    expect(result.rows).toEqual([{ n: 1 }, { n: 2 }]);
    expect(delays).toContain(1_000);
    expect(athena.stopped).toEqual([]);
  });

  it('polls that stay throttled: the query is stopped, and the error says Athena throttled (not "the network")', async () => {
    athena.answer({ hang: true });
    // One SDK attempt per call (not its 3, whose waits are real): the first poll and 5 tries again.
    for (let i = 0; i < 6; i++) athena.failNext('GetQueryExecution', throttled);
    const error = await failure(
      runAthenaQuery('SELECT * FROM big', { endpoint: athena.endpoint, maxAttempts: 1 }, deps),
    );
    expect(error).toMatchObject({ code: 'LOGS_ATHENA_UNREACHABLE', exitCode: 5 });
    expect(error.message).toContain('Athena throttled the call GetQueryExecution');
    expect(error.message).toContain('the query was stopped');
    expect(error.fix).toContain('quota');
    expect(error.fix).not.toContain('network');
    expect(error.details).toMatchObject({ queryExecutionId: 'qe-1', stopped: true });
    expect(athena.stopped).toEqual(['qe-1']);
    expect(delays.filter((ms) => ms >= 1_000)).toEqual([1_000, 2_000, 4_000, 8_000, 8_000]);
  });

  it('TooManyRequestsException on StartQueryExecution (too many queries at once) is not "check the network"', async () => {
    athena.failNext('StartQueryExecution', {
      status: 400,
      type: 'TooManyRequestsException',
      message: 'You have exceeded the limit for the number of queries you can run concurrently',
    });
    const error = await failure(runAthenaQuery('SELECT 1', { endpoint: athena.endpoint, maxAttempts: 1 }, deps));
    expect(error).toMatchObject({ code: 'LOGS_ATHENA_UNREACHABLE', exitCode: 5 });
    expect(error.message).toContain('Athena throttled the call StartQueryExecution');
    expect(error.fix).toContain('queries running at once');
  });

  it('AWS_REGION set but empty (a CI variable left unset) is a usage error that says --region', async () => {
    vi.stubEnv('AWS_REGION', '');
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    const error = await failure(
      runAthenaQuery(
        'SELECT 1',
        { endpoint: athena.endpoint },
        { ...deps, env: { AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: SECRET, AWS_REGION: '' } },
      ),
    );
    expect(error).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect(error.message).toContain('region');
    expect(error.fix).toContain('--region');
  });

  it('Athena unreachable is exit 5; no region is a usage error', async () => {
    nock.enableNetConnect('127.0.0.1');
    const port = await closedPort();
    const error = await failure(runAthenaQuery('SELECT 1', { endpoint: `http://127.0.0.1:${port}` }, deps));
    expect(error).toMatchObject({ code: 'LOGS_ATHENA_UNREACHABLE', exitCode: 5 });
    // No region anywhere: not in the environment given, not in the process's, not in an AWS config file.
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws-config');
    const noRegion = await failure(
      runAthenaQuery(
        'SELECT 1',
        { endpoint: athena.endpoint },
        { ...deps, env: { AWS_ACCESS_KEY_ID: 'AKIAFAKE', AWS_SECRET_ACCESS_KEY: SECRET } },
      ),
    );
    expect(noRegion).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect(noRegion.fix).toContain('--region');
  });

  it('AWS_ENDPOINT_URL_ATHENA (then AWS_ENDPOINT_URL) of the environment points the client at the endpoint', async () => {
    athena.answer({ columns: [{ name: 'x', type: 'integer' }], rows: [['1']], states: ['SUCCEEDED'] });
    const viaService = await runAthenaQuery(
      'SELECT 1 AS x',
      {},
      {
        ...deps,
        env: { ...env(), AWS_ENDPOINT_URL_ATHENA: athena.endpoint, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
      },
    );
    expect(viaService.rows).toEqual([{ x: 1 }]);
    athena.answer({ columns: [{ name: 'x', type: 'integer' }], rows: [['2']], states: ['SUCCEEDED'] });
    const viaGeneral = await runAthenaQuery(
      'SELECT 2 AS x',
      {},
      { ...deps, env: { ...env(), AWS_ENDPOINT_URL: athena.endpoint } },
    );
    expect(viaGeneral.rows).toEqual([{ x: 2 }]);
  });
});

describe('decoding Athena cells into the DuckDB engine row values', () => {
  it('decodes every type', () => {
    const columns = [
      { name: 'v', type: 'varchar' },
      { name: 'c', type: 'char(3)' },
      { name: 'b', type: 'boolean' },
      { name: 'ti', type: 'tinyint' },
      { name: 'si', type: 'smallint' },
      { name: 'i', type: 'integer' },
      { name: 'big', type: 'bigint' },
      { name: 'huge', type: 'bigint' },
      { name: 'd', type: 'double' },
      { name: 'r', type: 'real' },
      { name: 'nan', type: 'double' },
      { name: 'dec', type: 'decimal(10,2)' },
      { name: 'ts', type: 'timestamp' },
      { name: 'ts6', type: 'timestamp(6)' },
      { name: 'tz', type: 'timestamp(3) with time zone' },
      { name: 'tzoff', type: 'timestamp with time zone' },
      { name: 'tzname', type: 'timestamp(3) with time zone' },
      { name: 'date', type: 'date' },
      { name: 'arr', type: 'array' },
      { name: 'nested', type: 'array(array(varchar))' },
      { name: 'empty', type: 'array' },
      { name: 'm', type: 'map' },
      { name: 'row', type: 'row(a integer, b varchar)' },
      { name: 'j', type: 'json' },
      { name: 'jarr', type: 'json' },
      { name: 'nul', type: 'varchar' },
    ];
    const [row] = decodeRows(columns, [
      [
        'plain, text',
        'abc',
        'true',
        '-3',
        '300',
        '70000',
        '9007199254740991',
        '9007199254740993',
        '0.1',
        '1.5',
        'NaN',
        '12.50',
        '2026-01-07 16:00:00.000',
        '2026-01-07 16:00:00.123456',
        '2026-01-07 16:00:00.123 UTC',
        '2026-01-07 17:00:00.000 +01:00',
        '2026-07-07 18:00:00.000 Europe/Berlin',
        '2026-01-07',
        '[a, b c, null]',
        '[[a, b], [c]]',
        '[]',
        '{k1=v1, k2=v2}',
        '{a=1, b=x}',
        '{"type":"X","list":[1,2]}',
        '["PII.Email","a, b"]',
        undefined,
      ],
    ]);
    expect(row).toEqual({
      v: 'plain, text',
      c: 'abc',
      b: true,
      ti: -3,
      si: 300,
      i: 70000,
      big: 9007199254740991,
      huge: '9007199254740993',
      d: 0.1,
      r: 1.5,
      nan: 'NaN',
      dec: 12.5,
      // Without a zone, a clock reading: no Z (as the DuckDB engine prints a TIMESTAMP).
      ts: '2026-01-07T16:00:00.000',
      ts6: '2026-01-07T16:00:00.123',
      tz: '2026-01-07T16:00:00.123Z',
      tzoff: '2026-01-07T16:00:00.000Z',
      tzname: '2026-07-07T16:00:00.000Z',
      date: '2026-01-07',
      arr: ['a', 'b c', null],
      nested: [['a', 'b'], ['c']],
      empty: [],
      m: { k1: 'v1', k2: 'v2' },
      row: { a: '1', b: 'x' },
      j: { type: 'X', list: [1, 2] },
      jarr: ['PII.Email', 'a, b'],
      nul: null,
    });
    expect(Object.keys(row ?? {})).toEqual(columns.map((c) => c.name));
  });

  it('the array text form is ambiguous when elements contain ", " (why the SQL casts arrays to json)', () => {
    expect(decoderFor('array')('[a, b, c]')).toEqual(['a', 'b', 'c']); // was it ['a, b', 'c']? Athena cannot say
    expect(decoderFor('json')('["a, b","c"]')).toEqual(['a, b', 'c']);
  });

  it('a column or map key named __proto__ is a value of the row, not its prototype', () => {
    const [row] = decodeRows(
      [
        { name: '__proto__', type: 'json' },
        { name: 'm', type: 'map' },
      ],
      [['{"polluted":"yes"}', '{__proto__=x, a=b}']],
    );
    expect(JSON.stringify(row)).toBe('{"__proto__":{"polluted":"yes"},"m":{"__proto__":"x","a":"b"}}');
    expect(Object.keys(row!)).toEqual(['__proto__', 'm']);
    expect((row as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(row!.m as object)).toEqual(['__proto__', 'a']);
  });

  it('leaves text it cannot read as it came', () => {
    expect(isoFromAthenaTimestamp('not a time')).toBe('not a time');
    expect(isoFromAthenaTimestamp('2026-01-07 16:00:00.000 Mars/Olympus')).toBe('2026-01-07 16:00:00.000 Mars/Olympus');
    expect(decoderFor('json')('{broken')).toBe('{broken');
    expect(decoderFor('boolean')('maybe')).toBe('maybe');
    expect(decoderFor('integer')('')).toBe('');
    expect(decoderFor('map')('{no equals}')).toBe('{no equals}');
    expect(decoderFor('varbinary')('68 65')).toBe('68 65');
  });
});
