/**
 * `--engine athena` end to end: `logs sql` through the in-process harness against the fake Athena,
 * fed the "recorded answer" of the same SELECT run on a DuckDB store of the test fixture (every cell
 * as the string Athena would send), must print the same bytes as the DuckDB engine in every format.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { athenaTarget, chooseEngine, readOnlyAthenaSql } from '../../../src/lib/logs/athena/engine.js';
import { documentedNames } from '../../../src/lib/logs/athena/run-on-athena.js';
import { runQuery } from '../../../src/lib/logs/query.js';
import type { Row } from '../../../src/lib/logs/rows.js';
import { runSql } from '../../../src/lib/logs/sql.js';
import { DOCUMENT_WRITTEN } from '../../../src/lib/io/command-io.js';
import { runSync } from '../../../src/lib/logs/sync.js';
import { stopsOnSignalForEngine } from '../../../src/lib/cli/engine-flags.js';
import Sql from '../../../src/commands/audit/logs/sql.js';
import Query from '../../../src/commands/audit/logs/query.js';
import { failure, thrown } from '../../helpers/expect-cli-error.js';
import { type FakeAthena, type FakeColumn, fakeAthena } from '../../helpers/fake-athena.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { runCommand } from '../../helpers/run-command.js';
import { writeFixture } from './fixture.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';

/** The SELECT both engines run, and the Athena type of each of its columns (arrays cast to json, as the SQL side does). */
const SELECT = `SELECT id, eventTimestamp, event, actionStatus, actor, targetIds, sensitivityScore, length(targetIds) AS targetCount, targets
FROM events WHERE event IN ('Query', 'TagApplied', 'ConfigurationUpdated') ORDER BY eventTimestamp, id`;
const COLUMNS: FakeColumn[] = [
  { name: 'id', type: 'varchar' },
  { name: 'eventTimestamp', type: 'timestamp(3) with time zone' },
  { name: 'event', type: 'varchar' },
  { name: 'actionStatus', type: 'varchar' },
  { name: 'actor', type: 'varchar' },
  { name: 'targetIds', type: 'json' },
  { name: 'sensitivityScore', type: 'double' },
  { name: 'targetCount', type: 'bigint' },
  { name: 'targets', type: 'json' },
];

/** A plain row value as Athena's text for the column's type. */
function athenaText(value: unknown, type: string): string | null {
  if (value === null || value === undefined) return null;
  if (type.startsWith('timestamp')) return `${String(value).replace('T', ' ').replace('Z', '')} UTC`;
  if (type === 'json') return JSON.stringify(value);
  if (type === 'double') return Number.isInteger(value) ? `${String(value)}.0` : String(value);
  return String(value);
}

function recorded(rows: Row[]): (string | null)[][] {
  return rows.map((row) => COLUMNS.map((c) => athenaText(row[c.name], c.type)));
}

