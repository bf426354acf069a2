/** `immuta audit logs presets`: what each preset answers, which events it reads, dashboard or notification. */
import type { CommandIO } from '../../io/command-io.js';
import { chooseFormat, printRows } from '../format.js';
import { PRESETS } from './definitions.js';
import { presetColumns, presetParamFlags } from './run.js';

export interface PresetSummary {
  name: string;
  question: string;
  events: string[];
  use: string;
  severity: string;
  defaultWindow: string;
  dedupKey: string[];
  columns: string[];
  /** The parameter flags it reads (--min-score, --threshold, --window, --business-hours and --tz); `query` warns about others. */
  parameters: string[];
}

export function presetSummaries(): PresetSummary[] {
  return PRESETS.map((p) => ({
    name: p.name,
    question: p.question,
    events: [...p.events],
    use: p.use,
    severity: p.severity,
    defaultWindow: p.defaultWindow,
    dedupKey: [...p.dedupKey],
    columns: presetColumns(p),
    parameters: presetParamFlags(p),
  }));
}

export function runPresets(options: { format?: string }, io: CommandIO): PresetSummary[] {
  const rows = presetSummaries();
  const format = chooseFormat(options.format, io);
  const columns = format === 'table' ? ['name', 'question', 'events', 'use'] : Object.keys(rows[0] ?? {});
  const shown =
    format === 'table'
      ? rows.map((r) => ({ ...r, events: r.events.join(', ') }))
      : (rows as unknown as Record<string, unknown>[]);
  printRows(columns, shown as Record<string, unknown>[], format, io);
  return rows;
}
