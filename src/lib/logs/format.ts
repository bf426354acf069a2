/**
 * Rows out: `table` (aligned on a terminal, tab-separated when piped), `json` (one array), `ndjson`
 * (one object a line), `csv` (RFC 4180, a header line). Row keys keep the query's column order, so
 * the same store and arguments give the same bytes.
 */
import { usageError } from '../errors/cli-error.js';
import type { CommandIO } from '../io/command-io.js';
import { escapeControl } from '../output/control-codes.js';
import { hasSecretKey, redactSecretKeys, redactText } from '../output/redact.js';
import { columnWidths, headerLine, renderTable, rowLine, visibleLength } from '../output/table.js';
import { cutToWidth } from '../output/text-width.js';
import type { Row } from './rows.js';
import { DEEP_LIMIT, DEEP_VALUE, renderDeepSafe } from './deep-values.js';

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

/*
 * Cells escape the control codes of their values themselves: a colour terminal's stream keeps the
 * colour sequences our painter writes, and a value (an actor name in an exported line) must not
 * bring its own, which could hide or recolour what is printed after it.
 */
function csvCell(value: unknown): string {
  const text = escapeControl(cellText(value));
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record, CRLF-terminated (RFC 4180). */
const csvLine = (cells: readonly unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** Longest cell shown in a terminal table (the full value is in json/ndjson/csv). */
const TABLE_CELL_MAX = 60;

/**
 * Rows a terminal table is measured on before it is printed: an answer up to this long is aligned
 * on its widest cells; a longer one keeps the widths of these rows and prints the rest as it reads
 * them, a wider cell cut to its column. Collecting a whole answer held every row as objects (1.8 GB
 * for 440,000 QUERY events).
 */
export const TABLE_MEASURED_ROWS = 10_000;

/**
 * A table cell on one line: tabs and line breaks as spaces, and on a terminal at most TABLE_CELL_MAX long.
 * A cell is redacted before it is cut (only then, to spare the other cells the scan): the output
 * stream's redaction no longer recognises the head of a secret cut in two.
 */
function tableCell(value: unknown, tty: boolean): string {
  const text = escapeControl(cellText(value).replace(/[\t\n\r]/g, ' '));
  if (!tty || visibleLength(text) <= TABLE_CELL_MAX) return text;
  // Cut by columns between graphemes: `slice` left half an emoji (printed as U+FFFD) at the cut.
  return cutToWidth(redactText(text), TABLE_CELL_MAX);
}

/** A cell cut to a width it is wider than (the last column an ellipsis), redacted first as tableCell's. */
function fit(text: string, width: number): string {
  return cutToWidth(redactText(text), width);
}

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
      return csvLine(columns) + rows.map((row) => csvLine(columns.map((c) => row[c]))).join('');
    case 'table': {
      if (rows.length === 0) return '';
      return `${renderTable(
        rows,
        columns.map((c) => ({ header: c, value: (row: Row) => tableCell(row[c], tty) })),
        tty,
      )}\n`;
    }
  }
}

/** Prints rows in the chosen format (in JSON mode the return value is the document: nothing is written). */
export function printRows(columns: readonly string[], rows: readonly Row[], format: OutputFormat, io: CommandIO): void {
  if (io.json) return;
  const tty = io.caps.interactive || io.caps.color;
  const deep = deepCounter(io);
  const text = renderDeepSafe(rows, (shown) => formatRows(columns, shown, format, tty), deep.add);
  if (text !== '') io.write(text);
  deep.warn();
}

/** Counts values printed as DEEP_VALUE, and says so once, at the end, on stderr. */
function deepCounter(io: CommandIO): { add: (n: number) => void; warn: () => void } {
  let count = 0;
  return {
    add: (n) => {
      count += n;
    },
    warn: () => {
      if (count > 0)
        io.warn(
          `${count} value(s) nested deeper than ${DEEP_LIMIT} levels are shown as "${DEEP_VALUE}" (JSON this deep cannot be printed); select a part of it with SQL (json_extract) to see it.`,
        );
    },
  };
}

/** JSON.stringify(rows, null, 2), with what is under a secret key redacted when asked (see writeRows). */
function prettyJson(rows: readonly Row[], redactKeys: boolean): string {
  const json = JSON.stringify(rows, null, 2);
  return redactKeys && hasSecretKey(json) ? JSON.stringify(redactSecretKeys(rows), null, 2) : json;
}

