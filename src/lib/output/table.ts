/**
 * Tables the way GitHub CLI prints them: aligned columns with a header on a terminal, plain
 * tab-separated rows (no header decoration, nothing truncated) when piped, so `cut`/`awk` work.
 * Small enough that a dependency (cli-table3, @oclif/table with ink/react) would cost more start-up
 * time than it saves code.
 */
import { escapeLine } from './control-codes.js';
import { redactText } from './redact.js';
import { cutToWidth, displayWidth } from './text-width.js';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  /** Applied after padding, so ANSI codes do not break alignment. */
  style?: (text: string, row: Row) => string;
}

/** Columns a cell takes on a terminal: a CJK character or an emoji two, a combining mark none. */
export const visibleLength = displayWidth;

/**
 * On a terminal, a cell is cut to this many columns, the last column (a failure reason, shown whole
 * as it is the point) to LAST_CELL_MAX: a tenant's 4 MB id padded every row of the table to 4 MB.
 * Piped, nothing is cut (the tenant's answer is capped as it is read).
 */
export const CELL_MAX = 100;
export const LAST_CELL_MAX = 1000;

/** A cell in `max` columns, redacted before a cut (the head of a secret cut in two is no longer recognised). */
function capped(text: string, max: number): string {
  return displayWidth(text) <= max ? text : cutToWidth(redactText(text), max);
}

/**
 * Each column's width: its widest cell or header. A loop, not Math.max(...cells): spreading a
 * column's cells as arguments overflowed the stack from ~120,000 rows.
 */
export function columnWidths(headers: readonly string[], cells: readonly (readonly string[])[]): number[] {
  const widths = headers.map(visibleLength);
  for (const line of cells) {
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i] ?? 0, visibleLength(line[i] ?? ''));
  }
  return widths;
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - visibleLength(text)));

/** The terminal header line for columns of these widths. */
export function headerLine(headers: readonly string[], widths: readonly number[]): string {
  return headers
    .map((header, i) => pad(header.toUpperCase(), widths[i] ?? 0))
    .join('  ')
    .trimEnd();
}

/** One terminal row: cells padded to the widths (the last one not), styled after padding. */
export function rowLine<Row>(
  line: readonly string[],
  widths: readonly number[],
  columns: readonly Column<Row>[],
  row?: Row,
): string {
  return line
    .map((text, i) => {
      const padded = i === line.length - 1 ? text : pad(text, widths[i] ?? 0);
      const style = columns[i]?.style;
      return style && row !== undefined ? style(padded, row) : padded;
    })
    .join('  ')
    .trimEnd();
}

export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[], tty: boolean): string {
  // A cell is one line of one column: a tab or newline in a value (a tenant's failure reason, a
  // key) would shift the columns `cut` reads or start a row of its own, so they are shown escaped.
  const cells = rows.map((row) =>
    columns.map((column, i) => {
      const text = escapeLine(column.value(row));
      return tty ? capped(text, i === columns.length - 1 ? LAST_CELL_MAX : CELL_MAX) : text;
    }),
  );
  if (!tty) return cells.map((line) => line.join('\t')).join('\n');
  const headers = columns.map((column) => column.header);
  const widths = columnWidths(headers, cells);
  return [headerLine(headers, widths), ...cells.map((line, r) => rowLine(line, widths, columns, rows[r]))].join('\n');
}
