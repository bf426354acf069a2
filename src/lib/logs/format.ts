/**
 * Rows out: `table` (aligned on a terminal, tab-separated when piped), `json` (one array), `ndjson`
 * (one object a line), `csv` (RFC 4180, a header line). Row keys keep the query's column order, so
 * the same store and arguments give the same bytes.
 */
import { usageError } from '../errors/cli-error.js';
import type { CommandIO } from '../io/command-io.js';
import { renderTable } from '../output/table.js';
import type { Row } from './rows.js';

export const OUTPUT_FORMATS = ['table', 'json', 'ndjson', 'csv'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** --json wins; then --format; then table on a terminal and ndjson otherwise. */
export function chooseFormat(flag: string | undefined, io: CommandIO): OutputFormat {
  if (io.json) return 'json';
  if (flag !== undefined) {
    if (!(OUTPUT_FORMATS as readonly string[]).includes(flag)) {
      throw usageError(`unknown --format "${flag}"`, `Use one of ${OUTPUT_FORMATS.join(', ')}.`);
    }
    return flag as OutputFormat;
  }
  return io.caps.interactive || io.caps.color ? 'table' : 'ndjson';
}

/** A cell as text: strings as they are, null empty, anything else as compact JSON. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function csvCell(value: unknown): string {
  const text = cellText(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Longest cell shown in a terminal table (the full value is in json/ndjson/csv). */
const TABLE_CELL_MAX = 60;

export function formatRows(
  columns: readonly string[],
  rows: readonly Row[],
  format: OutputFormat,
  tty: boolean,
): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(rows, null, 2)}\n`;
    case 'ndjson':
      return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
    case 'csv':
      return [columns.map(csvCell).join(','), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(','))]
        .map((line) => `${line}\r\n`)
        .join('');
    case 'table': {
      if (rows.length === 0) return '';
      const cut = (text: string) =>
        tty && text.length > TABLE_CELL_MAX ? `${text.slice(0, TABLE_CELL_MAX - 1)}…` : text.replace(/[\t\n\r]/g, ' ');
      return `${renderTable(
        rows,
        columns.map((c) => ({ header: c, value: (row: Row) => cut(cellText(row[c])) })),
        tty,
      )}\n`;
    }
  }
}

/** Prints rows in the chosen format (in JSON mode the return value is the document: nothing is written). */
export function printRows(columns: readonly string[], rows: readonly Row[], format: OutputFormat, io: CommandIO): void {
  if (io.json) return;
  const tty = io.caps.interactive || io.caps.color;
  const text = formatRows(columns, rows, format, tty);
  if (text !== '') io.write(text);
}
