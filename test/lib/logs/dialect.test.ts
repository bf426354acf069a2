import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { TrinoSQL } from 'dt-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MacroContext, DUCKDB, TRINO, sqlString } from '../../../src/lib/logs/dialect/dialects.js';
import { type MacroTable, expandMacros } from '../../../src/lib/logs/dialect/macros.js';
import { JSON_STRING_TOKEN, partitionRange } from '../../../src/lib/logs/dialect/trino-events.js';
import { PRESETS, findPreset } from '../../../src/lib/logs/presets/definitions.js';
import {
  preparePresetQuery,
  presetColumns,
  renderPresetSql,
  resolvePresetFilters,
} from '../../../src/lib/logs/presets/run.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { type QueryFilters, eventPredicate, filterPredicates } from '../../../src/lib/logs/filters.js';
import { runQuery } from '../../../src/lib/logs/query.js';
import { RAW_FIELDS } from '../../../src/lib/logs/athena-table.js';
import { CREATE_TABLES, EVENT_COLUMNS, viewsOver } from '../../../src/lib/logs/schema.js';
import { runSql } from '../../../src/lib/logs/sql.js';
import { runSync } from '../../../src/lib/logs/sync.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { writeFixture } from './fixture.js';

const NOW = new Date('2026-01-14T00:00:00Z');
/** Filter sets that between them reach every branch of the filters and parameters. */
const FILTER_SETS: QueryFilters[] = [
  {},
  { since: '2026-01-01', until: '2026-01-20' },
  { until: '2026-01-20T12:30:00+01:00' },
  {
    since: '7d',
    actor: "o'brien@example.com,ana",
    event: 'QUERY,TagApplied',
    status: 'failure,unauthorized',
    target: "ds-1,Payments'; DROP TABLE x; --",
    tz: 'America/New_York',
    businessHours: '09:30-24:00',
    window: '90m',
    minScore: 70,
    threshold: 3,
    limit: 5,
  },
];

const render = (name: string, dialect: 'duckdb' | 'trino', filters: QueryFilters = {}) => {
  const preset = findPreset(name)!;
  return renderPresetSql(preset, resolvePresetFilters(preset, { ...filters, now: NOW }), dialect);
};

