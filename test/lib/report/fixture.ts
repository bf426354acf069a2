import { generateEvents } from '../../../src/lib/sandbox/events/generator.js';
import type { ReportEvent } from '../../../src/lib/report/source.js';
import { toReportEvent } from '../../helpers/memory-report-source.js';

/**
 * Four weeks of realistic events from the sandbox's generator (seeded: always the same), with a
 * planted spike of sensitive queries on 2026-02-18.
 */
export const SPIKE_DAY = '2026-02-18';

export function reportFixture(): ReportEvent[] {
  const events = generateEvents({
    seed: 'report-fixture',
    count: 2400,
    from: new Date('2026-02-02T00:00:00Z'),
    to: new Date('2026-03-02T00:00:00Z'),
    tenantId: 'fixture.example.com',
  }).map(toReportEvent);
  const template = events.find((e) => e.action === 'QUERY')!;
  for (let i = 0; i < 40; i++) {
    events.push({
      ...template,
      id: `spike-${String(i).padStart(3, '0')}`,
      eventTimestamp: `${SPIKE_DAY}T${String(9 + (i % 8)).padStart(2, '0')}:${String(i).padStart(2, '0')}:00.000Z`,
      actionStatus: 'SUCCESS',
      auditPayload: { ...(template.auditPayload as object), securityProfile: { sensitivity: { score: 95 } } },
    });
  }
  return events;
}

/** The numbers the report must show, counted here independently of the report's code. */
export function expectedCounts(events: ReportEvent[]) {
  const score = (e: ReportEvent) =>
    (e.auditPayload as { securityProfile?: { sensitivity?: { score?: number } } }).securityProfile?.sensitivity
      ?.score ?? 0;
  const queries = events.filter((e) => e.action === 'QUERY');
  return {
    events: events.length,
    queries: queries.length,
    failed: queries.filter((e) => e.actionStatus === 'FAILURE').length,
    unauthorized: queries.filter((e) => e.actionStatus === 'UNAUTHORIZED').length,
    sensitive: queries.filter((e) => score(e) >= 80).length,
    grants: events.filter((e) => e.event === 'SubscriptionCreated').length,
    removals: events.filter((e) => e.event === 'SubscriptionDeleted').length,
    policyEdits: events.filter((e) => /^GlobalPolicy(Created|Updated|Deleted)$/.test(e.event)).length,
    configurationChanges: events.filter((e) => e.event === 'ConfigurationUpdated').length,
  };
}
