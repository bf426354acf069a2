/**
 * What `logs watch` and `logs report` need from the audit-log store, and nothing more: the store
 * (src/lib/logs/) is adapted to these interfaces in one place, so alerts and reports can be tested
 * over in-memory events.
 */

/** One event as the store returns it for an event preset: documented fields plus whatever else it keeps. */
export interface EventRow {
  id: string;
  eventTimestamp: string;
  event?: string;
  action?: string;
  actionStatus?: string;
  /** The actor's id. */
  actor?: string;
  targets?: unknown;
  [field: string]: unknown;
}

export interface PresetInfo {
  name: string;
  /** The guide's question the preset answers. */
  question: string;
}

export interface AlertSource {
  /** Brings new exported objects into the store (nothing to do when only a store was named). */
  sync(): Promise<void>;
  /** The preset, or a CliError (exit 2) naming the known ones. */
  preset(name: string): PresetInfo;
  /** The preset's matching events with since <= eventTimestamp < until, sorted by time then id. */
  events(preset: string, range: { since: Date; until: Date }): Promise<EventRow[]>;
  close(): Promise<void>;
  /** The store's folder once synced: the default state file lives there. */
  storeDir?(): string | undefined;
}
