import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPresets } from '../../../src/lib/logs/presets/list.js';
import { DOCUMENT_WRITTEN } from '../../../src/lib/io/command-io.js';
import { runQuery } from '../../../src/lib/logs/query.js';
import { runSql } from '../../../src/lib/logs/sql.js';
import { runSync } from '../../../src/lib/logs/sync.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { writeFixture } from './fixture.js';
import { ndjson, uamEvent } from './events.js';
import { LogStore } from '../../../src/lib/logs/store.js';
import { runCommand } from '../../helpers/run-command.js';

describe('audit logs query / sql / presets (run functions)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-cmd-'));
  const store = join(dir, 'store');
  const range = { since: '2026-01-01', until: '2026-01-20' };

  beforeAll(async () => {
    writeFixture(join(dir, 'exported'));
    await runSync({ source: join(dir, 'exported'), store }, fakeIO());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ndjson when piped, sorted by time, the same bytes every time; --json writes them as one document', async () => {
    const first = fakeIO();
    await runQuery({ preset: 'failed-queries', store, ...range }, first);
    const second = fakeIO();
    await runQuery({ preset: 'failed-queries', store, ...range }, second);
    expect(first.stdout()).toBe(second.stdout());
    const lines = first.stdout().trimEnd().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual([
      'q-before-2',
      'q-after-1',
      'q-after-2',
      'q-spike-2',
    ]);
    expect(Object.keys(JSON.parse(lines[0] ?? '{}') as object)).toEqual([
      'id',
      'eventTimestamp',
      'event',
      'action',
      'actionStatus',
      'actor',
      'targets',
      'actionStatusReason',
      'sensitivityScore',
    ]);
    // --json and --format json: the bytes the base command prints for a returned array, written row by row.
    const rows = lines.map((line) => JSON.parse(line) as unknown);
    const json = fakeIO({ json: true });
    expect(await runQuery({ preset: 'failed-queries', store, ...range }, json)).toBe(DOCUMENT_WRITTEN);
    expect(json.stdout()).toBe(`${JSON.stringify(rows, null, 2)}\n`);
    const formatJson = fakeIO();
    await runQuery({ preset: 'failed-queries', store, ...range, format: 'json' }, formatJson);
    expect(formatJson.stdout()).toBe(json.stdout());
    const none = fakeIO({ json: true });
    await runQuery({ preset: 'failed-queries', store, since: '2030-01-01' }, none);
    expect(none.stdout()).toBe('[]\n');
  });

  it('csv and table formats', async () => {
    const csv = fakeIO();
    await runQuery({ preset: 'configuration-changes', store, ...range, format: 'csv' }, csv);
    expect(csv.stdout()).toBe(
      'id,eventTimestamp,event,action,actionStatus,actor,targets,details\r\n' +
        'c-updated,2026-01-07T16:00:00.000Z,ConfigurationUpdated,UPDATE,SUCCESS,taylor@example.com,[],' +
        '"{""type"":""ConfigurationUpdatedAuditPayload"",""version"":1,""changedSettings"":[""sdd.enabled""]}"\r\n',
    );
    const table = fakeIO({ tty: true });
    await runQuery({ preset: 'tag-lifecycle', store, ...range }, table);
    const [header, ...body] = table.stdout().trimEnd().split('\n');
    expect(header).toMatch(/^ID +EVENTTIMESTAMP +EVENT +ACTION/);
    expect(body.map((line) => line.split(/\s+/)[0])).toEqual(['t-created', 't-updated', 't-deleted']);
  });

  it('--limit says on stderr that more rows match', async () => {
    const io = fakeIO();
    await runQuery({ preset: 'query-trail', store, ...range, limit: 3 }, io);
    expect(io.stdout().trimEnd().split('\n')).toHaveLength(3);
    expect(io.stderr()).toContain('Showing the first 3 rows');
  });

  it('an unknown preset or no store is a usage error before anything is read', async () => {
    expect((await failure(runQuery({ preset: 'nope', store }, fakeIO()))).code).toBe('LOGS_UNKNOWN_PRESET');
    expect((await failure(runQuery({ preset: 'failed-queries' }, fakeIO()))).exitCode).toBe(2);
    expect((await failure(runQuery({ preset: 'failed-queries', store: join(dir, 'empty') }, fakeIO()))).code).toBe(
      'LOGS_STORE_EMPTY',
    );
  });

  it('sql runs a SELECT over events', async () => {
    const io = fakeIO({ json: true });
    await runSql(
      {
        store,
        sql: "SELECT actor, count(*) AS denied FROM events WHERE action = 'QUERY' AND actionStatus <> 'SUCCESS' GROUP BY actor ORDER BY denied DESC, actor",
      },
      io,
    );
    expect(JSON.parse(io.stdout())).toEqual([
      { actor: 'ana@example.com', denied: 3 },
      { actor: 'dev@example.com', denied: 1 },
    ]);
  });

  it('sql: a timestamp without a zone (a clock reading, AT TIME ZONE) is printed without Z; an instant in UTC with Z', async () => {
    const io = fakeIO({ json: true });
    await runSql(
      {
        store,
        sql: `SELECT eventTimestamp AS utc, eventTimestamp AT TIME ZONE 'America/New_York' AS newYork,
                CAST(eventTimestamp AS TIMESTAMP_NS) AS ns FROM events WHERE id = 'c-updated'`,
      },
      io,
    );
    // It printed "2026-01-07T11:00:00.000Z" for New York: another instant, 5 hours before the event.
    expect(JSON.parse(io.stdout())).toEqual([
      { utc: '2026-01-07T16:00:00.000Z', newYork: '2026-01-07T11:00:00.000', ns: '2026-01-07T16:00:00.000' },
    ]);
  });

  it('sql: a column named __proto__ is a value of the row, not its prototype (in every format)', async () => {
    // A struct column sends the rows through the value-by-value conversion (not one JSON text per row).
    const sql = `SELECT {'a': 5} AS "__proto__", 1 AS b, {'x': 1} AS s`;
    const io = fakeIO();
    await runSql({ store, sql, format: 'ndjson' }, io);
    expect(io.stdout()).toBe('{"__proto__":{"a":5},"b":1,"s":{"x":1}}\n');
    const csv = fakeIO();
    await runSql({ store, sql, format: 'csv' }, csv);
    expect(csv.stdout().split(/\r?\n/)[0]).toBe('__proto__,b,s');
  });

  it('sql: a final ; with a comment after it (a query pasted from a .sql file) is one SELECT', async () => {
    const io = fakeIO();
    await runSql({ store, sql: 'SELECT 1 AS a;\n-- how many\n', format: 'ndjson' }, io);
    expect(io.stdout()).toBe('{"a":1}\n');
  });

  it('sql --json redacts by key, as a returned document is (the rows are written as they are read)', async () => {
    const io = fakeIO({ json: true });
    await runSql(
      { store, sql: `SELECT 'e1' AS id, '{"config": {"password": "hunter22", "user": "ana"}}'::JSON AS payload` },
      io,
    );
    expect(JSON.parse(io.stdout())).toEqual([
      { id: 'e1', payload: { config: { password: '[REDACTED]', user: 'ana' } } },
    ]);
    expect(io.stdout()).not.toContain('hunter22');
  });

  it('sql: a query that needs more memory than DuckDB may use is LOGS_OUT_OF_MEMORY, with how to narrow it', async () => {
    const error = await failure(
      runSql({ store, sql: `SELECT list(repeat('x', 1000000)) AS l FROM range(1000)` }, fakeIO()),
    );
    expect(error.code).toBe('LOGS_OUT_OF_MEMORY');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(
      /^the query needs more memory than DuckDB may use for it \(512MB\): Out of Memory Error/,
    );
    expect(error.fix).toMatch(/^Narrow the query/);
  });

  it('sql: an error while the rows are read is the SQL error, after the rows before it', async () => {
    const io = fakeIO();
    const error = await failure(
      runSql(
        { store, sql: `SELECT CAST(CASE WHEN i < 5000 THEN '1' ELSE 'x' END AS INTEGER) AS n FROM range(6000) t(i)` },
        io,
      ),
    );
    expect(error.code).toBe('LOGS_SQL_ERROR');
    expect(error.message).toMatch(/^the SQL failed: Conversion Error/);
  });

  // DuckDB's Node API ended such an answer as if it were whole (73,728 of 240,000 rows, exit 0). An
  // error in the first rows comes before the answer starts (DuckDB computes that far ahead).
  const FAILS_LATE = `SELECT CASE WHEN i < 200000 THEN i ELSE error('boom') END AS i FROM range(240000) t(i)`;

  it('sql: an error after many rows were printed is the SQL error, not an answer cut short in silence', async () => {
    const io = fakeIO();
    const error = await failure(runSql({ store, sql: FAILS_LATE, limit: 240_000 }, io));
    expect(error.code).toBe('LOGS_SQL_ERROR');
    expect(error.message).toBe('the SQL failed: Invalid Input Error: boom');
    expect(io.stdout().split('\n').length).toBeGreaterThan(2048);
  });

  it('--json: an error after the answer began is on stderr (a second document after part of one would not parse)', async () => {
    const result = await runCommand([
      'audit',
      'logs',
      'sql',
      FAILS_LATE,
      '--store',
      store,
      '--limit',
      '240000',
      '--json',
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout.startsWith('[\n')).toBe(true);
    expect(result.stdout).not.toContain('"error"');
    expect(result.stderr).toContain('the SQL failed: Invalid Input Error: boom');
  });

  it('--json: an answer cut at --limit says so on stderr (a CI job reads only the document)', async () => {
    const result = await runCommand([
      'audit',
      'logs',
      'sql',
      'SELECT i FROM range(20) t(i)',
      '--store',
      store,
      '--limit',
      '5',
      '--json',
    ]);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(5);
    expect(result.stderr).toContain('Warning: Showing the first 5 rows: more match (raise --limit).');
  });

  it('an answer interrupted part way (Ctrl-C) ends with INTERRUPTED, not as a whole answer', async () => {
    const opened = await LogStore.open(store, { readOnly: true });
    try {
      const { batches } = await opened.stream('SELECT i FROM range(10000000) t(i)');
      let rows = 0;
      const read = (async () => {
        for await (const batch of batches) {
          rows += batch.length;
          if (rows === batch.length) opened.interrupt();
        }
      })();
      const error = await failure(read);
      expect(error.code).toBe('INTERRUPTED');
      expect(rows).toBeLessThan(10_000_000);
    } finally {
      await opened.close();
    }
  });

  it('sql cannot read or write files, change settings or the store', async () => {
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'top secret\n');
    for (const sql of [
      `SELECT * FROM read_text('${secret}')`,
      `SELECT * FROM read_csv('/etc/passwd')`,
      `COPY (SELECT 1) TO '${join(dir, 'out.csv')}'`,
      'SET enable_external_access = true',
      "DELETE FROM stored_events WHERE id = 'q-80'",
      'INSTALL httpfs',
      // Out of the wrapping subquery into a second statement that overwrites a part of the store.
      `SELECT 1) ; COPY (SELECT 1 AS a) TO '${join(store, 'parts', 'part-000001.parquet')}' (FORMAT parquet); SELECT * FROM (SELECT 1`,
      `SELECT * FROM read_parquet('${join(store, 'parts', 'part-000001.parquet')}')) ; CREATE TEMP TABLE t AS (SELECT 1`,
    ]) {
      const error = await failure(runSql({ store, sql }, fakeIO()));
      expect(error.code, sql).toBe('LOGS_SQL_ERROR');
      expect(error.exitCode).toBe(2);
    }
    // Named for what they are, not as a syntax error of the query the CLI wraps them in.
    expect((await failure(runSql({ store, sql: 'SELECT 1; SELECT 2' }, fakeIO()))).message).toBe(
      'the SQL failed: expected one statement, got 2',
    );
    expect((await failure(runSql({ store, sql: 'DESCRIBE events; SELECT 1' }, fakeIO()))).message).toBe(
      'the SQL failed: expected one statement, got 2',
    );
    expect((await failure(runSql({ store, sql: 'CREATE TEMP TABLE t AS SELECT 1' }, fakeIO()))).message).toBe(
      'the SQL failed: only SELECT statements are allowed',
    );
    // One PIVOT that DuckDB runs as two statements (it finds the columns first): named, with the
    // form that works, which does.
    const pivot = await failure(
      runSql({ store, sql: 'PIVOT events ON event USING count(*) GROUP BY actor' }, fakeIO()),
    );
    expect(pivot.message).toBe(
      'the SQL failed: a PIVOT whose columns DuckDB must find in the data first is not allowed (it runs as two statements)',
    );
    expect(pivot.fix).toContain("PIVOT events ON event IN ('Query', 'TagApplied') USING count(*)");
    const named = fakeIO({ json: true });
    await runSql(
      { store, sql: "PIVOT events ON event IN ('Query', 'TagApplied') USING count(*) GROUP BY actor" },
      named,
    );
    expect((JSON.parse(named.stdout()) as unknown[]).length).toBeGreaterThan(0);
    // Two statements, a CREATE first, are still named as two, with or without a PIVOT.
    expect(
      (
        await failure(
          runSql({ store, sql: "CREATE TEMP TABLE x AS SELECT 1; PIVOT x ON a IN ('1') USING count(*)" }, fakeIO()),
        )
      ).message,
    ).toBe('the SQL failed: expected one statement, got 2');
    expect(
      (await failure(runSql({ store, sql: 'CREATE TEMP TABLE pivot_t AS SELECT 1; SELECT 1' }, fakeIO()))).message,
    ).toBe('the SQL failed: expected one statement, got 2');
    const after = fakeIO({ json: true });
    await runSql({ store, sql: "SELECT count(*) AS n FROM events WHERE id = 'q-80'" }, after);
    expect(JSON.parse(after.stdout())).toEqual([{ n: 1 }]);
  });

  it('--event in another case is read as the store spells it; an event or a status the store lacks is said', async () => {
    const run = async (filters: { event?: string; status?: string }) => {
      const io = fakeIO();
      await runQuery({ preset: 'tag-changes', store, ...range, ...filters }, io);
      return io;
    };
    const exact = await run({ event: 'TagApplied' });
    expect(exact.stdout()).not.toBe('');
    const otherCase = await run({ event: 'tagapplied' });
    expect(otherCase.stdout()).toBe(exact.stdout());
    expect(otherCase.stderr()).toBe(exact.stderr());
    // A name the store lacks: the query runs as asked, and stderr says so with the names it has.
    const missing = await run({ event: 'TagApplied, NoSuchEvent' });
    expect(missing.stdout()).toBe(exact.stdout());
    expect(missing.stderr()).toMatch(
      /--event NoSuchEvent: no event of that name in this store \(it has [^)]*TagApplied/,
    );
    expect((await run({ event: 'QUERY' })).stderr()).not.toContain('--event');
    const status = await run({ status: 'failed' });
    expect(status.stdout()).toBe('');
    expect(status.stderr()).toMatch(/--status failed: no event in this store has it \(it has FAILURE, SUCCESS/);
    const known = await run({ status: 'success' });
    expect(known.stderr()).not.toContain('--status');
    expect(known.stdout()).not.toBe('');
  });

  it('--actor in another case is read as the store spells it; an actor the store lacks is said, with the ones it is close to', async () => {
    const run = async (actor: string) => {
      const io = fakeIO();
      await runQuery({ preset: 'query-trail', store, ...range, actor }, io);
      return io;
    };
    const exact = await run('bob@example.com');
    expect(exact.stdout().trimEnd().split('\n')).toHaveLength(2);
    expect(exact.stderr()).toBe('');
    const otherCase = await run('BOB@Example.COM');
    expect(otherCase.stdout()).toBe(exact.stdout());
    expect(otherCase.stderr()).toBe('');
    const typo = await run('bob@exmaple.com');
    expect(typo.stdout()).toBe('');
    expect(typo.stderr()).toBe(
      'Warning: --actor bob@exmaple.com: no event in this store has that actor id or name (did you mean bob@example.com?).\n',
    );
    expect((await run('Bob')).stderr()).toContain('(did you mean bob@example.com?)');
    expect((await run('nobody-at-all')).stderr()).toBe(
      'Warning: --actor nobody-at-all: no event in this store has that actor id or name.\n',
    );
    // Several values: each read on its own; the ones found still filter as before.
    const two = await run('Bob@example.com, nobody-at-all');
    expect(two.stdout()).toBe(exact.stdout());
    expect(two.stderr()).toContain('--actor nobody-at-all:');
  });

  it('a value the store lacks is said with --json too (a CI script read `[]` and exit 0 without a word)', async () => {
    const run = async (filters: { actor?: string; event?: string; status?: string; target?: string }) => {
      const io = fakeIO({ json: true });
      await runQuery({ preset: 'query-trail', store, ...range, ...filters }, io);
      expect(io.stdout()).toBe('[]\n');
      return io.stderr();
    };
    expect(await run({ actor: 'bob@exmaple.com' })).toBe(
      'Warning: --actor bob@exmaple.com: no event in this store has that actor id or name (did you mean bob@example.com?).\n',
    );
    expect(await run({ target: 'nowhere' })).toContain('Warning: --target nowhere: no event in this store has');
    expect(await run({ event: 'NoSuchEvent' })).toContain('Warning: --event NoSuchEvent: no event of that name');
    expect(await run({ status: 'bogus' })).toContain('Warning: --status bogus: no event in this store has it');
  });

  it('--target in another case is read as the store spells it (it returned nothing, without a word); a target the store lacks is said', async () => {
    const run = async (target: string) => {
      const io = fakeIO();
      await runQuery({ preset: 'query-trail', store, ...range, target }, io);
      return io;
    };
    const exact = await run('Payments');
    expect(exact.stdout()).not.toBe('');
    expect(exact.stderr()).toBe('');
    const otherCase = await run('payments');
    expect(otherCase.stdout()).toBe(exact.stdout());
    expect(otherCase.stderr()).toBe('');
    expect((await run('DS-2')).stdout()).toBe((await run('ds-2')).stdout());
    const unknown = await run('nowhere');
    expect(unknown.stdout()).toBe('');
    expect(unknown.stderr()).toContain('--target nowhere: no event in this store has that target id or name.\n');
  });

  it('--target in another case is paired with the stored spelling by DuckDB, as --actor (İ is i to lower(), not to JavaScript)', async () => {
    const source = join(dir, 'dotted-i');
    mkdirSync(source);
    const events = [
      uamEvent({
        id: 'q-istanbul',
        at: '2026-01-05T10:00:00.000Z',
        event: 'Query',
        targets: [{ id: 'ds-ist', name: 'İstanbul' }],
      }),
      uamEvent({
        id: 'q-other',
        at: '2026-01-05T11:00:00.000Z',
        event: 'Query',
        targets: [{ id: 'ds-x', name: 'Other' }],
      }),
    ];
    writeFileSync(join(source, 'objects.ndjson'), ndjson(events));
    const dotted = join(dir, 'dotted-store');
    await runSync({ source, store: dotted }, fakeIO());
    const io = fakeIO();
    await runQuery({ preset: 'query-trail', store: dotted, ...range, target: 'istanbul' }, io);
    expect(io.stderr()).toBe('');
    expect(
      io
        .stdout()
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { id: string }).id),
    ).toEqual(['q-istanbul']);
  });

  it('no rows: a window outside every stored event is a warning in every format (an old store is not "nothing happened"); otherwise a table says which window', async () => {
    const spanIO = fakeIO({ json: true });
    await runSql({ store, sql: 'SELECT min(eventTimestamp) AS f, max(eventTimestamp) AS l FROM events' }, spanIO);
    const [span] = JSON.parse(spanIO.stdout()) as Array<{ f: string; l: string }>;
    expect(span?.f).toMatch(/^2026-01-0/);
    const query = async (filters: { since?: string; until?: string }, io = fakeIO({ json: true })) => {
      await runQuery({ preset: 'failed-queries', store, ...filters }, io);
      return io;
    };
    // The preset's default window (1d) ends now, long after this store's newest event: --json too.
    const stale = fakeIO({ json: true, now: new Date('2026-12-05T12:00:00Z') });
    await runQuery({ preset: 'failed-queries', store }, stale);
    expect(stale.stdout()).toBe('[]\n');
    expect(stale.stderr()).toBe(
      `Warning: no rows: this window (from 2026-12-04T12:00:00.000Z) starts after the store's newest event (${span?.l}). ` +
        'Sync newer objects into the store (--source), or move the window (--since/--until).\n',
    );
    // One millisecond after the newest event is outside; the newest event's own instant is inside (--since is inclusive).
    const after = new Date(new Date(span?.l ?? '').getTime() + 1).toISOString();
    expect((await query({ since: after })).stderr()).toContain('starts after the store');
    expect((await query({ since: span?.l })).stderr()).toBe('');
    // Before the first event: --until is exclusive, so until = the first event's instant is outside.
    expect((await query({ since: '2025-01-01', until: span?.f })).stderr()).toBe(
      `Warning: no rows: this window (from 2025-01-01T00:00:00.000Z to ${span?.f}) ends before the store's first event (${span?.f}). ` +
        'Move the window (--since/--until).\n',
    );
    // Inside the store's span with nothing matching: not a warning; a terminal table names the window.
    const quiet = await query({ since: '2026-01-10T00:00:00Z', until: '2026-01-10T00:00:01Z' });
    expect(quiet.stdout()).toBe('[]\n');
    expect(quiet.stderr()).toBe('');
    const table = await query({ since: '2026-01-10T00:00:00Z', until: '2026-01-10T00:00:01Z' }, fakeIO({ tty: true }));
    expect(table.stderr()).toBe(
      'No rows: nothing matched failed-queries from 2026-01-10T00:00:00.000Z to 2026-01-10T00:00:01.000Z.\n',
    );
    // A store with no events at all.
    const empty = join(dir, 'empty-store');
    const nothing = join(dir, 'nothing');
    mkdirSync(nothing);
    await runSync({ source: nothing, store: empty }, fakeIO());
    const none = fakeIO();
    await runQuery({ preset: 'failed-queries', store: empty, since: '2000-01-01' }, none);
    expect(none.stderr()).toBe(
      'Warning: no rows: the store holds no events. Sync a source into it first (`immuta audit logs sync SOURCE --store DIR`).\n',
    );
  });

  it("sql: a mistake is placed in the text as written (line:column), with DuckDB's suggestion as the fix", async () => {
    const column = await failure(runSql({ store, sql: 'SELECT event,\n  actr FROM events' }, fakeIO()));
    expect(column.message).toBe('the SQL failed: Binder Error: Referenced column "actr" not found in FROM clause!');
    expect(column.location).toEqual({ line: 2, column: 3 });
    expect(column.fix).toMatch(/^Candidate bindings: "actor"/);
    const table = await failure(runSql({ store, sql: 'SELECT * FROM event' }, fakeIO()));
    expect(table.location).toEqual({ line: 1, column: 15 });
    expect(table.fix).toContain('Did you mean "events"?');
    const syntax = await failure(runSql({ store, sql: 'SELECT count(* FROM events' }, fakeIO()));
    expect(syntax.message).toBe('the SQL failed: Parser Error: syntax error at or near "FROM"');
    expect(syntax.location).toEqual({ line: 1, column: 16 });
  });

  it('a preset name with a typo is answered with the one it is close to', async () => {
    const typo = await failure(runQuery({ preset: 'faild-queries', store }, fakeIO()));
    expect(typo.code).toBe('LOGS_UNKNOWN_PRESET');
    expect(typo.message).toBe('no preset named "faild-queries"; did you mean "failed-queries"?');
    expect(typo.fix).toMatch(/^Presets: entitlement-changes, /);
    expect((await failure(runQuery({ preset: 'policy_impact', store }, fakeIO()))).message).toContain(
      'did you mean "policy-impact"?',
    );
    expect((await failure(runQuery({ preset: 'nothing-like-it', store }, fakeIO()))).message).toBe(
      'no preset named "nothing-like-it"',
    );
  });

  it('presets lists every preset with its question and events', () => {
    const io = fakeIO();
    const list = runPresets({ format: 'ndjson' }, io);
    expect(list).toHaveLength(18);
    expect(list.find((p) => p.name === 'high-risk-permission-changes')).toMatchObject({
      events: ['PermissionApplied', 'PermissionRemoved', 'DomainPermissionsUpdated'],
      use: 'notification',
      severity: 'high',
    });
    expect(io.stdout().trimEnd().split('\n')).toHaveLength(18);
  });
});
