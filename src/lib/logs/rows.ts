/**
 * DuckDB results as plain JSON-ready rows: what `--json`, ndjson, csv and the table print, and what
 * other features (reports, alerts) consume. Timestamps become ISO-8601 UTC strings with milliseconds
 * (a TIMESTAMP without a zone: its wall-clock reading, without `Z`), JSON columns are parsed, integers become numbers (strings past 2^53), everything else is DuckDB's
 * own JSON rendering.
 */
import type { DuckDBResultReader } from '@duckdb/node-api';
import { setOwn } from '../util/own-property.js';

export type Row = Record<string, unknown>;

// DuckDBTypeId values (the enum lives in the lazily loaded module).
const TIMESTAMP_TZ = 31;
const TIMESTAMP_IDS = new Set([12, 20, 21, 22]);
const INTEGER_IDS = new Set([2, 3, 4, 5, 6, 7, 8, 9, 16, 32]);
const DECIMAL = 19;

export function toPlainRows(reader: DuckDBResultReader): Row[] {
  // Column by column: the reader's getColumnsJson is ~20x faster than getRowsJson (48,000 ids: 5 vs 100+ ms).
  return plainRows(reader.columnNames(), reader.columnTypes(), reader.getColumnsJson());
}

/** Rows from columns of values as the Node API's JSON converter gives them (a reader's, or one streamed chunk's). */
export function plainRows(
  names: readonly string[],
  types: ReadonlyArray<{ typeId: number; alias?: string | undefined }>,
  columns: ReadonlyArray<readonly unknown[]>,
): Row[] {
  const convert = types.map((type) => {
    if (type.alias === 'JSON') return parseJson;
    if (type.typeId === TIMESTAMP_TZ) return isoTimestamp;
    if (TIMESTAMP_IDS.has(type.typeId)) return isoWallClock;
    if (INTEGER_IDS.has(type.typeId) || type.typeId === DECIMAL) return toNumber;
    return (value: unknown) => value;
  });
  const count = columns[0]?.length ?? 0;
  const rows: Row[] = new Array<Row>(count);
  for (let r = 0; r < count; r++) rows[r] = {};
  names.forEach((name, i) => {
    const values = columns[i] ?? [];
    const to = convert[i];
    for (let r = 0; r < count; r++) {
      const value = values[r];
      setOwn(rows[r] as Row, name, value === null || value === undefined ? null : to ? to(value) : value);
    }
  });
  return rows;
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** '2024-01-06 08:00:00.123456+00' (the session is UTC) -> '2024-01-06T08:00:00.123Z'. */
function isoTimestamp(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const match = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)?(?:\+00(?::?00)?)?$/.exec(value);
  if (!match) return value;
  const millis = (match[3] ?? '.000').slice(1, 4).padEnd(3, '0');
  return `${match[1]}T${match[2]}.${millis}Z`;
}

/**
 * '2024-01-06 03:00:00.123456' (a TIMESTAMP: no zone) -> '2024-01-06T03:00:00.123', without `Z`.
 * Such a value is a reading of some clock (`eventTimestamp AT TIME ZONE 'America/New_York'`):
 * printed with `Z` it named another instant, 5 hours off, as if it were UTC.
 */
function isoWallClock(value: unknown): unknown {
  const iso = isoTimestamp(value);
  return typeof iso === 'string' && iso !== value ? iso.slice(0, -1) : iso;
}

function toNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const number = Number(value);
  return Number.isFinite(number) && (Number.isSafeInteger(number) || !/^-?\d+$/.test(value)) ? number : value;
}

/** A result column, as a prepared statement describes it. */
export interface ResultColumn {
  name: string;
  typeId: number;
  alias?: string | undefined;
  /** The element type of a LIST. */
  valueTypeId?: number | undefined;
  valueAlias?: string | undefined;
}