/** How rows are written (see writeRows). */
export interface WriteRowsOptions {
  /**
   * A terminal table's widths are set once this many rows are read (whole batches: 1 means the
   * first batch). Default TABLE_MEASURED_ROWS, which a local store reads in milliseconds; a source
   * whose every batch is a round trip sets a smaller one.
   */
  measuredRows?: number;
}

/**
 * Writes a table as its rows are read (the bytes of formatRows for an answer of up to
 * `measuredRows` rows): piped, a batch at a time; on a terminal, once the first `measuredRows`
 * rows (or all, if fewer) have set the column widths (a later cell wider than its column is cut to
 * it, or for a number, shifts the rest of its row). Returns the number of rows.
 */
async function writeTable(
  columns: readonly string[],
  batches: AsyncIterable<Row[]>,
  io: CommandIO,
  measuredRows = TABLE_MEASURED_ROWS,
): Promise<number> {
  const tty = io.caps.interactive || io.caps.color;
  const cellsOf = (row: Row) => columns.map((c) => tableCell(row[c], tty));
  const deep = deepCounter(io);
  let count = 0;
  let widths: number[] | undefined;
  const measured: string[][] = [];
  const printMeasured = () => {
    const w = columnWidths(columns, measured);
    io.write(`${[headerLine(columns, w), ...measured.map((line) => rowLine(line, w, []))].join('\n')}\n`);
    measured.length = 0;
    return w;
  };
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    count += batch.length;
    const cells = renderDeepSafe(batch, (rows) => rows.map(cellsOf), deep.add);
    if (!tty) {
      io.write(`${cells.map((line) => line.join('\t')).join('\n')}\n`);
    } else if (widths === undefined) {
      measured.push(...cells);
      if (measured.length >= measuredRows) widths = printMeasured();
    } else {
      const w = widths;
      const last = columns.length - 1;
      // A wider cell is cut to its column, but a number is never cut (`24…` would read as another
      // number): it pushes the rest of its row right instead.
      const cut = (text: string, i: number, value: unknown) =>
        i < last && typeof value !== 'number' && typeof value !== 'bigint' && visibleLength(text) > (w[i] ?? 0)
          ? fit(text, w[i] ?? 0)
          : text;
      const lines = batch.map((row, r) =>
        rowLine(
          (cells[r] as string[]).map((text, i) => cut(text, i, row[columns[i] as string])),
          w,
          [],
        ),
      );
      io.write(`${lines.join('\n')}\n`);
    }
  }
  if (measured.length > 0) printMeasured();
  deep.warn();
  return count;
}

/**
 * Writes rows as they are read: json, ndjson and csv a batch at a time (the same bytes as
 * formatRows), a table as writeTable does. In JSON mode it writes the JSON document (the json
 * format, redacted by key as the base command redacts a returned document, and by text as
 * everything written is). Returns the number of rows.
 */
export async function writeRows(
  columns: readonly string[],
  batches: AsyncIterable<Row[]>,
  format: OutputFormat,
  io: CommandIO,
  options: WriteRowsOptions = {},
): Promise<number> {
  let count = 0;
  if (format === 'table' && !io.json) return writeTable(columns, batches, io, options.measuredRows);
  if (format === 'csv' && !io.json) io.write(csvLine(columns));
  const deep = deepCounter(io);
  const render = (rows: readonly Row[]): string => {
    if (io.json || format === 'json') {
      // JSON.stringify(rows, null, 2) a batch at a time: the batch's array without its brackets.
      // --json redacts by key too, as the base command does a document it is returned (io.write
      // scrubs the text); the text says whether there is a key to redact (walking every row
      // cost 45% more time on 440,000 rows that had none).
      return `${count === 0 ? '[\n' : ',\n'}${prettyJson(rows, io.json).slice(2, -2)}`;
    }
    if (format === 'ndjson') return formatRows(columns, rows, 'ndjson', false);
    return rows.map((row) => csvLine(columns.map((c) => row[c]))).join('');
  };
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    io.write(renderDeepSafe(batch, render, deep.add));
    count += batch.length;
  }
  if (io.json || format === 'json') io.write(count === 0 ? '[]\n' : '\n]\n');
  deep.warn();
  return count;
}
