/** `immuta audit logs query PRESET`: one of the guide's questions, answered from the store. */
import type { CommandIO } from '../io/command-io.js';
import { type EngineOptions, chooseEngine } from './athena/engine.js';
import type { QueryFilters } from './filters.js';
import { chooseFormat, printRows } from './format.js';
import { requirePreset, runPreset } from './presets/run.js';
import { type StoreSelection, openStoreForReading } from './read-store.js';
import type { Row } from './rows.js';

export interface QueryOptions extends StoreSelection, EngineOptions, Omit<QueryFilters, 'now'> {
  preset: string;
  format?: string;
}

/** The rows (the --json document). */
export async function runQuery(options: QueryOptions, io: CommandIO): Promise<Row[]> {
  if (chooseEngine(options) === 'athena') {
    // The preset rendered for Trino, on Athena; the local store is not opened.
    const { runAthenaPreset } = await import('./athena/preset.js');
    return runAthenaPreset(options, io);
  }
  requirePreset(options.preset); // a typo fails before any sync
  const format = chooseFormat(options.format, io);
  const store = await openStoreForReading(options, io);
  try {
    const abort = () => store.interrupt();
    io.signal.addEventListener('abort', abort);
    const result = await runPreset(store, options.preset, { ...options, now: io.now() }).finally(() =>
      io.signal.removeEventListener('abort', abort),
    );
    printRows(result.columns, result.rows, format, io);
    if (result.truncated) io.note(`Showing the first ${result.rows.length} rows: more match (raise --limit).`);
    if (result.rows.length === 0 && format === 'table')
      io.note(`No rows: nothing matched ${options.preset} in this window.`);
    return result.rows;
  } finally {
    await store.close();
  }
}
