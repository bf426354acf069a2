/** The one place the presets become Athena (Trino) SQL: the Trino rendering over the athena-ddl table. */
import type { ResolvedFilters } from '../filters.js';
import { renderPresetSql } from '../presets/run.js';
import type { Preset } from '../presets/types.js';

export function presetSqlForAthena(
  preset: Preset,
  filters: ResolvedFilters,
  target: { database: string; table: string; layout: string },
): string {
  return renderPresetSql(preset, filters, 'trino', { athena: target });
}
