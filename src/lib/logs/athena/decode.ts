/**
 * Athena answers every cell as text (`VarCharValue`, absent for NULL) next to the column's type
 * (`ResultSetMetadata.ColumnInfo[].Type`). This turns those cells into the same plain values the
 * DuckDB engine gives (rows.ts), so `--format table|json|ndjson|csv` prints the same bytes for the
 * same answer on either engine:
 *
 * - timestamps with a zone -> ISO-8601 UTC with milliseconds (`2026-01-07T16:00:00.000Z`); without
 *   one, their wall-clock reading, without `Z` (`2026-01-07T16:00:00.000`), as rows.ts does;
 * - integers and decimals -> numbers (integers past 2^53 stay strings), doubles -> numbers
 *   (`NaN`, `Infinity` stay strings, as DuckDB renders them);
 * - booleans -> booleans; `json` -> parsed;
 * - `array`, `map`, `row` -> arrays and objects of strings, parsed from Athena's text form
 *   (`[a, b]`, `{k=v}`). That text is ambiguous when an element contains `, `, `=`, or brackets:
 *   exact answers need `CAST(x AS JSON)` in the SQL, which makes the column `json`;
 * - everything else (varchar, char, date, time, varbinary, interval, ipaddress...) stays text.
 */
import { zoneOffsetAt } from '../../util/wall-clock.js';
import type { Row } from '../rows.js';
import { setOwn } from '../../util/own-property.js';

export interface AthenaColumn {
  name: string;
  /** Athena's type name, e.g. `varchar`, `bigint`, `decimal(10,2)`, `timestamp(3) with time zone`. */
  type: string;
}

type Decoder = (text: string) => unknown;

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const FLOAT_TYPES = new Set(['double', 'float', 'real']);

/** The decoder for one Athena type name. */
export function decoderFor(type: string): Decoder {
  const normalized = type.trim().toLowerCase();
  const base = (/^[a-z ]+/.exec(normalized)?.[0] ?? normalized).trim();
  if (base === 'timestamp' || normalized.startsWith('timestamp'))
    return normalized.endsWith('with time zone') ? isoFromAthenaTimestamp : isoWallClock;
  if (INTEGER_TYPES.has(base) || base === 'decimal') return toNumber;
  if (FLOAT_TYPES.has(base)) return toFloat;
  if (base === 'boolean') return toBoolean;
  if (base === 'json') return parseJson;
  if (base === 'array') return (text) => parseAthenaArray(text) ?? text;
  if (base === 'map' || base === 'row' || base === 'struct') return (text) => parseAthenaObject(text) ?? text;
  return (text) => text;
}

/** Athena result rows (header already removed) -> plain rows keyed by column name, in column order. */
export function decodeRows(
  columns: readonly AthenaColumn[],
  cells: readonly (readonly (string | undefined)[])[],
): Row[] {
  const decoders = columns.map((c) => decoderFor(c.type));
  return cells.map((values) => {
    const row: Row = {};
    columns.forEach((column, i) => {
      const text = values[i];
      setOwn(row, column.name, text === undefined ? null : (decoders[i] ?? String)(text));
    });
    return row;
  });
}

function toNumber(text: string): unknown {
  const number = Number(text);
  if (text.trim() === '' || !Number.isFinite(number)) return text;
  return Number.isSafeInteger(number) || !/^-?\d+$/.test(text.trim()) ? number : text;
}

function toFloat(text: string): unknown {
  const number = Number(text);
  return text.trim() !== '' && Number.isFinite(number) ? number : text;
}

