/** Small builders of UAM events for the logs tests (shapes follow ../shared/notes/immuta-audit-events.md). */
let counter = 0;

export interface EventInit {
  id?: string;
  at: string;
  event: string;
  action?: string;
  status?: string;
  actor?: string;
  targets?: Array<{ id: string; name?: string; technology?: string }>;
  payload?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}

export function uamEvent(init: EventInit): Record<string, unknown> {
  counter++;
  const isQuery = init.event === 'Query';
  return {
    id: init.id ?? `evt-${String(counter).padStart(5, '0')}`,
    tenantId: 'tenant.example.com',
    action: init.action ?? (isQuery ? 'QUERY' : 'UPDATE'),
    actionStatus: init.status ?? 'SUCCESS',
    actionStatusReason: null,
    actor: { type: 'USER_ACTOR', id: init.actor ?? 'taylor@example.com', name: 'Taylor', identityProvider: 'bim' },
    actorIp: '10.0.0.1',
    eventTimestamp: init.at,
    receivedTimestamp: init.at,
    targetType: isQuery ? 'DATASOURCE' : 'USER',
    targets: init.targets ?? [],
    relatedResources: [],
    requestId: 'req',
    sessionId: 'sess',
    auditPayload: { type: `${init.event}AuditPayload`, version: 1, ...init.payload },
    ...init.extra,
  };
}

export const ndjson = (events: unknown[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';
