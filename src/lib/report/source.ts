/**
 * What `logs report` needs from the audit-log store. The store (src/lib/logs/) is adapted to this in
 * one place, so the report is computed and tested over plain events.
 */
export interface ReportEvent {
  id: string;
  /** ISO-8601. */
  eventTimestamp: string;
  /** auditPayload.type without `AuditPayload` (`Query` for query events). */
  event: string;
  action: string;
  actionStatus: string;
  /** The actor's id. */
  actor: string;
  targets: Array<{ id?: string; name?: string }>;
  /** auditPayload, as stored (JSON). */
  auditPayload: unknown;
}

/** A row of a preset the report shows as a table. */
export interface ReportRow {
  id: string;
  eventTimestamp: string;
  event: string;
  actor: string;
  targets: unknown;
}

export interface ReportSource {
  /** What the header names: the source (or the store's folder) and the lines skipped while ingesting. */
  describe(): Promise<{ source: string; skippedLines: number }>;
  /** The latest eventTimestamp in the store (null when empty): the default end of the period. */
  latest(): Promise<string | null>;
  /** The first and latest eventTimestamp in the store (null when empty): a period outside it is said. */
  span(): Promise<{ first: string | null; last: string | null }>;
  /**
   * Every event with since <= eventTimestamp < until, in batches, in any order (the report counts
   * them as they come: a year of events never has to fit in memory at once).
   */
  events(range: { since: Date; until: Date }): AsyncIterable<ReportEvent[]>;
  /** A preset's rows over the range (high-risk-permission-changes, new-sensitive-columns, configuration-changes). */
  preset(name: string, range: { since: Date; until: Date }): Promise<ReportRow[]>;
  close(): Promise<void>;
}
