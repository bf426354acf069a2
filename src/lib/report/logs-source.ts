import type { CommandIO } from '../io/command-io.js';
import { runPreset } from '../logs/presets/run.js';
import { type StoreSelection, prepareStore } from '../logs/read-store.js';
import { LogStore } from '../logs/store.js';
import type { ReportEvent, ReportRow, ReportSource } from './source.js';
import { storeLockWait } from '../logs/store-lock.js';

/**
 * The audit-log store (src/lib/logs/) as a ReportSource: synced first when a source was given,
 * then opened read-only. Events are read with only the columns the report needs.
 */
export async function logsReportSource(
  selection: StoreSelection,
  io: CommandIO,
  filters: { tz?: string; minScore?: number; businessHours?: string } = {},
): Promise<ReportSource> {
  const { dir, sync } = await prepareStore(selection, io);
  const store = await LogStore.open(dir, { readOnly: true, lockWait: storeLockWait(io, dir) });
  const iso = (d: Date) => d.toISOString();
  return {
    async describe() {
      const [row] = await store.rows('SELECT coalesce(sum(skippedLines), 0) AS skipped FROM ingested_objects');
      return { source: sync?.source ?? selection.source ?? dir, skippedLines: Number(row?.skipped ?? 0) };
    },
    async latest() {
      const [row] = await store.rows('SELECT max(eventTimestamp) AS latest FROM events');
      return typeof row?.latest === 'string' ? row.latest : null;
    },
    span: () => store.eventSpan(),
    // Only what the report counts: the payload of SubscriptionCreated events (a MANUAL grant) and
    // the sensitivity score of QUERY events. Unordered: the report's counts do not depend on order,
    // and sorting every event of a long period was most of DuckDB's memory.
    async *events(range) {
      const { batches } = await store.stream(
        `SELECT id, eventTimestamp, event, action, actionStatus, actor, targets,
                CASE WHEN event = 'SubscriptionCreated' THEN auditPayload END AS auditPayload,
                CASE WHEN action = 'QUERY' THEN sensitivityScore END AS sensitivityScore
         FROM events
         WHERE eventTimestamp >= $since::TIMESTAMPTZ AND eventTimestamp < $until::TIMESTAMPTZ`,
        { since: iso(range.since), until: iso(range.until) },
      );
      for await (const rows of batches) {
        yield rows.map((r): ReportEvent => ({
          id: String(r.id),
          eventTimestamp: String(r.eventTimestamp),
          event: String(r.event ?? ''),
          action: String(r.action ?? ''),
          actionStatus: String(r.actionStatus ?? ''),
          actor: String(r.actor ?? ''),
          targets: Array.isArray(r.targets) ? (r.targets as ReportEvent['targets']) : [],
          auditPayload:
            r.action === 'QUERY' ? { securityProfile: { sensitivity: { score: r.sensitivityScore } } } : r.auditPayload,
        }));
      }
    },
    async preset(name, range) {
      const result = await runPreset(store, name, {
        since: iso(range.since),
        until: iso(range.until),
        now: range.until,
        ...filters,
      });
      return result.rows as unknown as ReportRow[];
    },
    async close() {
      await store.close();
    },
  };
}