function toBoolean(text: string): unknown {
  if (text === 'true') return true;
  if (text === 'false') return false;
  return text;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * `2026-01-07 16:00:00.123456`, `2026-01-07 16:00:00.123 UTC`, `... +01:00`, `... Europe/Berlin`
 * -> `2026-01-07T15:00:00.123Z` (UTC, milliseconds cut, not rounded: as rows.ts does for DuckDB).
 * A value that does not read as a timestamp is returned as it came.
 */
export function isoFromAthenaTimestamp(text: string): unknown {
  const match = /^(-?\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:\s*(\S+))?$/.exec(text.trim());
  if (!match) return text;
  const [, y, mo, d, h, mi, s, fraction, zone] = match;
  const millis = Number((fraction ?? '').slice(0, 3).padEnd(3, '0'));
  const local = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), millis);
  const offsetMinutes = zone === undefined ? 0 : zoneOffsetMinutes(zone, local);
  if (offsetMinutes === undefined) return text;
  const utc = new Date(local - offsetMinutes * 60_000);
  return Number.isNaN(utc.getTime()) ? text : utc.toISOString();
}

/**
 * A `timestamp` without a zone (`2026-01-07 16:00:00.123456`) -> `2026-01-07T16:00:00.123`: a clock's
 * reading, not an instant, so without `Z` (with it, DuckDB's wall-clock readings named the wrong
 * instant; see rows.ts). Text that does not read as one is returned as it came.
 */
export function isoWallClock(text: string): unknown {
  if (!/^-?\d{4,}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?$/.test(text.trim())) return text;
  const iso = isoFromAthenaTimestamp(text);
  return typeof iso === 'string' && iso !== text ? iso.slice(0, -1) : iso;
}

/** Minutes east of UTC of `zone` at the wall-clock time `localMs` (read as if it were UTC). */
function zoneOffsetMinutes(zone: string, localMs: number): number | undefined {
  if (/^(UTC|Z|GMT|Etc\/UTC|Etc\/GMT)$/i.test(zone)) return 0;
  const fixed = /^(?:UTC|GMT)?([+-])(\d{2}):?(\d{2})?$/i.exec(zone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0));
  try {
    // Two passes settle the offset next to a daylight-saving change.
    const first = zoneOffsetAt(localMs, zone);
    return zoneOffsetAt(localMs - first * 60_000, zone);
  } catch {
    return undefined; // not a zone Node knows
  }
}

/** Splits `a, [b, c], {d=e}` at the top-level `, ` separators. */
function splitTopLevel(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '[' || ch === '{') depth++;
    else if ((ch === ']' || ch === '}') && depth > 0) depth--;
    else if (ch === ',' && depth === 0 && inner[i + 1] === ' ') {
      parts.push(inner.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  parts.push(inner.slice(start));
  return parts;
}

/** A nested value of Athena's text form: `[..]` an array, `{k=v}` an object, `null` null, else text. */
function parseNested(text: string): unknown {
  if (text === 'null') return null;
  if (text.startsWith('[') && text.endsWith(']')) return parseAthenaArray(text) ?? text;
  if (text.startsWith('{') && text.endsWith('}')) return parseAthenaObject(text) ?? text;
  return text;
}

/**
 * `[a, b]` -> ['a', 'b']: elements stay text (the column type says `array`, not of what), nested
 * arrays and objects are split too. Undefined when the text is not bracketed.
 */
export function parseAthenaArray(text: string): unknown[] | undefined {
  if (!text.startsWith('[') || !text.endsWith(']')) return undefined;
  const inner = text.slice(1, -1);
  return inner === '' ? [] : splitTopLevel(inner).map(parseNested);
}

/** `{k=v, k2=v2}` (map and row) -> { k: 'v', k2: 'v2' }. Undefined when the text is not braced. */
export function parseAthenaObject(text: string): Record<string, unknown> | undefined {
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined;
  const inner = text.slice(1, -1);
  const object: Record<string, unknown> = {};
  if (inner === '') return object;
  for (const part of splitTopLevel(inner)) {
    const eq = part.indexOf('=');
    if (eq < 0) return undefined;
    setOwn(object, part.slice(0, eq), parseNested(part.slice(eq + 1)));
  }
  return object;
}
