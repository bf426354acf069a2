/**
 * The two SQL dialects a preset is rendered for: DuckDB (the local store) and Trino (Amazon Athena
 * engine v3 over the export prefix). A preset's template uses these macros wherever the dialects
 * differ (README "Presets as portable SQL"); everything else in a template must be SQL both accept.
 *
 * | macro | DuckDB | Trino |
 * |---|---|---|
 * | `{{contains(list, x)}}` | `list_contains` | `contains` |
 * | `{{filter(list, v, predicate)}}` | `list_filter(list, lambda v: ...)` | `filter(list, v -> ...)` |
 * | `{{hasAny(a, b)}}` | `list_has_any` (`list_contains` per item against a few literals) | `arrays_overlap` |
 * | `{{intersect(a, b)}}` | `list_intersect` | `array_intersect` |
 * | `{{sortDistinct(list)}}` | `list_sort(list_distinct(...))` | `array_sort(array_distinct(...))`, NULLs dropped as DuckDB does |
 * | `{{len(list)}}` | `len` | `cardinality` |
 * | `{{at(list, i)}}` | `list[i]` | `element_at` (NULL past the end, as DuckDB) |
 * | `{{list('a', 'b')}}` | `['a', 'b']` | `ARRAY['a', 'b']` |
 * | `{{flattenAgg(list)}}` | `flatten(list(...))` | `flatten(array_agg(...))` |
 * | `{{fullMatch(text, 're')}}` | `regexp_full_match` | `regexp_like` anchored |
 * | `{{json(j, '$.path')}}` | `j->'$.path'` | `json_extract` |
 * | `{{jsonText(j, '$.path')}}` | `j->>'$.path'` | `json_extract_scalar` |
 * | `{{jsonString(j, '$.path')}}` | the value when it is a JSON string, else NULL | same |
 * | `{{window}}` | the --window as an INTERVAL | `parse_duration` |
 * | `{{bucket(ts)}}` | `time_bucket(window, ts)` | the same buckets (origin 2000-01-03 UTC, DuckDB's) |
 * | `{{inBusinessHours}}`, `{{inBusinessHours(ts)}}` | Monday to Friday, start <= local time < end, in --tz (UTC by arithmetic) | same |
 * | `{{minScore}}`, `{{threshold}}` | numbers | numbers |
 * | `name AS {{materialized}} (...)` | `MATERIALIZED`: the CTE is computed once, before filters outside it | nothing |
 */
import { BUCKET_ORIGIN_MS } from '../period.js';
import type { Macro, MacroTable } from './macros.js';

export type SqlDialect = 'duckdb' | 'trino';
export const SQL_DIALECTS: readonly SqlDialect[] = ['duckdb', 'trino'];

/** A SQL string literal (the one way user text reaches SQL, in both dialects). */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** What the parameter macros are rendered from (a subset of the resolved filters). */
export interface MacroContext {
  windowSeconds: number;
  /** IANA zone of the business hours. */
  tz: string;
  /** `HH:MM:SS` (end may be `24:00:00`: midnight ending the day). */
  businessHours: { start: string; end: string };
  minScore: number;
  threshold: number;
}

/** The SQL pieces filters are built from, per dialect. */
export interface DialectSql {
  /** An instant, from an ISO-8601 text. */
  timestamp(iso: string): string;
  /** An array of SQL expressions. */
  array(items: readonly string[]): string;
  /** Some element of `a` is in `b`. */
  hasAny(a: string, b: string): string;
  /** Every macro of a preset template. */
  macros(ctx: MacroContext): MacroTable;
}

const fixed = (arity: Macro['arity'], render: Macro['render']): Macro => ({ arity, render });
/** Arguments are always present when the arity was checked; this keeps the renderers short. */
const arg = (args: string[], i: number): string => args[i] ?? '';

/**
 * `{{unnest(alias, relation, list AS name, ...)}}`: a derived table `alias` with every column of
 * `relation` (a CTE name or a parenthesized subquery, without an alias) and one row per element of
 * the lists (zipped, the shorter padded with NULL; a row whose lists are empty or NULL gives none).
 * DuckDB unnests in the SELECT list: its `CROSS JOIN UNNEST` is a lateral join, measured on 1 GB
 * at ~200 ms more per use for 69,000 rows (4x to 6x the scan).
 */