describe('--engine athena', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-athena-'));
  const store = join(dir, 'store');
  let athena: FakeAthena;
  let duckRows: Row[];
  const env = () => ({
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: SECRET,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_ATHENA: athena.endpoint,
  });

  beforeAll(async () => {
    writeFixture(join(dir, 'exported'));
    await runSync({ source: join(dir, 'exported'), store }, fakeIO());
    const duck = fakeIO({ json: true });
    await runSql({ sql: SELECT, store }, duck);
    duckRows = JSON.parse(duck.stdout()) as Row[];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    athena = fakeAthena();
  });
  afterEach(() => athena.close());

  it('the recorded answer covers nulls, timestamps, numbers, arrays and json', () => {
    expect(duckRows.length).toBeGreaterThan(15);
    expect(duckRows.some((r) => r.sensitivityScore === null)).toBe(true);
    expect(duckRows.some((r) => typeof r.sensitivityScore === 'number')).toBe(true);
    expect(duckRows.some((r) => Array.isArray(r.targetIds) && r.targetIds.length > 0)).toBe(true);
    expect(duckRows.some((r) => String(r.eventTimestamp).endsWith('.999Z'))).toBe(true);
  });

  for (const format of ['json', 'csv', 'ndjson', 'table']) {
    it(`logs sql --format ${format}: the same bytes as the DuckDB engine`, async () => {
      const duck = await runCommand(['audit', 'logs', 'sql', SELECT, '--store', store, '--format', format]);
      expect(duck.exitCode).toBe(0);
      athena.answer({ columns: COLUMNS, rows: recorded(duckRows), states: ['RUNNING', 'SUCCEEDED'] });
      const remote = await runCommand(
        ['audit', 'logs', 'sql', `${SELECT};`, '--engine', 'athena', '--format', format, '--workgroup', 'audit'],
        { env: env() },
      );
      expect(remote.stderr).toContain('Athena query qe-1: 1.2 KB scanned.');
      expect(remote.exitCode).toBe(0);
      expect(remote.stdout).toBe(duck.stdout);
      expect(athena.started).toEqual([
        expect.objectContaining({ queryString: SELECT, workGroup: 'audit', database: 'immuta_audit' }),
      ]);
      expect(`${remote.stdout}${remote.stderr}`).not.toContain(SECRET);
    });
  }

  it('--json: the same document as the DuckDB engine', async () => {
    const duck = await runCommand(['audit', 'logs', 'sql', SELECT, '--store', store, '--json']);
    athena.answer({ columns: COLUMNS, rows: recorded(duckRows), states: ['SUCCEEDED'] });
    const remote = await runCommand(['audit', 'logs', 'sql', SELECT, '--engine', 'athena', '--json'], { env: env() });
    expect(remote.exitCode).toBe(0);
    expect(remote.stdout).toBe(duck.stdout);
    expect(JSON.parse(remote.stdout)).toEqual(duckRows);
  });

  it('--limit reads no further than needed and says more match', async () => {
    athena.answer({ columns: COLUMNS, rows: recorded(duckRows), states: ['SUCCEEDED'] });
    const io = fakeIO({ env: env() });
    await runSql({ sql: SELECT, engine: 'athena', limit: 3, format: 'json' }, io);
    expect(JSON.parse(io.stdout())).toEqual(duckRows.slice(0, 3));
    expect(io.stderr()).toContain('Showing the first 3 rows');
  });

  describe('a long answer is printed a page at a time', () => {
    const COLUMNS_N: FakeColumn[] = [
      { name: 'n', type: 'bigint' },
      { name: 'name', type: 'varchar' },
    ];
    // 2,500 rows: the header and 999 rows, then 1,000, then 501.
    const ROWS = Array.from({ length: 2500 }, (_, i) => [String(i), `row ${i}`]);
    const EXPECTED = ROWS.map(([n, name]) => ({ n: Number(n), name }));
    /**
     * How many rows the run had printed when each page was asked for (every format prints `row N`
     * once a row).
     */
    const rowsAtEachPage = (io: { stdout(): string }) => {
      const seen: number[] = [];
      athena.beforeReply = (operation) => {
        if (operation === 'GetQueryResults') seen.push(io.stdout().split('row ').length - 1);
      };
      return seen;
    };

    it.each(['ndjson', 'csv', 'table', 'json'] as const)('--format %s', async (format) => {
      athena.answer({ columns: COLUMNS_N, rows: ROWS, states: ['SUCCEEDED'] });
      const io = fakeIO({ env: env() });
      const seen = rowsAtEachPage(io);
      const result = await runSql({ sql: 'SELECT n, name FROM t', engine: 'athena', limit: 5000, format }, io);
      expect(result).toBe(DOCUMENT_WRITTEN);
      // Nothing before the first page; then each page printed before the next is asked for.
      expect(seen).toEqual([0, 999, 1999]);
      if (format === 'ndjson') expect(io.stdout()).toBe(EXPECTED.map((r) => `${JSON.stringify(r)}\n`).join(''));
      if (format === 'json') expect(io.stdout()).toBe(`${JSON.stringify(EXPECTED, null, 2)}\n`);
      if (format === 'csv') expect(io.stdout().split('\r\n').slice(0, 2)).toEqual(['n,name', '0,row 0']);
      if (format === 'table') expect(io.stdout().split('\n')[2499]).toBe('2499\trow 2499');
      expect(io.stdout().split('row ')).toHaveLength(2501);
    });

    it('--format table on a terminal: aligned on the first page, printed before the second is asked for', async () => {
      athena.answer({ columns: COLUMNS_N, rows: ROWS, states: ['SUCCEEDED'] });
      const io = fakeIO({ env: env(), tty: true });
      const seen = rowsAtEachPage(io);
      await runSql({ sql: 'SELECT n, name FROM t', engine: 'athena', limit: 5000, format: 'table' }, io);
      expect(seen).toEqual([0, 999, 1999]);
      const lines = io.stdout().trimEnd().split('\n');
      expect(lines).toHaveLength(2501);
      // The widths of the first page ("998" and "row 998"), kept for the rows after it.
      expect(lines[0]).toMatch(/^N +NAME$/);
      expect(lines[1]).toMatch(/^0 +row 0$/);
      expect(lines[1]?.indexOf('row')).toBe(lines[999]?.indexOf('row'));
      // A number wider than its column is not cut; it shifts the rest of its row.
      expect(lines[2500]).toBe('2499  row 2499');
    });

    it('--json: the document, written as it is read', async () => {
      athena.answer({ columns: COLUMNS_N, rows: ROWS, states: ['SUCCEEDED'] });
      const io = fakeIO({ env: env(), json: true });
      const seen = rowsAtEachPage(io);
      expect(await runSql({ sql: 'SELECT n, name FROM t', engine: 'athena', limit: 5000 }, io)).toBe(DOCUMENT_WRITTEN);
      expect(seen).toEqual([0, 999, 1999]);
      expect(JSON.parse(io.stdout())).toEqual(EXPECTED);
    });

    it('Ctrl-C between pages: exit 130, what was read is printed, and no query is left to stop', async () => {
      athena.answer({ columns: COLUMNS_N, rows: ROWS, states: ['SUCCEEDED'] });
      const controller = new AbortController();
      const io = fakeIO({ env: env(), signal: controller.signal });
      let pages = 0;
      athena.beforeReply = (operation) => {
        if (operation === 'GetQueryResults' && ++pages === 2) controller.abort();
      };
      const error = await failure(
        runSql({ sql: 'SELECT n, name FROM t', engine: 'athena', limit: 5000, format: 'ndjson' }, io),
      );
      expect(error).toMatchObject({ code: 'INTERRUPTED', exitCode: 130 });
      expect(error.message).toBe('interrupted: Athena query qe-1 had finished, its results were being read');
      expect(io.stdout().split('\n')).toHaveLength(1000);
      expect(athena.operations().filter((o) => o === 'StopQueryExecution')).toEqual([]);
    });

    it('a page that fails to come: the error, after the rows before it', async () => {
      athena.answer({ columns: COLUMNS_N, rows: ROWS, states: ['SUCCEEDED'] });
      const io = fakeIO({ env: env() });
      let pages = 0;
      athena.beforeReply = (operation) => {
        // Failed at once (as if its NextToken were no longer valid).
        if (operation === 'GetQueryResults' && ++pages === 2)
          athena.failNext('GetQueryResults', {
            status: 400,
            type: 'InvalidRequestException',
            message: 'token expired',
          });
      };
      const error = await failure(
        runSql({ sql: 'SELECT n, name FROM t', engine: 'athena', limit: 5000, format: 'ndjson' }, io),
      );
      expect(error.message).toContain('token expired');
      expect(io.stdout().split('\n')).toHaveLength(1000);
    });
  });

  it('access denied: exit 4 with the IAM actions, and the secret key appears nowhere', async () => {
    athena.failNext('StartQueryExecution', {
      status: 400,
      type: 'AccessDeniedException',
      message: 'User: arn:aws:iam::123456789012:user/ci is not authorized to perform: athena:StartQueryExecution',
    });
    for (const json of [false, true]) {
      if (json)
        athena.failNext('StartQueryExecution', { status: 400, type: 'AccessDeniedException', message: 'denied' });
      const result = await runCommand(
        ['audit', 'logs', 'sql', 'SELECT 1', '--engine', 'athena', ...(json ? ['--json'] : [])],
        { env: env() },
      );
      expect(result.exitCode).toBe(4);
      if (json)
        expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'LOGS_ATHENA_ACCESS_DENIED', exitCode: 4 } });
      else expect(result.stderr).toContain('Athena refused the call StartQueryExecution');
      expect(`${result.stdout}${result.stderr}`).toContain('athena:GetQueryResults');
      expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET);
    }
  });

  it('a failed query: exit 2, the reason and the athena-ddl fix', async () => {
    athena.answer({
      failure: { reason: "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.immuta_audit.events_raw' does not exist" },
      states: ['FAILED'],
    });
    const result = await runCommand(['audit', 'logs', 'sql', 'SELECT * FROM events_raw', '--engine', 'athena'], {
      env: env(),
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('does not exist');
    expect(result.stderr).toContain('immuta audit logs athena-ddl');
  });

  it('Ctrl-C: the Athena query is stopped and the run ends with exit 130', async () => {
    athena.answer({ hang: true });
    const controller = new AbortController();
    const io = fakeIO({ env: env(), signal: controller.signal });
    const running = runSql({ sql: 'SELECT * FROM events_raw', engine: 'athena' }, io);
    for (let i = 0; i < 400 && athena.started.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const error = await failure(running);
    expect(error).toMatchObject({ code: 'INTERRUPTED', exitCode: 130 });
    expect(athena.stopped).toEqual(['qe-1']);
    // The commands stop on the signal only with --engine athena (DuckDB keeps exiting at once).
    expect(stopsOnSignalForEngine({ engine: 'athena' })).toBe(true);
    expect(stopsOnSignalForEngine({ engine: 'duckdb' })).toBe(false);
    expect(stopsOnSignalForEngine({})).toBe(false);
    expect(Sql.stopsOnSignal).toBe(stopsOnSignalForEngine);
    expect(Query.stopsOnSignal).toBe(stopsOnSignalForEngine);
  });

  it('refuses what is not one SELECT, before anything is sent', async () => {
    for (const sql of [
      'DROP TABLE events_raw',
      'SELECT 1; DROP TABLE events_raw',
      'CREATE TABLE x AS SELECT * FROM events_raw',
      "INSERT INTO t SELECT 'a'",
      '/* SELECT */ DELETE FROM t',
      "SELECT 'unclosed",
      '',
      // A WITH is judged by what its common table expressions lead to, not by its first keyword.
      'WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x',
      "WITH x (a) AS (SELECT ')'), y AS (SELECT (2)) DELETE FROM t",
      'WITH x AS (SELECT 1) CREATE TABLE t AS SELECT * FROM x',
      'WITH x AS SELECT 1',
    ]) {
      const error = await failure(runSql({ sql, engine: 'athena' }, fakeIO({ env: env() })));
      expect(error.exitCode, sql).toBe(2);
    }
    expect(athena.calls).toEqual([]);
    expect(readOnlyAthenaSql('  SELECT \';\' AS x, "a;b" -- ; trailing\n FROM t ;  ')).toBe(
      'SELECT \';\' AS x, "a;b" -- ; trailing\n FROM t',
    );
    expect(readOnlyAthenaSql('WITH a AS (SELECT 1) SELECT * FROM a')).toBe('WITH a AS (SELECT 1) SELECT * FROM a');
    expect(readOnlyAthenaSql('(SELECT 1) UNION (SELECT 2)')).toBe('(SELECT 1) UNION (SELECT 2)');
    for (const sql of [
      'WITH RECURSIVE a (n) AS (SELECT 1), "b c" AS (SELECT (2)) SELECT * FROM a, "b c"',
      "(WITH a AS (SELECT 'INSERT') (SELECT * FROM a))",
      'with a as (select 1) select * from a',
    ])
      expect(readOnlyAthenaSql(sql)).toBe(sql);
    expect(thrown(() => readOnlyAthenaSql('WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x')).message).toBe(
      'the SQL was refused: WITH ... INSERT is not a SELECT statement',
    );
  });

  it('flags of the other engine are usage errors; Athena values are checked', async () => {
    const athenaWithStore = thrown(() => chooseEngine({ engine: 'athena', store: '/tmp/x', source: 'sandbox' }));
    expect(athenaWithStore).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect(athenaWithStore.message).toBe('--source, --store are for the local DuckDB store, not --engine athena');
    expect(thrown(() => chooseEngine({ engine: 'athena', configId: '7' })).message).toContain('--config-id');
    expect(thrown(() => chooseEngine({ workgroup: 'w' })).message).toBe('--workgroup is for --engine athena');
    expect(thrown(() => chooseEngine({ engine: 'spark' })).message).toContain('unknown --engine');
    expect(chooseEngine({ engine: 'athena', sandboxDir: '/tmp/sandbox' })).toBe('athena'); // an env default
    expect(chooseEngine({ store: '/x' })).toBe('duckdb');

    for (const bad of [
      { outputLocation: 'https://bucket/prefix' },
      { outputLocation: 's3://Bad_Bucket/' },
      { outputLocation: 's3://bucket/with space/' },
      { athenaDatabase: 'db; DROP' },
      { athenaTable: 'a"b' },
      { athenaTable: 'a b' },
      { workgroup: 'a b' },
      { region: 'Europe' },
    ]) {
      expect(thrown(() => athenaTarget(bad)).exitCode, JSON.stringify(bad)).toBe(2);
    }
    // A Glue name with hyphens (a crawler's, Terraform's) is taken: queries quote it.
    expect(athenaTarget({ athenaDatabase: 'audit-logs', athenaTable: 'uam-events' })).toMatchObject({
      database: 'audit-logs',
      table: 'uam-events',
    });
    expect(athenaTarget({ outputLocation: 's3://my-results.bucket/athena/', region: 'us-gov-west-1' })).toEqual({
      workgroup: 'primary',
      database: 'immuta_audit',
      table: 'audit_events',
      layout: 'yyyy/MM/dd',
      region: 'us-gov-west-1',
      outputLocation: 's3://my-results.bucket/athena/',
    });

    const viaCommand = await runCommand(['audit', 'logs', 'sql', 'SELECT 1', '--engine', 'athena', '--store', store], {
      env: env(),
    });
    expect(viaCommand.exitCode).toBe(2);
    const badLocation = await runCommand(
      ['audit', 'logs', 'sql', 'SELECT 1', '--engine', 'athena', '--output-location', 'bucket/x'],
      { env: env() },
    );
    expect(badLocation.exitCode).toBe(2);
    expect(badLocation.stderr).toContain('--output-location');
    expect(athena.calls).toEqual([]);
  });

  it('the output location, database and region flags reach Athena', async () => {
    athena.answer({ columns: [{ name: 'n', type: 'bigint' }], rows: [['3']], states: ['SUCCEEDED'] });
    const result = await runCommand(
      [
        'audit',
        'logs',
        'sql',
        'SELECT count(*) AS n FROM events_raw',
        '--engine',
        'athena',
        '--output-location',
        's3://results-bucket/athena/',
        '--athena-database',
        'audit_logs',
        '--region',
        'eu-central-1',
        '--format',
        'csv',
      ],
      { env: env() },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('n\r\n3\r\n');
    expect(athena.started[0]).toMatchObject({ database: 'audit_logs', outputLocation: 's3://results-bucket/athena/' });
    expect(String(athena.calls[0]?.headers.authorization)).toContain('/eu-central-1/athena/');
  });

  it('logs query --engine athena: the Trino rendering over the athena-ddl table, printed as the DuckDB engine prints it', async () => {
    const args = ['failed-queries', '--since', '2026-01-01', '--until', '2026-02-01', '--format', 'json'];
    const duck = await runCommand(['audit', 'logs', 'query', ...args, '--store', store]);
    expect(duck.exitCode).toBe(0);
    const answer = JSON.parse(duck.stdout) as Row[];
    expect(answer.length).toBeGreaterThan(2);
    const columns: FakeColumn[] = [
      { name: 'id', type: 'varchar' },
      { name: 'eventtimestamp', type: 'timestamp(3) with time zone' },
      { name: 'event', type: 'varchar' },
      { name: 'action', type: 'varchar' },
      { name: 'actionstatus', type: 'varchar' },
      { name: 'actor', type: 'varchar' },
      { name: 'targets', type: 'json' },
      { name: 'actionstatusreason', type: 'varchar' },
      { name: 'sensitivityscore', type: 'double' },
    ];
    const names = [
      'id',
      'eventTimestamp',
      'event',
      'action',
      'actionStatus',
      'actor',
      'targets',
      'actionStatusReason',
      'sensitivityScore',
    ];
    athena.answer({
      columns,
      rows: answer.map((row) => names.map((name, i) => athenaText(row[name], columns[i]?.type ?? 'varchar'))),
      states: ['RUNNING', 'SUCCEEDED'],
    });
    const remote = await runCommand(
      ['audit', 'logs', 'query', ...args, '--engine', 'athena', '--athena-layout', 'yyyy/MM/dd', '--limit', '500'],
      { env: env() },
    );
    expect(remote.stderr).toBe('Athena query qe-1: 1.2 KB scanned.\n');
    expect(remote.exitCode).toBe(0);
    expect(remote.stdout).toBe(duck.stdout);
    const sent = athena.started[0]?.queryString ?? '';
    // Trino over the athena-ddl table: only the partitions of the window (a day of margin each side).
    expect(sent).toContain('FROM "immuta_audit"."audit_events"');
    expect(sent).toContain("'2025/12/31'");
    expect(sent).toContain("'2026/02/02'");
    expect(sent).toMatch(/LIMIT 501$/);
    expect(sent).not.toMatch(/list_|lambda|time_bucket/);
    expect((await failure(runQuery({ preset: 'nope', engine: 'athena' }, fakeIO({ env: env() })))).code).toBe(
      'LOGS_UNKNOWN_PRESET',
    );
    expect(
      (await failure(runQuery({ preset: 'failed-queries', engine: 'athena', store }, fakeIO({ env: env() })))).exitCode,
    ).toBe(2);
    const layout = await failure(
      runQuery({ preset: 'failed-queries', engine: 'athena', athenaLayout: 'dd/MM/yyyy' }, fakeIO({ env: env() })),
    );
    expect(layout.exitCode).toBe(2);
    expect(athena.started).toHaveLength(1);
  });

  it("a preset's documented column names replace Athena's lower-cased ones, order and values kept", () => {
    const named = documentedNames(['id', 'eventtimestamp', 'n'], ['id', 'eventTimestamp', 'other']);
    expect(named?.columns).toEqual(['id', 'eventTimestamp', 'n']);
    const row = named?.rename({ id: 'a', eventtimestamp: '2026-01-05T08:00:00.000Z', n: 1 });
    expect(row).toEqual({ id: 'a', eventTimestamp: '2026-01-05T08:00:00.000Z', n: 1 });
    expect(Object.keys(row ?? {})).toEqual(['id', 'eventTimestamp', 'n']);
    expect(documentedNames(['id', 'eventtimestamp'], ['id'])).toBeUndefined();
  });
});
