import { describe, expect, it } from 'vitest';
import {
  UamEventSchema,
  eventName,
  isQueryEvent,
  parseUamLines,
  toNdjson,
} from '../../../../src/lib/sandbox/events/index.js';

// Immuta's documented examples (../shared/notes/immuta-audit-events.md): the schema must read real exports.
const apiKeyCreated = {
  relatedResources: [],
  auditPayload: { type: 'ApiKeyCreatedAuditPayload', apiKeyId: '1112158', name: 'T1', version: 1 },
  action: 'CREATE',
  tenantId: 'your-immuta-tenant.com',
  actionStatus: 'SUCCESS',
  eventTimestamp: '2024-01-25T18:04:58.368Z',
  actor: { id: 'taylor@immuta.com', identityProvider: 'bim', profileId: '1', type: 'USER_ACTOR', name: 'Taylor Smith' },
  targetType: 'APIKEY',
  id: 'd9dc3cee-98d0-47d6-ba81-e0b38f9f4014',
  receivedTimestamp: '2024-01-25T18:04:58.505Z',
  actorIp: 'xxx.xx.xx.xx',
  targets: [],
  requestId: '60c68659-ac83-5299-bf3e-14856178a0de',
  sessionId: '9c553d7ace0aa3ee735fd3c14f737bc6',
};

const databricksQuery = {
  action: 'QUERY',
  actor: {
    type: 'USER_ACTOR',
    name: 'John Doe',
    id: 'johndoe@example.com',
    identityProvider: 'okta',
    impersonatedBy: null,
  },
  sessionId: 'abc123456589',
  actionStatus: 'SUCCESS',
  actionStatusReason: null,
  actorIp: '1.2.3.4',
  eventTimestamp: '2022-10-13T20:03:41.013Z',
  id: 'abc123',
  customerId: 'abc123',
  targetType: 'DATASOURCE',
  targets: [{ id: '4', name: 'Movies', technology: 'DATABRICKS' }],
  auditPayload: {
    type: 'QueryAuditPayload',
    queryId: '81fe4385-1329-444a-b6d9-b26bce5c8dc7',
    query: 'Project [director#778904]',
    startTime: '2022-10-13T20:03:41.013Z',
    endTime: null,
    duration: null,
    accessControls: { entitlements: { groups: [], attributes: [] }, policySet: [] },
    technologyContext: { type: 'DatabricksContext', clusterId: '1006-194110-8j0shd5d' },
  },
};

describe('UamEventSchema', () => {
  it("reads Immuta's documented examples", () => {
    const created = UamEventSchema.parse(apiKeyCreated);
    expect(eventName(created)).toBe('ApiKeyCreated');
    expect(isQueryEvent(created)).toBe(false);
    const query = UamEventSchema.parse(databricksQuery);
    expect(isQueryEvent(query)).toBe(true);
    expect(eventName(query)).toBe('Query');
  });

  it('keeps fields it does not know', () => {
    const parsed = UamEventSchema.parse({ ...apiKeyCreated, somethingNew: 1 });
    expect((parsed as Record<string, unknown>).somethingNew).toBe(1);
  });

  it('defaults missing targets and relatedResources to empty lists', () => {
    const { targets: _t, relatedResources: _r, ...rest } = apiKeyCreated;
    const parsed = UamEventSchema.parse(rest);
    expect(parsed.targets).toEqual([]);
    expect(parsed.relatedResources).toEqual([]);
  });

  it.each([
    ['an unknown actionStatus', { actionStatus: 'MAYBE' }],
    ['a lower-case action', { action: 'create' }],
    ['a payload type without the suffix', { auditPayload: { type: 'ApiKeyCreated' } }],
    ['a QUERY action with an application payload', { action: 'QUERY' }],
    ['a timestamp that is not ISO-8601', { eventTimestamp: '25/01/2024' }],
    ['no actor', { actor: undefined }],
  ])('rejects %s', (_label, change) => {
    expect(UamEventSchema.safeParse({ ...apiKeyCreated, ...change }).success).toBe(false);
  });

  it('rejects a QueryAuditPayload on a non-QUERY action', () => {
    expect(UamEventSchema.safeParse({ ...databricksQuery, action: 'CREATE' }).success).toBe(false);
  });
});

describe('NDJSON', () => {
  it('round-trips events and reports bad lines with their numbers', () => {
    const text = toNdjson([apiKeyCreated, databricksQuery]);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(3);
    const good = parseUamLines(text);
    expect(good.events).toHaveLength(2);
    expect(good.issues).toEqual([]);
    const bad = parseUamLines(`${JSON.stringify(apiKeyCreated)}\n{oops\n\n${JSON.stringify({ id: 'x' })}\n`);
    expect(bad.events).toHaveLength(1);
    expect(bad.issues.map((i) => i.line)).toEqual([2, 4]);
    expect(bad.issues[0]?.message).toMatch(/^not JSON/);
    expect(bad.issues[1]?.message).toMatch(/^not a UAM event/);
  });
});