function unnestOf(args: string[], render: (relation: string, lists: string[], names: string[]) => string): string {
  const [alias = '', relation = '', ...items] = args;
  const lists: string[] = [];
  const names: string[] = [];
  for (const item of items) {
    const match = /^([\s\S]+?)\s+AS\s+(\w+)$/i.exec(item);
    if (!match) throw new Error(`unnest: "${item}" is not "list AS name"`);
    lists.push(match[1] ?? '');
    names.push(match[2] ?? '');
  }
  return `(${render(relation, lists, names)}) AS ${alias}`;
}

/** `HH:MM:SS[.ffffff]` -> seconds since midnight, rounded up (23:59:59.999999 -> 86400). */
function secondsOfDay(time: string): number {
  const [h = '0', m = '0', s = '0'] = time.split(':');
  return Math.ceil(Number(h) * 3600 + Number(m) * 60 + Number(s));
}

/** The text of a SQL string literal argument (a regular expression), without its quotes. */
function literalText(sql: string): string {
  const match = /^'((?:[^']|'')*)'$/s.exec(sql);
  if (!match) throw new Error(`expected a string literal, got ${sql}`);
  return (match[1] ?? '').replace(/''/g, "'");
}

/** Parameter macros shared by both dialects. */
function numbers(ctx: MacroContext): MacroTable {
  return {
    minScore: fixed(0, () => String(ctx.minScore)),
    threshold: fixed(0, () => String(ctx.threshold)),
  };
}

/**
 * The items of a list of up to eight string literals (`['USER_ADMIN', 'GOVERNANCE']`), else undefined.
 * Against such a list DuckDB's `list_has_any` builds a set per row; `list_contains` per item gives
 * the same verdicts (NULL for a NULL list, tested) for less (measured on 1 GB: the filter of
 * high-risk-permission-changes over 62,599 payloads, ~38 -> ~29 ms).
 */
function literalItems(list: string): string[] | undefined {
  const literal = `'(?:[^']|'')*'`;
  if (!new RegExp(`^\\[\\s*${literal}(?:\\s*,\\s*${literal}){0,7}\\s*\\]$`).test(list)) return undefined;
  return list.match(new RegExp(literal, 'g')) ?? undefined;
}

/** Whether an IANA zone is UTC under another name (`Etc/UTC`, `GMT`, `Zulu`...): the default --tz. */
function isUtc(tz: string): boolean {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone === 'UTC';
  } catch {
    return false;
  }
}

/** `HH:MM:SS[.ffffff]` -> microseconds since midnight, exactly. */
function microsOfDay(time: string): number {
  const [h = '0', m = '0', s = '0'] = time.split(':');
  const [whole = '0', fraction = ''] = s.split('.');
  return ((Number(h) * 60 + Number(m)) * 60 + Number(whole)) * 1_000_000 + Number(fraction.padEnd(6, '0').slice(0, 6));
}

const MICROS_PER_DAY = 86_400_000_000;

/**
 * In business hours in UTC, by integer arithmetic on the instant's microseconds since 1970: the
 * same verdicts as `timezone('UTC', ...)` (tested, before 1970 too), without ICU's calendar per row
 * (measured on 1 GB, the test over 62,599 permission events: ~44 -> ~24 ms). Day 0 was a Thursday,
 * so `(day + 3) mod 7` counts from Monday; `mod` is taken positive for instants before 1970.
 */
function utcBusinessHours(column: string, hours: MacroContext['businessHours']): string {
  const micros = `epoch_us(${column})`;
  const ofDay = `((${micros} % ${MICROS_PER_DAY} + ${MICROS_PER_DAY}) % ${MICROS_PER_DAY})`;
  const weekday = `((((${micros} - ${ofDay}) // ${MICROS_PER_DAY}) % 7 + 10) % 7)`;
  return `(${weekday} < 5 AND ${ofDay} >= ${microsOfDay(hours.start)} AND ${ofDay} < ${microsOfDay(hours.end)})`;
}

