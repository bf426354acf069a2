/**
 * What `logs sql` and `logs query` do on `--engine athena` once they have the SQL: run it with a
 * spinner that shows Athena's state, print the rows exactly as the DuckDB engine prints its rows
 * (format.ts), and say on stderr how much Athena scanned (what it bills).
 */
import type { CommandIO } from '../../io/command-io.js';
import { type OutputFormat, printRows } from '../format.js';
import { type AthenaQueryResult, type AthenaQueryOptions, runAthenaQuery } from './run-query.js';

export async function runAndPrint(
  sql: string,
  target: AthenaQueryOptions,
  format: OutputFormat,
  io: CommandIO,
  /** The documented column names (a preset's): Athena's own spelling is restored to them. */
  columnNames?: readonly string[],
): Promise<AthenaQueryResult> {
  const progress = await io.progress('Athena: starting the query');
  let result: AthenaQueryResult;
  try {
    result = await runAthenaQuery(sql, target, {
      env: io.env,
      signal: io.signal,
      onState: (state, id) => progress.update(`Athena: ${state.toLowerCase()} (query ${id})`),
    });
  } finally {
    progress.stop();
  }
  if (columnNames) result = withColumnNames(result, columnNames);
  printRows(result.columns, result.rows, format, io);
  const scanned = result.stats.dataScannedBytes;
  io.note(
    `Athena query ${result.queryExecutionId}${scanned === undefined ? '' : `: ${formatBytes(scanned)} scanned`}.`,
  );
  return result;
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
 * key their rows alike.
 */
export function withColumnNames(result: AthenaQueryResult, names: readonly string[]): AthenaQueryResult {
  const byLower = new Map(names.map((name) => [name.toLowerCase(), name]));
  const columns = result.columns.map((c) => byLower.get(c.toLowerCase()) ?? c);
  if (columns.every((c, i) => c === result.columns[i])) return result;
  const rows = result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [columns[i] ?? c, row[c]])));
  return { ...result, columns, rows };
}
