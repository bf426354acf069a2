/**
 * How the reading commands (query, sql, and report/watch) get a store: `--source SOURCE` (or
 * `--config-id`) is synced first into its store, then read; `--store DIR` alone reads what is there.
 */
import type { CommandIO } from '../io/command-io.js';
import { escapeLine } from '../output/control-codes.js';
import { type SourceSpec, resolveSource } from './sources/resolve.js';
import { LogStore } from './store.js';
import { storeLockWait } from './store-lock.js';
import { missingStore } from './store-folder.js';
import {
  type SyncResult,
  openStoreToSync,
  storeDirFor,
  syncInto,
  warnIfEmpty,
  warnUnreadable,
  withRetryNotes,
} from './sync.js';

export interface StoreSelection extends SourceSpec {
  store?: string;
}

/**
 * Syncs the source when one is given, and returns the store folder to read. `warnEmpty: false`
 * keeps a source with no objects quiet (a loop that syncs every few minutes says it once).
 */
export async function prepareStore(
  selection: StoreSelection,
  io: CommandIO,
  options: { warnEmpty?: boolean } = {},
): Promise<{ dir: string; sync: SyncResult | undefined }> {
  if (selection.source === undefined && selection.configId === undefined) {
    const dir = storeDirFor(selection, undefined, io);
    // Checked here, not only when the store is opened: the first run of `watch` opens none, and
    // wrote its state file into a folder with no store (exit 0), which every sync then refused as
    // "not a log store".
    const missing = missingStore(dir);
    if (missing) throw missing;
    return { dir, sync: undefined };
  }
  const resolved = await resolveSource(withRetryNotes(selection, io), io);
  const { store, dir } = await openStoreToSync(selection, resolved, io);
  try {
    const sync = await syncInto(store, resolved, {}, io);
    if (options.warnEmpty ?? true) warnIfEmpty(sync, io);
    for (const problem of sync.problems) io.warn(`${escapeLine(problem.key)}: skipped ${problem.skipped} line(s)`);
    warnUnreadable(sync, io);
    if (sync.objects.ingested > 0)
      io.note(`Synced ${sync.objects.ingested} new object(s) from ${sync.source} (${sync.events.new} new events).`);
    return { dir, sync };
  } finally {
    resolved.source.close?.();
    await store.close();
  }
}

/** Syncs if asked, then opens the store read-only (sandboxed: no file access outside it, for user SQL). */
export async function openStoreForReading(
  selection: StoreSelection,
  io: CommandIO,
  options: { sandboxed?: boolean } = {},
): Promise<LogStore> {
  const { dir } = await prepareStore(selection, io);
  return LogStore.open(dir, { readOnly: true, sandboxed: options.sandboxed, lockWait: storeLockWait(io, dir) });
}
