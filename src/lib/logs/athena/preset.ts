/** `immuta audit logs query PRESET --engine athena`: the preset rendered for Trino, run on Athena. */
import { type CommandIO, DOCUMENT_WRITTEN, type DocumentWritten } from '../../io/command-io.js';
import { windowText } from '../empty-answer.js';
import { chooseFormat } from '../format.js';
import { presetColumns, requirePreset, resolvePresetFilters } from '../presets/run.js';
import type { QueryOptions } from '../query.js';
import { athenaTarget } from './engine.js';
import { presetSqlForAthena } from './render.js';
import { runAndPrint } from './run-on-athena.js';

export async function runAthenaPreset(options: QueryOptions, io: CommandIO): Promise<DocumentWritten> {
  const preset = requirePreset(options.preset);
  const format = chooseFormat(options.format, io);
  const target = athenaTarget(options);
  const filters = resolvePresetFilters(preset, { ...options, now: io.now() });
  let sql = presetSqlForAthena(preset, filters, {
    database: target.database,
    table: target.table,
    layout: target.layout,
  });
  // As runPreset does on DuckDB: one row more than --limit tells that more matched.
  if (filters.limit !== undefined) sql += `\nLIMIT ${filters.limit + 1}`;
  const result = await runAndPrint(
    sql,
    { ...target, ...(filters.limit === undefined ? {} : { maxRows: filters.limit }) },
    format,
    io,
    presetColumns(preset),
  );
  if (result.truncated) io.warn(`Showing the first ${result.count} rows: more match (raise --limit).`);
  if (result.count === 0 && format === 'table')
    io.note(`No rows: nothing matched ${preset.name} ${windowText(filters)}.`);
  return DOCUMENT_WRITTEN;
}