const BOOLEAN = 1;
const VARCHAR = 17;
const LIST = 24;
const DOUBLE = 11;
/** Integers JSON holds exactly (and toPlainRows gives as numbers); wider ones go as text. */
const SMALL_INTEGER_IDS = new Set([2, 3, 4, 6, 7, 8]);

const identifier = (name: string) => `"${name.replaceAll('"', '""')}"`;
const stringLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** How a column goes into the JSON text, or undefined when this path cannot render it as plainRows does. */
function jsonValueOf(column: ResultColumn): string | undefined {
  const value = identifier(column.name);
  if (column.typeId === VARCHAR) return column.alias === undefined || column.alias === 'JSON' ? value : undefined;
  if (column.typeId === BOOLEAN || column.typeId === TIMESTAMP_TZ) return value;
  if (SMALL_INTEGER_IDS.has(column.typeId)) return value;
  // JSON has no NaN or infinities: they go as the text the Node API gives them.
  if (column.typeId === DOUBLE) {
    return `CASE WHEN isnan(${value}) THEN '"NaN"'::JSON WHEN isinf(${value}) THEN (CASE WHEN ${value} > 0 THEN '"Infinity"' ELSE '"-Infinity"' END)::JSON ELSE to_json(${value}) END`;
  }
  if (INTEGER_IDS.has(column.typeId)) return `${value}::VARCHAR`;
  // Not a list of JSON: the Node API gives its elements as their text, JSON text would nest them.
  if (column.typeId === LIST && column.valueTypeId === VARCHAR && column.valueAlias === undefined) return value;
  return undefined;
}

/**
 * The SQL that returns each row of `sql` (in its order) as one JSON text, or undefined when a
 * column has a type this path does not render exactly as plainRows does (nothing but text,
 * booleans, numbers, timestamps and lists of text). Why: the DuckDB Node API hands over each value
 * with a native call and a decode, so one string per row instead of one per value is several
 * times faster for wide answers (query-trail, 8 columns). One per row rather than one per N rows
 * (an aggregate): an aggregate holds the whole answer in DuckDB's memory, which a year of QUERY
 * events exceeds, and gives nothing until the last row; a projection streams.
 */
export function rowJsonSql(sql: string, columns: readonly ResultColumn[]): string | undefined {
  if (columns.length === 0 || new Set(columns.map((c) => c.name)).size !== columns.length) return undefined;
  const fields: string[] = [];
  for (const column of columns) {
    const value = jsonValueOf(column);
    if (value === undefined) return undefined;
    fields.push(`${stringLiteral(column.name)}: ${value}`);
  }
  return `SELECT to_json({${fields.join(', ')}})::VARCHAR AS immuta_row FROM (${sql}
) AS immuta_query`;
}

/** The rows of rowJsonSql's texts, converted as plainRows converts them. */
export function rowsFromJsonTexts(texts: readonly string[], columns: readonly ResultColumn[]): Row[] {
  const rows = texts.map((text) => JSON.parse(text) as Row);
  for (const column of columns) {
    const to = column.typeId === TIMESTAMP_TZ ? isoTimestamp : INTEGER_IDS.has(column.typeId) ? toNumber : undefined;
    if (to === undefined) continue;
    for (const row of rows) {
      const value = row[column.name];
      if (value !== null && value !== undefined) setOwn(row, column.name, to(value));
    }
  }
  return rows;
}

/** The first `limit` rows of batches (all without a limit), and whether a row past it was seen. */
export function upTo(
  batches: AsyncIterable<Row[]>,
  limit: number | undefined,
): { batches: AsyncIterable<Row[]>; truncated: () => boolean } {
  let truncated = false;
  async function* limited(): AsyncGenerator<Row[]> {
    let left = limit ?? Number.POSITIVE_INFINITY;
    for await (const batch of batches) {
      if (batch.length > left) {
        truncated = true;
        if (left > 0) yield batch.slice(0, left);
        left = 0;
        continue; // read to the end: the connection streams one answer at a time
      }
      left -= batch.length;
      yield batch;
    }
  }
  return { batches: limited(), truncated: () => truncated };
}
