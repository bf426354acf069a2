import type { ReportEvent, ReportRow, ReportSource } from '../../src/lib/report/source.js';
import type { UamEvent } from '../../src/lib/sandbox/events/schema.js';
import { eventName } from '../../src/lib/sandbox/events/schema.js';

/**
 * A ReportSource over UAM events in memory (the sandbox generator's, for a realistic fixture). The
 * three preset tables are simple stand-ins here; the real ones are the logs presets.
 */
export function toReportEvent(e: UamEvent): ReportEvent {
  return {
    id: e.id,
    eventTimestamp: e.eventTimestamp,
    event: eventName(e),
    action: e.action,
    actionStatus: e.actionStatus,
    actor: e.actor.id ?? '',
    targets: e.targets.map((t) => ({ id: t.id, name: t.name })),
    auditPayload: e.auditPayload,
  };
}

const values = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : v && typeof v === 'object' ? Object.values(v).flatMap(values) : [];

export const FIXTURE_PRESETS: Record<string, (e: ReportEvent) => boolean> = {
  'high-risk-permission-changes': (e) => {
    if (!['PermissionApplied', 'PermissionRemoved', 'DomainPermissionsUpdated'].includes(e.event)) return false;
    const at = new Date(e.eventTimestamp);
    const outside = at.getUTCDay() === 0 || at.getUTCDay() === 6 || at.getUTCHours() < 8 || at.getUTCHours() >= 18;
    return outside || values(e.auditPayload).some((v) => v === 'USER_ADMIN' || v === 'GOVERNANCE');
  },
  'new-sensitive-columns': (e) =>
    e.event === 'TagApplied' && values(e.auditPayload).some((v) => /^(PII|PCI)(\.|$)/.test(v)),
  'configuration-changes': (e) => e.event === 'ConfigurationUpdated',
};

export function memoryReportSource(events: ReportEvent[], skippedLines = 0): ReportSource & { closed: boolean } {
  const inRange = (range: { since: Date; until: Date }) =>
    events.filter((e) => {
      const at = Date.parse(e.eventTimestamp);
      return at >= range.since.getTime() && at < range.until.getTime();
    });
  const source = {
    closed: false,
    describe: async () => ({ source: 'test/fixtures (memory)', skippedLines }),
    latest: async () =>
      events
        .map((e) => e.eventTimestamp)
        .sort()
        .at(-1) ?? null,
    span: async () => {
      const times = events.map((e) => e.eventTimestamp).sort();
      return { first: times.at(0) ?? null, last: times.at(-1) ?? null };
    },
    // In batches of 500, as the store hands over its rows (a batch at a time).
    async *events(range: { since: Date; until: Date }) {
      const all = inRange(range);
      for (let i = 0; i < all.length; i += 500) yield all.slice(i, i + 500);
    },
    preset: async (name: string, range: { since: Date; until: Date }): Promise<ReportRow[]> =>
      inRange(range).filter(FIXTURE_PRESETS[name] ?? (() => false)),
    close: async () => {
      source.closed = true;
    },
  };
  return source;
}
