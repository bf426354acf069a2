/**
 * Tables the way GitHub CLI prints them: aligned columns with a header on a terminal, plain
 * tab-separated rows (no header decoration, nothing truncated) when piped, so `cut`/`awk` work.
 * Small enough that a dependency (cli-table3, @oclif/table with ink/react) would cost more start-up
 * time than it saves code.
 */
export interface Column<Row> {
  header: string;
  value: (row: Row) => string;
  /** Applied after padding, so ANSI codes do not break alignment. */
  style?: (text: string, row: Row) => string;
}

const visibleLength = (text: string) => [...text].length;

export function renderTable<Row>(rows: readonly Row[], columns: readonly Column<Row>[], tty: boolean): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  if (!tty) return cells.map((line) => line.join('\t')).join('\n');
  const widths = columns.map((column, i) =>
    Math.max(visibleLength(column.header), ...cells.map((line) => visibleLength(line[i] ?? ''))),
  );
  const pad = (text: string, i: number) => text + ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(text)));
  const header = columns
    .map((column, i) => pad(column.header.toUpperCase(), i))
    .join('  ')
    .trimEnd();
  const body = cells.map((line, r) =>
    line
      .map((text, i) => {
        const column = columns[i];
        const row = rows[r];
        const padded = i === line.length - 1 ? text : pad(text, i);
        return column?.style && row !== undefined ? column.style(padded, row) : padded;
      })
      .join('  ')
      .trimEnd(),
  );
  return [header, ...body].join('\n');
}
