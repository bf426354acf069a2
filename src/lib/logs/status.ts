/**
 * `immuta audit logs status`: what a log store holds (its events and their time span, the events of
 * each kind, the objects synced and those with skipped lines, its size on disk), so that "is my
 * store up to date, and what can I ask it?" needs no SQL. With --source, the source is synced first,
 * as for every reading command.
 */
import { escapeLine } from '../output/control-codes.js';
import { statSync } from 'node:fs';
import type { CommandIO } from '../io/command-io.js';
import { counted } from '../output/plural.js';
import { type StoreSelection, openStoreForReading } from './read-store.js';
import { LogStore, type StoreSummary } from './store.js';

export type StatusOptions = StoreSelection;

export interface StoreStatus extends StoreSummary {
  store: string;
  /** The database file (ids, objects, counts), apart from the part files. */
  databaseBytes: number;
}

/** How many kinds of event the human output lists (--json has them all). */
const SHOWN_EVENTS = 25;

export async function runStatus(options: StatusOptions, io: CommandIO): Promise<StoreStatus> {
  const store = await openStoreForReading(options, io);
  let summary: StoreSummary;
  try {
    summary = await store.summary();
  } finally {
    await store.close();
  }
  const status: StoreStatus = { store: store.dir, ...summary, databaseBytes: fileBytes(LogStore.file(store.dir)) };
  io.out(describe(status));
  return status;
}

function fileBytes(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

const count = (n: number) => n.toLocaleString('en-US');
/** 2.4 MB, 340 kB: a store of a few events is kilobytes, which "0.0 MB" would hide. */
const diskSize = (bytes: number) =>
  bytes < 1_000_000 ? `${Math.round(bytes / 1000)} kB` : `${(bytes / 1_000_000).toFixed(1)} MB`;

function describe(status: StoreStatus): string {
  const { events, objects, parts } = status;
  const span = events.first && events.last ? `, from ${events.first} to ${events.last}` : '';
  const skipped =
    objects.withSkippedLines > 0
      ? `; ${counted(objects.withSkippedLines, 'object')} had ${counted(objects.skippedLines, 'skipped line')}`
      : '';
  const lines = [
    `Log store ${status.store}`,
    `  Events   ${count(events.total)}${span}`,
    `  Objects  ${count(objects.synced)} synced${objects.lastSyncedAt ? `, the last at ${objects.lastSyncedAt}` : ''}${skipped}`,
    `  On disk  ${diskSize(parts.bytes + status.databaseBytes)}: ${counted(parts.files, 'part file')} (${diskSize(parts.bytes)}), the database file (${diskSize(status.databaseBytes)})`,
  ];
  if (status.byEvent.length > 0) {
    const shown = status.byEvent
      .slice(0, SHOWN_EVENTS)
      // An exported name may hold a newline: it must not start a line of its own.
      .map((e) => ({
        name: e.event === null ? '(no auditPayload.type)' : escapeLine(e.event),
        events: count(e.events),
      }));
    const width = Math.max(...shown.map((e) => e.name.length));
    const numberWidth = Math.max(...shown.map((e) => e.events.length));
    lines.push('  By event', ...shown.map((e) => `    ${e.name.padEnd(width)}  ${e.events.padStart(numberWidth)}`));
    const rest = status.byEvent.length - shown.length;
    if (rest > 0) lines.push(`    and ${counted(rest, 'more kind')} (--json lists them all)`);
  }
  return lines.join('\n');
}
