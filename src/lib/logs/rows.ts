/**
 * DuckDB results as plain JSON-ready rows: what `--json`, ndjson, csv and the table print, and what
 * other features (reports, alerts) consume. Timestamps become ISO-8601 UTC strings with milliseconds,
 * JSON columns are parsed, integers become numbers (strings past 2^53), everything else is DuckDB's
 * own JSON rendering.
 */
import type { DuckDBResultReader } from '@duckdb/node-api';

export type Row = Record<string, unknown>;

// DuckDBTypeId values (the enum lives in the lazily loaded module).
const TIMESTAMP_TZ = 31;
const TIMESTAMP_IDS = new Set([12, 20, 21, 22]);
const INTEGER_IDS = new Set([2, 3, 4, 5, 6, 7, 8, 9, 16, 32]);
const DECIMAL = 19;

export function toPlainRows(reader: DuckDBResultReader): Row[] {
  const types = reader.columnTypes();
  const names = reader.columnNames();
  const convert = types.map((type) => {
    if (type.alias === 'JSON') return parseJson;
    if (type.typeId === TIMESTAMP_TZ || TIMESTAMP_IDS.has(type.typeId)) return isoTimestamp;
    if (INTEGER_IDS.has(type.typeId) || type.typeId === DECIMAL) return toNumber;
    return (value: unknown) => value;
  });
  // Column by column: the reader's getColumnsJson is ~20x faster than getRowsJson (48,000 ids: 5 vs 100+ ms).
  const columns = reader.getColumnsJson();
  const count = columns[0]?.length ?? 0;
  const rows: Row[] = new Array<Row>(count);
  for (let r = 0; r < count; r++) rows[r] = {};
  names.forEach((name, i) => {
    const values = columns[i] ?? [];
    const to = convert[i];
    for (let r = 0; r < count; r++) {
      const value = values[r];
      (rows[r] as Row)[name] = value === null || value === undefined ? null : to ? to(value) : value;
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

function toNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const number = Number(value);
  return Number.isFinite(number) && (Number.isSafeInteger(number) || !/^-?\d+$/.test(value)) ? number : value;
}
