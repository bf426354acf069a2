/** `immuta audit logs query PRESET`: one of the guide's questions, answered from the store. */
import { type CommandIO, DOCUMENT_WRITTEN, type DocumentWritten } from '../io/command-io.js';
import { type EngineOptions, chooseEngine } from './athena/engine.js';
import { explainEmptyAnswer } from './empty-answer.js';
import type { QueryFilters, ResolvedFilters } from './filters.js';
import { outOfMemory } from './duckdb.js';
import { checkStatuses, checkedActors, checkedEvents, checkedTargets } from './filter-values.js';
import { chooseFormat, writeRows } from './format.js';
import { ignoredParamsWarning, requirePreset, resolvePresetFilters, streamPreset } from './presets/run.js';
import { type StoreSelection, openStoreForReading } from './read-store.js';
import type { Row } from './rows.js';

export interface QueryOptions extends StoreSelection, EngineOptions, Omit<QueryFilters, 'now'> {
  preset: string;
  format?: string;
}

/**
 * Prints the answer as it is read (--json included: DOCUMENT_WRITTEN), so its size is bounded by
 * the disk, not the memory; on Athena too, a page at a time.
 */
export async function runQuery(options: QueryOptions, io: CommandIO): Promise<Row[] | DocumentWritten> {
  const preset = requirePreset(options.preset); // a typo fails before any sync
  // A value that is wrong fails before the warning that its flag is ignored (it said "ignored",
  // then failed on it).
  resolvePresetFilters(preset, { ...options, now: io.now() });
  const ignored = ignoredParamsWarning(preset, options);
  if (ignored) io.warn(ignored);
  if (chooseEngine(options) === 'athena') {
    // The preset rendered for Trino, on Athena; the local store is not opened.
    const { runAthenaPreset } = await import('./athena/preset.js');
    return runAthenaPreset(options, io);
  }
  const format = chooseFormat(options.format, io);
  const store = await openStoreForReading(options, io);
  const abort = () => store.interrupt();
  io.signal.addEventListener('abort', abort);
  try {
    let count: number;
    let truncated: boolean;
    let filters: ResolvedFilters;
    try {
      const event = await checkedEvents(store, options.event, io);
      const actor = await checkedActors(store, options.actor, io);
      const target = await checkedTargets(store, options.target, io);
      await checkStatuses(store, options.status, io);
      const result = await streamPreset(store, options.preset, { ...options, event, actor, target, now: io.now() });
      count = await writeRows(result.columns, result.batches, format, io);
      truncated = result.truncated();
      filters = result.filters;
    } catch (error) {
      throw (
        outOfMemory(
          error,
          'Narrow the window (--since/--until), or add --limit (or other filters: --actor, --event).',
        ) ?? error
      );
    }
    if (truncated) io.warn(`Showing the first ${count} rows: more match (raise --limit).`);
    if (count === 0) await explainEmptyAnswer(store, options.preset, filters, format, io);
    return DOCUMENT_WRITTEN;
  } finally {
    io.signal.removeEventListener('abort', abort);
    await store.close();
  }
}
