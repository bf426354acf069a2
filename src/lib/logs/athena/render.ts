/**
 * The ONE place the presets become Athena (Trino) SQL. The Trino renderer of the presets is written
 * on another branch (`renderPresetSql(preset, filters, 'trino', { database, table })` in
 * ../presets/run.ts); until it is merged, a preset on `--engine athena` is a usage error, and
 * nothing is sent. At merge, the body becomes:
 *
 *   return renderPresetSql(preset, filters, 'trino', { database: target.database, table: target.table });
 */
import { usageError } from '../../errors/cli-error.js';
import type { ResolvedFilters } from '../filters.js';
import type { Preset } from '../presets/types.js';

export function presetSqlForAthena(
  preset: Preset,
  _filters: ResolvedFilters,
  _target: { database: string; table: string },
): string {
  throw usageError(
    `the preset "${preset.name}" is not yet rendered for Trino (Athena)`,
    'Run it on the local store (--engine duckdb, the default), or write the SQL yourself: immuta audit logs sql --engine athena "SELECT ...".',
  );
}