/** Names that exist in DuckDB only (or mean something else in Trino). */
const DUCKDB_ONLY = [
  /\blist_\w+/i,
  /\blambda\b/i,
  /->>/,
  /->\s*'\$/,
  /\btime_bucket\b/i,
  /\bregexp_full_match\b/i,
  /\blen\(/i,
  /\bto_seconds\b/i,
  /\bisodow\b/i,
  /\btimezone\(/i,
  /::/,
  /\bjson_type\b/i,
  /\bflatten\(list\(/i,
  /\bunnest\([^)]*\)\s+AS\s+\w+\s*,/i, // unnest() in a SELECT list
  /\{\{|\}\}/,
];
const TRINO_ONLY = [/\barrays_overlap\b/, /\belement_at\b/, /\bcardinality\b/, /\bfrom_iso8601/, /\w -> /, /\{\{|\}\}/];

describe('presets rendered for DuckDB and Trino', () => {
  const parser = new TrinoSQL();

  it('every preset, with every filter set, is valid Trino SQL with no DuckDB-only function left', () => {
    let checked = 0;
    for (const preset of PRESETS) {
      for (const filters of FILTER_SETS) {
        const resolved = resolvePresetFilters(preset, { ...filters, now: NOW });
        let sql = renderPresetSql(preset, resolved, 'trino');
        if (resolved.limit !== undefined) sql += `\nLIMIT ${resolved.limit + 1}`;
        const errors = parser.validate(sql).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
        expect(errors, `${preset.name} ${JSON.stringify(filters)}\n${sql}`).toEqual([]);
        for (const pattern of DUCKDB_ONLY) expect(sql, `${preset.name}: ${pattern}`).not.toMatch(pattern);
        const duck = renderPresetSql(preset, resolved, 'duckdb');
        for (const pattern of TRINO_ONLY) expect(duck, `${preset.name}: ${pattern}`).not.toMatch(pattern);
        checked++;
      }
    }
    expect(checked).toBe(PRESETS.length * FILTER_SETS.length);
  });

  it('the parser used above does reject DuckDB spellings (so the check can fail)', () => {
    const duck = render('permission-changes', 'duckdb');
    expect(parser.validate(duck).length).toBeGreaterThan(0); // lambda v: ...
    expect(parser.validate('SELECT filter(a, lambda v: v > 1) FROM t').length).toBeGreaterThan(0);
  });

  it('Trino reads the same columns, by name and order, as the DuckDB events view', () => {
    const sql = render('failed-queries', 'trino');
    const list = /^WITH events AS \(\n {2}SELECT (.*)\n/.exec(sql)?.[1];
    expect(list?.split(', ')).toEqual(EVENT_COLUMNS.map((c) => c.name));
    expect(sql).toContain('FROM "immuta_audit"."audit_events" e');
  });

  it('the CTE reads only columns the athena-ddl table has (a typo would pass the grammar, not Athena)', () => {
    const sql = render('failed-queries', 'trino');
    const table = new Set([...RAW_FIELDS.map((f) => f.toLowerCase()), 'dt', '*']);
    const derived = new Set(['path', 'ts', 'actorjson', 'targetsjson', 'relatedjson', 'payload']);
    const raw = [...sql.matchAll(/\be\.("?[\w$*]+"?)/g)].map((m) => m[1]!.replace(/"/g, '').toLowerCase());
    expect(raw.filter((c) => !table.has(c) && c !== '$path')).toEqual([]);
    const fromR = [...sql.matchAll(/\br\.(\w+)/g)].map((m) => m[1]!.toLowerCase());
    expect(fromR.filter((c) => !table.has(c) && !derived.has(c))).toEqual([]);
    expect(fromR).toContain('auditpayload');
  });

  it('user text reaches both dialects only as quoted literals', () => {
    for (const dialect of ['duckdb', 'trino'] as const) {
      const sql = render('failed-queries', dialect, FILTER_SETS[3]);
      expect(sql).toContain("'o''brien@example.com'");
      expect(sql).toContain("'Payments''; DROP TABLE x; --'");
    }
    // On Trino --target is compared in any case, as the DuckDB engine reads it (the store's spelling).
    expect(render('failed-queries', 'trino', FILTER_SETS[3])).toContain(
      "arrays_overlap(transform(targetIds, x -> lower(x)), ARRAY[lower('ds-1'), lower('Payments''; DROP TABLE x; --')])",
    );
    expect(render('failed-queries', 'duckdb', FILTER_SETS[3])).not.toContain('lower(');
  });

  it('reads only the date partitions around --since/--until, widened by a day (and by --window for policy-impact)', () => {
    const range = { since: '2026-01-05T08:00:00Z', until: '2026-01-06' };
    expect(render('failed-queries', 'trino', range)).toContain("e.dt >= '2026/01/04' AND e.dt <= '2026/01/07'");
    expect(render('policy-impact', 'trino', { ...range, window: '2d' })).toContain(
      "e.dt >= '2026/01/02' AND e.dt <= '2026/01/09'",
    );
    const untilOnly = render('failed-queries', 'trino', { until: '2026-01-06' });
    expect(untilOnly).toContain("WHERE e.dt <= '2026/01/07' AND coalesce(e.id, '') <> ''");
    expect(untilOnly).not.toContain('e.dt >=');
    expect(partitionRange('yyyy-MM-dd/HH', new Date('2026-01-05T08:30:00Z'), undefined)).toEqual({
      from: '2026-01-04/08',
    });
    const preset = findPreset('failed-queries')!;
    const custom = renderPresetSql(preset, resolvePresetFilters(preset, { since: '2026-03-01', now: NOW }), 'trino', {
      athena: { database: 'audit', table: 'uam', layout: 'yyyy-MM-dd' },
    });
    expect(custom).toContain('FROM "audit"."uam" e');
    expect(custom).toContain("e.dt >= '2026-02-28'");
  });

  it('list columns reach Athena as JSON (its text form `[Sales, EMEA]` is ambiguous): exactly the columns DuckDB types as lists', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      for (const statement of [...CREATE_TABLES, ...viewsOver([])]) await connection.run(statement);
      let lists = 0;
      for (const preset of PRESETS) {
        const duckdb = renderPresetSql(preset, resolvePresetFilters(preset, { now: NOW }), 'duckdb');
        const described = (await connection.runAndReadAll(`DESCRIBE ${duckdb}`)).getRowObjectsJson();
        const duckLists = described.filter((c) => String(c.column_type).endsWith('[]')).map((c) => c.column_name);
        expect(
          preset.columns.filter((c) => c.list).map((c) => c.name),
          preset.name,
        ).toEqual(duckLists);
        const select = /\nSELECT (.*) FROM answer ORDER BY/.exec(render(preset.name, 'trino'))?.[1] ?? '';
        if (duckLists.length === 0) expect(select, preset.name).toBe('*');
        else {
          // Every documented column, in order, the lists cast to JSON.
          expect(select.split(', '), preset.name).toEqual(
            presetColumns(preset).map((name) =>
              duckLists.includes(name) ? `CAST("${name}" AS JSON) AS "${name}"` : `"${name}"`,
            ),
          );
          lists += duckLists.length;
        }
      }
      expect(lists).toBeGreaterThanOrEqual(5);
    } finally {
      connection.closeSync();
    }
  });

  it('preparePresetQuery: what an engine runs (Athena or the store), with --limit asking one row more', async () => {
    const query = preparePresetQuery('sensitive-queries', { since: '2026-01-05', limit: 5, now: NOW }, 'trino', {
      athena: { database: 'audit', table: 'uam', layout: 'yyyy/MM/dd' },
    });
    expect(query.sql.startsWith('WITH events AS (')).toBe(true);
    expect(query.sql).toContain('FROM "audit"."uam" e');
    expect(query.sql.endsWith('ORDER BY eventTimestamp, id\nLIMIT 6')).toBe(true);
    expect(query.columns).toEqual(presetColumns(query.preset));
    expect(query.filters.minScore).toBe(80);
    expect(preparePresetQuery('sensitive-queries', { since: '2026-01-05', now: NOW }).sql).toBe(
      renderPresetSql(query.preset, resolvePresetFilters(query.preset, { since: '2026-01-05', now: NOW })),
    );
    const unknown = await failure(Promise.resolve().then(() => preparePresetQuery('nope', {}, 'trino')));
    expect(unknown.code).toBe('LOGS_UNKNOWN_PRESET');
  });
});

describe('macro expander', () => {
  const table: MacroTable = {
    f: { arity: [1, Infinity], render: (args) => `F<${args.join('|')}>` },
    g: { arity: 1, render: ([a]) => `G<${a}>` },
    k: { arity: 0, render: () => 'K' },
  };

  it('splits at top-level commas only, expands nested macros, keeps the rest as written', () => {
    expect(expandMacros('SELECT {{f(a, \'x, y\', "q,r", g(1, 2), [3, 4])}} FROM t', table)).toBe(
      'SELECT F<a|\'x, y\'|"q,r"|g(1, 2)|[3, 4]> FROM t',
    );
    expect(expandMacros("{{f({{g({{k}})}}, 'it''s, {{k}}')}}", table)).toBe("F<G<K>|'it''s, K'>");
    expect(expandMacros('{{k}} + {{k()}}', table)).toBe('K + K');
  });

  it('a broken template is a bug that names the macro', () => {
    expect(() => expandMacros('{{nope(1)}}', table)).toThrow(/unknown macro \{\{nope\}\}/);
    expect(() => expandMacros('{{g(1, 2)}}', table)).toThrow(/takes 1 argument/);
    expect(() => expandMacros('{{k}', table)).toThrow(/not closed/);
    expect(() => expandMacros('{{g(1}}', table)).toThrow(/unclosed/);
    expect(() => expandMacros("{{g('1)}}", table)).toThrow(/unterminated/);
  });
});

describe('Trino expressions agree with DuckDB on the same data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-dialect-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('payloadValues from the JSON text (the Trino derivation, run here with the same pattern) equals DuckDB`s', async () => {
    // Hand-written payload texts: escapes, keys that look like values, values that look like
    // punctuation, whitespace around colons, nesting, unicode.
    const hostile: Record<string, string> = {
      'h-escapes': String.raw`{"type":"TagAppliedAuditPayload","q":"say \"hi\", ok","bs":"C:\\temp\\","u":"caf\u00e9","slash":"a\/b","nl":"line\nbreak"}`,
      'h-punctuation': `{"type" : "TagAppliedAuditPayload" , "k":",starts with a comma","k2":"]","k3":"}","k4":"key-like:","k5":"","e":{},"arr":[]}`,
      'h-keys': String.raw`{"we\"ird":"v","x:":"y","type":"TagAppliedAuditPayload","n":1,"t":true,"z":null}`,
      'h-nested': `{"type":"TagAppliedAuditPayload","m":[["a",["b"]],{"k":[{"l":"c"}]}],"tags":["PII","New"]}`,
      'h-unicode': String.raw`{"type":"TagAppliedAuditPayload","e":"😀 \ud83d\ude00","tab":"a\tb"}`,
    };
    const source = join(dir, 'exported');
    writeFixture(source);
    mkdirSync(join(source, 'hostile'), { recursive: true });
    writeFileSync(
      join(source, 'hostile', 'h.ndjson'),
      Object.entries(hostile)
        .map(
          ([id, payload]) =>
            `{"id":"${id}","eventTimestamp":"2026-01-07T10:00:00.000Z","action":"UPDATE","auditPayload":${payload}}`,
        )
        .join('\n') + '\n',
    );
    const store = join(dir, 'store');
    await runSync({ source, store }, fakeIO());
    const io = fakeIO({ json: true });
    await runSql(
      {
        store,
        // payloadValues is stored for every event but QUERY ones (NULL for those).
        sql: "SELECT id, auditPayload::VARCHAR AS text, to_json(payloadValues)::VARCHAR AS pv FROM events WHERE action IS DISTINCT FROM 'QUERY'",
      },
      io,
    );
    const rows = JSON.parse(io.stdout()) as { id: string; text: string; pv: string }[];
    expect(rows.length).toBeGreaterThan(40);
    const token = new RegExp(JSON_STRING_TOKEN, 'g');
    const trinoValues = (text: string) =>
      (text.match(token) ?? [])
        .filter((s) => !s.endsWith(':'))
        .map((s) => (JSON.parse(`[${s}]`) as string[])[0]!)
        .sort();
    for (const row of rows) {
      const text = hostile[row.id] ?? row.text;
      const duck = (JSON.parse(row.pv) as string[]).sort();
      expect(trinoValues(text), row.id).toEqual(duck);
    }
    expect(trinoValues(hostile['h-escapes']!)).toContain('say "hi", ok');
  });

  it('--actor and --event in another case: the Trino filters keep the rows the DuckDB engine answers', async () => {
    const source = join(dir, 'case-exported');
    writeFixture(source);
    const store = join(dir, 'case-store');
    await runSync({ source, store }, fakeIO());
    const asked = [
      { actor: 'SDD@Example.COM', event: 'tagapplied' },
      { actor: 'taylor', event: 'TAGREMOVED,TagApplied' },
      { actor: 'ana@example.com', event: 'QUERY' },
      { actor: 'sdd@example.com', event: 'TagApplied' },
    ];
    for (const flags of asked) {
      // The DuckDB engine, end to end (it reads the flags as the store spells them).
      const duck = fakeIO({ json: true });
      await runQuery({ preset: 'tag-changes', store, since: '2020-01-01', format: 'json', ...flags }, duck);
      const duckIds = (JSON.parse(duck.stdout()) as { id: string }[]).map((r) => r.id).sort();
      // The Trino filters (no timestamps: those are from_iso8601_timestamp), evaluated on the same events.
      const preset = findPreset('tag-changes')!;
      const where = [
        eventPredicate(preset.events),
        ...filterPredicates(resolvePresetFilters(preset, { ...flags, since: '2020-01-01' }), 'trino').slice(1),
      ];
      const trino = fakeIO({ json: true });
      await runSql({ store, sql: `SELECT id FROM events WHERE ${where.join(' AND ')} ORDER BY id` }, trino);
      const trinoIds = (JSON.parse(trino.stdout()) as { id: string }[]).map((r) => r.id).sort();
      expect(trinoIds, JSON.stringify(flags)).toEqual(duckIds);
      if (flags.actor !== 'ana@example.com') expect(duckIds.length, JSON.stringify(flags)).toBeGreaterThan(0);
    }
  });

  describe('business hours and --window buckets, the Trino formulas evaluated by DuckDB', () => {
    let instance: DuckDBInstance;
    beforeAll(async () => {
      instance = await DuckDBInstance.create(':memory:');
    });
    afterAll(() => instance.closeSync());

    const ctx = (over: Partial<MacroContext>): MacroContext => ({
      windowSeconds: 3600,
      tz: 'UTC',
      businessHours: { start: '08:00:00', end: '18:00:00' },
      minScore: 80,
      threshold: 10,
      ...over,
    });
    const INSTANTS = [
      '2026-01-05T08:00:00Z', // Monday, the first second inside
      '2026-01-05T07:59:59.999Z',
      '2026-01-05T17:59:59.5Z',
      '2026-01-05T18:00:00Z',
      '2026-01-09T23:59:59Z', // Friday night
      '2026-01-10T12:00:00Z', // Saturday
      '2026-01-11T23:30:00Z', // Sunday UTC, Monday in Asia
      '2026-03-29T06:30:00Z', // the day Europe/Berlin goes to summer time
      '2026-11-01T13:00:00Z', // the day New York goes back
      '2026-01-07T23:59:59.999Z',
      '2026-01-06T03:00:00Z', // Tuesday: noon in Tokyo
      '2026-01-06T15:00:00Z', // Tuesday: afternoon in Europe, morning in New York
    ];

    it('in business hours: the same verdicts for every instant, zone and span', async () => {
      const c = await instance.connect();
      // Trino's day_of_week is ISO (Monday 1); DuckDB calls it isodow.
      await c.run('CREATE OR REPLACE MACRO day_of_week(x) AS isodow(x)');
      const values = INSTANTS.map((t) => `(TIMESTAMPTZ '${t}')`).join(', ');
      for (const tz of ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo']) {
        for (const span of [
          { start: '08:00:00', end: '18:00:00' },
          { start: '00:00:00', end: '23:59:59.999999' },
          { start: '09:30:00', end: '17:45:00' },
        ]) {
          const m = (table: MacroTable) => table.inBusinessHours!.render(['ts']);
          const sql = `SELECT ts::VARCHAR AS ts, ${m(DUCKDB.macros(ctx({ tz, businessHours: span })))} AS duck, ${m(TRINO.macros(ctx({ tz, businessHours: span })))} AS trino FROM (VALUES ${values}) v(ts)`;
          const rows = (await c.runAndReadAll(sql)).getRowObjectsJson();
          for (const row of rows) expect(row.trino, `${tz} ${span.start}-${span.end} ${String(row.ts)}`).toBe(row.duck);
          // Both verdicts occur (weekends are out whatever the span), so agreement is not vacuous.
          expect(rows.some((r) => r.duck === true) && rows.some((r) => r.duck === false)).toBe(true);
        }
      }
      c.closeSync();
    });

    it('in business hours in UTC (arithmetic on the instant): the verdicts of the calendar, before 1970 too', async () => {
      const c = await instance.connect();
      const edges = [
        '1969-12-31T23:59:59.999999Z', // Wednesday night, the last microsecond before 1970
        '1969-12-29T08:00:00Z', // a Monday before 1970, the first microsecond inside
        '1969-12-29T07:59:59.999999Z',
        '1969-12-29T17:59:59.999999Z',
        '1969-12-27T12:00:00Z', // a Saturday before 1970
        '2026-01-05T08:00:00Z',
        '2026-01-05T07:59:59.999999Z',
        '2026-01-05T17:59:59.999999Z',
        '2026-01-05T18:00:00Z',
        '2026-01-09T23:59:59.999999Z', // Friday, then Saturday
        '2026-01-10T00:00:00Z',
        '2026-01-11T23:59:59.999999Z', // Sunday, then Monday
        '2026-01-12T00:00:00Z',
      ];
      // Plus an instant every 37 min 13.000001 s over five weeks either side of 1970, and a NULL.
      const instants = `SELECT unnest([${edges.map((t) => `TIMESTAMPTZ '${t}'`).join(', ')}, NULL]) AS ts
        UNION ALL SELECT range FROM range(TIMESTAMPTZ '1969-12-01', TIMESTAMPTZ '1970-02-05', INTERVAL '37 minutes 13.000001 seconds')
        UNION ALL SELECT range FROM range(TIMESTAMPTZ '2025-12-20', TIMESTAMPTZ '2026-01-25', INTERVAL '37 minutes 13.000001 seconds')`;
      for (const span of [
        { start: '08:00:00', end: '18:00:00' },
        { start: '00:00:00', end: '23:59:59.999999' },
        { start: '09:30:15.5', end: '17:45:00' },
      ]) {
        const calendar = `(isodow(timezone('UTC', ts)) <= 5 AND CAST(timezone('UTC', ts) AS TIME) >= TIME '${span.start}' AND CAST(timezone('UTC', ts) AS TIME) < TIME '${span.end}')`;
        for (const tz of ['UTC', 'Etc/UTC', 'GMT']) {
          const arithmetic = DUCKDB.macros(ctx({ tz, businessHours: span })).inBusinessHours!.render(['ts']);
          expect(arithmetic, tz).not.toContain('timezone(');
          const [row] = (
            await c.runAndReadAll(`SELECT count(*) AS n,
                count(*) FILTER (WHERE ${arithmetic} IS NOT DISTINCT FROM ${calendar}) AS same,
                count(*) FILTER (WHERE ${calendar}) AS inside, count(*) FILTER (WHERE NOT ${calendar}) AS outside
              FROM (${instants})`)
          ).getRowObjectsJson();
          expect(Number(row?.same), `${tz} ${span.start}-${span.end}`).toBe(Number(row?.n));
          expect(Number(row?.n)).toBeGreaterThan(2500);
          expect(Number(row?.inside) > 500 && Number(row?.outside) > 500).toBe(true);
        }
      }
      // A zone with an offset keeps the calendar.
      expect(DUCKDB.macros(ctx({ tz: 'Europe/London' })).inBusinessHours!.render(['ts'])).toContain('timezone(');
      c.closeSync();
    });

    it('--business-hours ...-24:00 ends at midnight: the last microsecond of a weekday is inside, on both engines', async () => {
      const c = await instance.connect();
      await c.run('CREATE OR REPLACE MACRO day_of_week(x) AS isodow(x)');
      for (const tz of ['UTC', 'America/New_York', 'Asia/Kathmandu']) {
        const f = resolvePresetFilters(findPreset('high-risk-permission-changes')!, {
          businessHours: '09:00-24:00',
          tz,
        });
        // Monday 23:59:59.999999 on the zone's clocks (New York -05:00, Kathmandu +05:45).
        const at =
          { UTC: '2026-01-05 23:59:59.999999+00', 'America/New_York': '2026-01-06 04:59:59.999999+00' }[tz] ??
          '2026-01-05 18:14:59.999999+00';
        const m = (table: MacroTable) => table.inBusinessHours!.render([`TIMESTAMPTZ '${at}'`]);
        const [row] = (
          await c.runAndReadAll(
            `SELECT ${m(DUCKDB.macros(f))} AS duck, ${m(TRINO.macros(f))} AS trino, timezone('${tz}', TIMESTAMPTZ '${at}')::VARCHAR AS wall`,
          )
        ).getRowObjectsJson();
        expect(row?.wall, tz).toBe('2026-01-05 23:59:59.999999');
        // DuckDB said off hours (its end was 23:59:59.999999, exclusive); Trino said inside.
        expect(row, tz).toMatchObject({ duck: true, trino: true });
      }
      c.closeSync();
    });

    it('hasAny against a list of literals: the verdicts of list_has_any, NULL lists and items included', async () => {
      const c = await instance.connect();
      const lists = `(VALUES (1, ['USER_ADMIN']), (2, ['x', 'GOVERNANCE']), (3, []), (4, NULL), (5, [NULL]), (6, [NULL, 'USER_ADMIN']),
        (7, ['user_admin', 'USER_ADMIN ']), (8, ['it''s, ok']), (9, ['a', 'b', 'c'])) v(k, vals)`;
      for (const literals of [['USER_ADMIN', 'GOVERNANCE'], ["it's, ok"], ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']]) {
        const list = DUCKDB.array(literals.map(sqlString));
        const rendered = DUCKDB.hasAny('vals', list);
        expect(rendered).not.toContain('list_has_any');
        const [row] = (
          await c.runAndReadAll(`SELECT count(*) AS n,
              count(*) FILTER (WHERE ${rendered} IS NOT DISTINCT FROM list_has_any(vals, ${list})) AS same,
              count(*) FILTER (WHERE list_has_any(vals, ${list})) AS hits
            FROM ${lists}`)
        ).getRowObjectsJson();
        expect(Number(row?.same), list).toBe(9);
        expect(Number(row?.hits), list).toBeGreaterThan(0);
      }
      // Anything else (a subquery, a column, nine items, an expression to test) stays list_has_any.
      for (const [a, b] of [
        ['vals', '(SELECT list(x) FROM t)'],
        ['vals', 'other'],
        ['vals', DUCKDB.array('abcdefghi'.split('').map(sqlString))],
        ['lower(vals)', "['a']"],
      ] as const) {
        expect(DUCKDB.hasAny(a, b)).toBe(`list_has_any(${a}, ${b})`);
      }
      c.closeSync();
    });

    it('unnest: the same rows as CROSS JOIN UNNEST, zipped lists as WITH ORDINALITY, empty and NULL lists giving none', async () => {
      const c = await instance.connect();
      const rel = `(SELECT * FROM (VALUES (1, ['a', 'b'], ['A', 'B']), (2, [], ['X']), (3, NULL, NULL), (4, ['c', 'd', 'e'], ['C']),
        (5, ['f'], ['F', 'G'])) v(k, ids, names))`;
      const rows = async (sql: string) =>
        (await c.runAndReadAll(`${sql} ORDER BY ALL`)).getRowObjectsJson().map((r) => JSON.stringify(r));
      const macros = DUCKDB.macros(ctx({}));
      const one = await rows(`SELECT u.k, u.id FROM ${expandMacros(`{{unnest(u, ${rel}, ids AS id)}}`, macros)}`);
      // The Trino text for one list is SQL DuckDB also runs (with a lateral join).
      const trino = await rows(
        `SELECT u.k, u.id FROM ${expandMacros(`{{unnest(u, ${rel}, ids AS id)}}`, TRINO.macros(ctx({})))}`,
      );
      expect(one).toEqual(trino);
      expect(one).toHaveLength(6);
      const zipped = await rows(
        `SELECT z.k, z.id, z.name FROM ${expandMacros(`{{unnest(z, ${rel}, ids AS id, names AS name)}}`, macros)}`,
      );
      // Trino zips as many rows as the longest list, the others padded with NULL.
      const reference = await rows(`SELECT k, ids[i] AS id, names[i] AS name
        FROM ${rel} r CROSS JOIN range(1, greatest(len(coalesce(ids, [])), len(coalesce(names, []))) + 1) t(i)`);
      expect(zipped).toEqual(reference);
      expect(zipped).toHaveLength(8);
      c.closeSync();
    });

    it('bucket: the same window starts as time_bucket, for windows that do and do not divide a day', async () => {
      const c = await instance.connect();
      await c.run('CREATE OR REPLACE MACRO to_unixtime(x) AS epoch(x)');
      await c.run('CREATE OR REPLACE MACRO from_unixtime(x, zone) AS to_timestamp(x)');
      const values = INSTANTS.map((t) => `(TIMESTAMPTZ '${t}')`).join(', ');
      for (const windowSeconds of [60, 900, 3600, 5400, 7 * 3600, 86_400, 604_800]) {
        const b = (table: MacroTable) => table.bucket!.render(['ts']);
        const sql = `SELECT ts::VARCHAR AS ts, epoch(${b(DUCKDB.macros(ctx({ windowSeconds })))}) AS duck, epoch(${b(TRINO.macros(ctx({ windowSeconds })))}) AS trino FROM (VALUES ${values}) v(ts)`;
        for (const row of (await c.runAndReadAll(sql)).getRowObjectsJson()) {
          expect(row.trino, `${windowSeconds}s ${String(row.ts)}`).toBe(row.duck);
        }
      }
      c.closeSync();
    });
  });
});
