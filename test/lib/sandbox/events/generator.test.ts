import { describe, expect, it } from 'vitest';
import {
  APPLICATION_EVENT_NAMES,
  UamEventSchema,
  eventName,
  generateEvents,
  isQueryEvent,
} from '../../../../src/lib/sandbox/events/index.js';

const from = new Date('2026-01-01T00:00:00.000Z');
const to = new Date('2026-01-01T02:00:00.000Z');
const options = { seed: 'test-seed', count: 400, from, to, tenantId: 'tenant.example.com' };

describe('generateEvents', () => {
  it('is deterministic for a seed, ids included', () => {
    expect(generateEvents(options)).toEqual(generateEvents(options));
  });

  it('gives other events for another seed', () => {
    const a = generateEvents(options).map((e) => e.id);
    const b = generateEvents({ ...options, seed: 'other-seed' }).map((e) => e.id);
    expect(a).not.toEqual(b);
  });

  it('produces events that all validate against the UAM schema', () => {
    for (const event of generateEvents(options)) {
      const parsed = UamEventSchema.safeParse(JSON.parse(JSON.stringify(event)));
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
  });

  it('produces the requested count, sorted by time, inside the window', () => {
    const events = generateEvents(options);
    expect(events).toHaveLength(400);
    const times = events.map((e) => Date.parse(e.eventTimestamp));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
    for (const event of events) {
      expect(Date.parse(event.eventTimestamp)).toBeGreaterThanOrEqual(from.getTime());
      expect(Date.parse(event.eventTimestamp)).toBeLessThan(to.getTime());
      expect(Date.parse(event.receivedTimestamp ?? '')).toBeGreaterThanOrEqual(Date.parse(event.eventTimestamp));
      expect(event.tenantId).toBe('tenant.example.com');
    }
  });

  it('mixes query outcomes with sensitivity scores and the application events worth monitoring', () => {
    const events = generateEvents({ ...options, count: 2000 });
    const queries = events.filter(isQueryEvent);
    expect(new Set(queries.map((q) => q.actionStatus))).toEqual(new Set(['SUCCESS', 'FAILURE', 'UNAUTHORIZED']));
    for (const q of queries) {
      expect(typeof q.auditPayload.securityProfile?.sensitivity.score).toBe('number');
      expect(q.actionStatusReason === null).toBe(q.actionStatus === 'SUCCESS');
    }
    const scores = new Set(queries.map((q) => q.auditPayload.securityProfile?.sensitivity.score));
    expect(scores.size).toBeGreaterThan(2);
    const names = new Set(events.filter((e) => !isQueryEvent(e)).map(eventName));
    // Every event named in "Extracting insights from audit logs" that the generator knows.
    for (const name of [
      'PermissionApplied',
      'PermissionRemoved',
      'DomainPermissionsUpdated',
      'GlobalPolicyCreated',
      'GlobalPolicyUpdated',
      'GlobalPolicyDeleted',
      'TagApplied',
      'TagRemoved',
      'AttributeApplied',
      'AttributeRemoved',
      'UserCreated',
      'SubscriptionCreated',
      'SubscriptionRequestApproved',
      'DatasourceCreated',
      'SDDDatasourceTagUpdated',
      'ConfigurationUpdated',
      'ApiKeyCreated',
    ]) {
      expect(APPLICATION_EVENT_NAMES).toContain(name);
      expect(names, name).toContain(name);
    }
    const share = queries.length / events.length;
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.7);
  });
});

describe('realistic timing', () => {
  it('no QUERY event ends after it was received, and every time is within the window', () => {
    const events = generateEvents({ ...options, count: 2000 });
    const queries = events.filter(isQueryEvent);
    expect(queries.length).toBeGreaterThan(100);
    for (const event of events) {
      const received = Date.parse(event.receivedTimestamp ?? '');
      expect(received).toBeLessThanOrEqual(to.getTime());
      expect(received).toBeGreaterThanOrEqual(Date.parse(event.eventTimestamp));
      const payload = event.auditPayload as { endTime?: string | null; startTime?: string };
      if (payload.endTime) {
        expect(Date.parse(payload.endTime), event.id).toBeLessThanOrEqual(received);
        expect(Date.parse(payload.endTime)).toBeGreaterThanOrEqual(Date.parse(payload.startTime ?? ''));
      }
    }
  });
});
