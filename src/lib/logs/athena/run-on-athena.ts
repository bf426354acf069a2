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
