/**
 * Tables the way GitHub CLI prints them: aligned columns with a header on a terminal, plain
 * tab-separated rows (no header decoration, nothing truncated) when piped, so `cut`/`awk` work.
 * Small enough that a dependency (cli-table3, @oclif/table with ink/react) would cost more start-up
 * time than it saves code.
 */
import { escapeLine } from './control-codes.js';

export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  /** Applied after padding, so ANSI codes do not break alignment. */
  style?: (text: string, row: Row) => string;
}

/** Characters as a terminal counts them (code points): a loop, where `[...text].length` built an array per cell. */
export function visibleLength(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) length--; // the second half of a surrogate pair
  }
  return length;
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
  const cells = rows.map((row) => columns.map((column) => escapeLine(column.value(row))));
  if (!tty) return cells.map((line) => line.join('\t')).join('\n');
  const headers = columns.map((column) => column.header);
  const widths = columnWidths(headers, cells);
  return [headerLine(headers, widths), ...cells.map((line, r) => rowLine(line, widths, columns, rows[r]))].join('\n');
}
