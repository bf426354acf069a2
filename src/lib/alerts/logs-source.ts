import type { CommandIO } from '../io/command-io.js';
import { requirePreset, runPreset } from '../logs/presets/run.js';
import { type StoreSelection, prepareStore } from '../logs/read-store.js';
import { LogStore } from '../logs/store.js';
import { DEEP_LIMIT, DEEP_VALUE, printableRows } from '../logs/deep-values.js';
import type { AlertSource, EventRow } from './source.js';
import { storeLockWait } from '../logs/store-lock.js';

/**
 * The audit-log store (src/lib/logs/) as an AlertSource: each run syncs the source (when one was
 * given), then runs the presets on the store opened read-only. Rows of aggregate presets (spikes,
 * policy impact) have no event id: their preset's dedup key stands in for it, so a finding is posted
 * once, and their time column for the event time.
 */
export function logsAlertSource(
  selection: StoreSelection,
  io: CommandIO,
  filters: { tz?: string; businessHours?: string; minScore?: number } = {},
): AlertSource {
  let dir: string | undefined;
  let synced = false;
  return {
    async sync() {
      // A source with no objects yet (a new export) is said on the first sync, not on every one.
      dir = (await prepareStore(selection, io, { warnEmpty: !synced })).dir;
      synced = true;
    },
    preset(name) {
      const preset = requirePreset(name);
      return { name: preset.name, question: preset.question };
    },
    async events(name, range) {
      const preset = requirePreset(name);
      const storeDir = dir ?? (await prepareStore(selection, io)).dir;
      const store = await LogStore.open(storeDir, { readOnly: true, lockWait: storeLockWait(io, storeDir) });
      try {
        const result = await runPreset(store, name, {
          since: range.since.toISOString(),
          until: range.until.toISOString(),
          now: range.until,
          ...filters,
        });
        // A value nested too deep for JSON.stringify (an exported line's targets 200,000 deep) is
        // posted as a placeholder: it failed every run of the watch as an unexpected failure.
        return printableRows(result.rows, (n) =>
          io.warn(`${n} value(s) nested deeper than ${DEEP_LIMIT} levels are posted as "${DEEP_VALUE}".`),
        ).map((row): EventRow => {
          if (preset.kind === 'events') return row as EventRow;
          const key = preset.dedupKey.map((column) => String(row[column] ?? '')).join('|');
          const at = row.eventTimestamp ?? row.windowStart ?? range.until.toISOString();
          return { ...row, id: `${preset.name}:${key}`, eventTimestamp: String(at) };
        });
      } finally {
        await store.close();
      }
    },
    async close() {},
    storeDir: () => dir,
  };
}