export const DUCKDB: DialectSql = {
  timestamp: (iso) => `${sqlString(iso)}::TIMESTAMPTZ`,
  array: (items) => `[${items.join(', ')}]`,
  hasAny: (a, b) => {
    const items = /^\w+$/.test(a) ? literalItems(b) : undefined;
    return items ? `(${items.map((item) => `list_contains(${a}, ${item})`).join(' OR ')})` : `list_has_any(${a}, ${b})`;
  },
  macros(ctx) {
    const window = `to_seconds(${ctx.windowSeconds})`;
    const businessHours = (column: string) => {
      if (isUtc(ctx.tz)) return utcBusinessHours(column, ctx.businessHours);
      const local = `timezone(${sqlString(ctx.tz)}, ${column})`;
      return (
        `(isodow(${local}) <= 5 AND CAST(${local} AS TIME) >= TIME ${sqlString(ctx.businessHours.start)} ` +
        `AND CAST(${local} AS TIME) < TIME ${sqlString(ctx.businessHours.end)})`
      );
    };
    return {
      ...numbers(ctx),
      contains: fixed(2, (a) => `list_contains(${arg(a, 0)}, ${arg(a, 1)})`),
      filter: fixed(3, (a) => `list_filter(${arg(a, 0)}, lambda ${arg(a, 1)}: ${arg(a, 2)})`),
      hasAny: fixed(2, (a) => DUCKDB.hasAny(arg(a, 0), arg(a, 1))),
      intersect: fixed(2, (a) => `list_intersect(${arg(a, 0)}, ${arg(a, 1)})`),
      sortDistinct: fixed(1, (a) => `list_sort(list_distinct(${arg(a, 0)}))`),
      len: fixed(1, (a) => `len(${arg(a, 0)})`),
      at: fixed(2, (a) => `${arg(a, 0)}[${arg(a, 1)}]`),
      list: fixed([1, Infinity], (a) => DUCKDB.array(a)),
      flattenAgg: fixed(1, (a) => `flatten(list(${arg(a, 0)}))`),
      unnest: fixed([3, Infinity], (a) =>
        unnestOf(
          a,
          (relation, lists, names) =>
            `SELECT *, ${lists.map((list, i) => `unnest(${list}) AS ${names[i]}`).join(', ')} FROM ${relation}`,
        ),
      ),
      fullMatch: fixed(2, (a) => `regexp_full_match(${arg(a, 0)}, ${arg(a, 1)})`),
      json: fixed(2, (a) => `${arg(a, 0)}->${arg(a, 1)}`),
      jsonText: fixed(2, (a) => `${arg(a, 0)}->>${arg(a, 1)}`),
      jsonString: fixed(
        2,
        (a) => `CASE WHEN json_type(${arg(a, 0)}, ${arg(a, 1)}) = 'VARCHAR' THEN ${arg(a, 0)}->>${arg(a, 1)} END`,
      ),
      window: fixed(0, () => window),
      bucket: fixed(1, (a) => `time_bucket(${window}, ${arg(a, 0)})`),
      inBusinessHours: fixed([0, 1], (a) => businessHours(a[0] ?? 'eventTimestamp')),
      // Keeps a filter on a derived column (payloadValues) out of the table scan: pushed into it,
      // DuckDB evaluated it before the cheap filters, on every row (1 GB: 2.2 s -> 0.8 s).
      materialized: fixed(0, () => 'MATERIALIZED'),
    };
  },
};

/** DuckDB's time_bucket origin for buckets without months: Monday 2000-01-03 00:00 UTC (epoch seconds). */
const BUCKET_ORIGIN = BUCKET_ORIGIN_MS / 1000;

/**
 * A JSON path as written, or with the path lower-cased as a fallback: the OpenX JSON SerDe may hand
 * nested objects over with lower-cased keys when `case.insensitive` is on (our DDL turns it off, but
 * a table made by hand may not).
 */
