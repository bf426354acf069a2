/**
 * What `logs sql` and `logs query` do on `--engine athena` once they have the SQL: run it with a
 * spinner that shows Athena's state, print the rows as they are read, a page at a time, exactly as
 * the DuckDB engine prints its rows (format.ts, --json included: the document is written here), and
 * say on stderr how much Athena scanned (what it bills).
 */
import type { CommandIO } from '../../io/command-io.js';
import { type OutputFormat, writeRows } from '../format.js';
import type { Row } from '../rows.js';
import { type AthenaQueryOptions, type AthenaQueryStream, streamAthenaQuery } from './run-query.js';

export async function runAndPrint(
  sql: string,
  target: AthenaQueryOptions,
  format: OutputFormat,
  io: CommandIO,
  /** The documented column names (a preset's): Athena's own spelling is restored to them. */
  columnNames?: readonly string[],
): Promise<{ count: number; truncated: boolean }> {
  const progress = await io.progress('Athena: starting the query');
  let stream: AthenaQueryStream;
  try {
    stream = await streamAthenaQuery(sql, target, {
      env: io.env,
      signal: io.signal,
      onState: (state, id) => progress.update(`Athena: ${state.toLowerCase()} (query ${id})`),
    });
  } finally {
    progress.stop();
  }
  try {
    const named = columnNames ? documentedNames(stream.columns, columnNames) : undefined;
    const count = await writeRows(
      named?.columns ?? stream.columns,
      named ? renamed(stream.batches, named.rename) : stream.batches,
      format,
      io,
      // Each page is a round trip: a terminal table is aligned on the first page (up to 1,000
      // rows) rather than after ten of them.
      { measuredRows: 1 },
    );
    const scanned = stream.stats.dataScannedBytes;
    io.note(
      `Athena query ${stream.queryExecutionId}${scanned === undefined ? '' : `: ${formatBytes(scanned)} scanned`}.`,
    );
    return { count, truncated: stream.truncated() };
  } finally {
    stream.close();
  }
}

async function* renamed(batches: AsyncIterable<Row[]>, rename: (row: Row) => Row): AsyncGenerator<Row[]> {
  for await (const batch of batches) yield batch.map(rename);
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * Trino folds unquoted names to lower case (`eventTimestamp` comes back as `eventtimestamp`): the
 * columns that match a documented name but for case take the documented spelling, so both engines
 * key their rows alike. Undefined when no column changes.
 */
export function documentedNames(
  columns: readonly string[],
  names: readonly string[],
): { columns: string[]; rename: (row: Row) => Row } | undefined {
  const byLower = new Map(names.map((name) => [name.toLowerCase(), name]));
  const documented = columns.map((c) => byLower.get(c.toLowerCase()) ?? c);
  if (documented.every((c, i) => c === columns[i])) return undefined;
  return {
    columns: documented,
    rename: (row) => Object.fromEntries(columns.map((c, i) => [documented[i] ?? c, row[c]])),
  };
}