function caseTolerant(fn: string, json: string, path: string): string {
  const lower = path.toLowerCase();
  return lower === path ? `${fn}(${json}, ${path})` : `coalesce(${fn}(${json}, ${path}), ${fn}(${json}, ${lower}))`;
}

export const TRINO: DialectSql = {
  timestamp: (iso) => `from_iso8601_timestamp(${sqlString(iso)})`,
  array: (items) => `ARRAY[${items.join(', ')}]`,
  hasAny: (a, b) => `arrays_overlap(${a}, ${b})`,
  macros(ctx) {
    const window = `parse_duration(${sqlString(`${ctx.windowSeconds}s`)})`;
    const businessHours = (column: string) => {
      const local = `(${column} AT TIME ZONE ${sqlString(ctx.tz)})`;
      const seconds = `(hour(${local}) * 3600 + minute(${local}) * 60 + second(${local}))`;
      return (
        `(day_of_week(${local}) <= 5 AND ${seconds} >= ${secondsOfDay(ctx.businessHours.start)} ` +
        `AND ${seconds} < ${secondsOfDay(ctx.businessHours.end)})`
      );
    };
    return {
      ...numbers(ctx),
      contains: fixed(2, (a) => `contains(${arg(a, 0)}, ${arg(a, 1)})`),
      filter: fixed(3, (a) => `filter(${arg(a, 0)}, ${arg(a, 1)} -> ${arg(a, 2)})`),
      hasAny: fixed(2, (a) => TRINO.hasAny(arg(a, 0), arg(a, 1))),
      intersect: fixed(2, (a) => `array_intersect(${arg(a, 0)}, ${arg(a, 1)})`),
      // DuckDB's list_distinct drops NULLs; Trino's array_distinct keeps one.
      sortDistinct: fixed(1, (a) => `array_sort(array_distinct(filter(${arg(a, 0)}, x -> x IS NOT NULL)))`),
      len: fixed(1, (a) => `cardinality(${arg(a, 0)})`),
      // `list[i]` fails past the end in Trino; element_at gives NULL, as DuckDB's subscript does.
      at: fixed(2, (a) => `element_at(${arg(a, 0)}, ${arg(a, 1)})`),
      list: fixed([1, Infinity], (a) => TRINO.array(a)),
      flattenAgg: fixed(1, (a) => `flatten(array_agg(${arg(a, 0)}))`),
      unnest: fixed([3, Infinity], (a) =>
        unnestOf(
          a,
          (relation, lists, names) =>
            `SELECT * FROM ${relation} CROSS JOIN UNNEST(${lists.join(', ')}) AS ${arg(a, 0)}_items(${names.join(', ')})`,
        ),
      ),
      fullMatch: fixed(2, (a) => `regexp_like(${arg(a, 0)}, ${sqlString(`^(?:${literalText(arg(a, 1))})$`)})`),
      json: fixed(2, (a) => caseTolerant('json_extract', arg(a, 0), arg(a, 1))),
      jsonText: fixed(2, (a) => caseTolerant('json_extract_scalar', arg(a, 0), arg(a, 1))),
      // json_format of a JSON string starts with its quote; numbers, booleans and objects do not.
      jsonString: fixed(2, (a) => {
        const value = caseTolerant('json_extract', arg(a, 0), arg(a, 1));
        return `CASE WHEN starts_with(json_format(${value}), '"') THEN json_extract_scalar(${value}, '$') END`;
      }),
      window: fixed(0, () => window),
      bucket: fixed(
        1,
        (a) =>
          `from_unixtime(${BUCKET_ORIGIN} + floor((to_unixtime(${arg(a, 0)}) - ${BUCKET_ORIGIN}) / ${ctx.windowSeconds}) * ${ctx.windowSeconds}, 'UTC')`,
      ),
      inBusinessHours: fixed([0, 1], (a) => businessHours(a[0] ?? 'eventTimestamp')),
      materialized: fixed(0, () => ''),
    };
  },
};

export const DIALECT_SQL: Readonly<Record<SqlDialect, DialectSql>> = { duckdb: DUCKDB, trino: TRINO };
