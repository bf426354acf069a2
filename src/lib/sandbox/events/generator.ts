import { type Random, createRandom } from './random.js';
import type { ActionStatus, UamEvent } from './schema.js';
import {
  APP_SETTINGS,
  ATTRIBUTES,
  type DataSource,
  DATA_SOURCES,
  DOMAIN_PERMISSIONS,
  DOMAINS,
  GLOBAL_POLICIES,
  PEOPLE,
  PERMISSIONS,
  type Person,
  TAGS,
  tagSensitivity,
} from './world.js';

/**
 * Generates a realistic, reproducible mix of UAM events: the application events Immuta's
 * "Extracting insights from audit logs" guide tells teams to watch (permissions, policies, tags,
 * attributes, users, subscriptions, data sources, configuration, API keys) and QUERY events with
 * successes, failures and unauthorised attempts carrying a sensitivity score. Same options, same
 * events (ids included): everything is drawn from one seeded source.
 */
export interface GenerateOptions {
  seed: string | number;
  count: number;
  /** Events are spread over [from, to). */
  from: Date;
  to: Date;
  tenantId: string;
  /** Share of QUERY events (default 0.55). */
  queryShare?: number;
}

interface Draft {
  action: string;
  targetType: string;
  targets: UamEvent['targets'];
  relatedResources?: unknown[];
  payload: Record<string, unknown> & { type: string };
  actionStatus?: ActionStatus;
  actionStatusReason?: string | null;
  actor?: Person;
}

type Builder = (r: Random, actor: Person) => Draft;

const people = (role: Person['role'][]) => PEOPLE.filter((p) => role.includes(p.role));
const userTarget = (p: Person) => ({ id: p.id, name: p.name });
const dsTarget = (ds: DataSource) => ({ id: ds.id, name: ds.name, technology: ds.technology });
const payload = (name: string, fields: Record<string, unknown>) => ({
  type: `${name}AuditPayload`,
  version: 1,
  ...fields,
});

/** Application events, by name: [weight, who may do it, builder]. */
const APPLICATION_EVENTS: ReadonlyArray<[string, number, Person['role'][], Builder]> = [
  [
    'PermissionApplied',
    4,
    ['admin'],
    (r) => {
      const user = r.pick(PEOPLE);
      const permission = r.pick(PERMISSIONS);
      return {
        action: 'CREATE',
        targetType: 'PERMISSION',
        targets: [userTarget(user)],
        payload: payload('PermissionApplied', { userId: user.id, permission }),
      };
    },
  ],
  [
    'PermissionRemoved',
    2,
    ['admin'],
    (r) => {
      const user = r.pick(PEOPLE);
      return {
        action: 'DELETE',
        targetType: 'PERMISSION',
        targets: [userTarget(user)],
        payload: payload('PermissionRemoved', { userId: user.id, permission: r.pick(PERMISSIONS) }),
      };
    },
  ],
  [
    'DomainPermissionsUpdated',
    3,
    ['admin', 'governor'],
    (r) => {
      const domain = r.pick(DOMAINS);
      const user = r.pick(PEOPLE);
      const granted = DOMAIN_PERMISSIONS.filter(() => r.bool(0.5));
      return {
        action: 'UPDATE',
        targetType: 'DOMAIN',
        targets: [{ id: domain.id, name: domain.name }],
        relatedResources: [userTarget(user)],
        payload: payload('DomainPermissionsUpdated', { domainId: domain.id, userId: user.id, permissions: granted }),
      };
    },
  ],
  [
    'GlobalPolicyCreated',
    2,
    ['governor'],
    (r) => {
      const policy = r.pick(GLOBAL_POLICIES);
      return {
        action: 'CREATE',
        targetType: 'POLICY',
        targets: [{ id: policy.id, name: policy.name }],
        payload: payload('GlobalPolicyCreated', { policyId: policy.id, policyType: policy.type, staged: r.bool(0.2) }),
      };
    },
  ],
  [
    'GlobalPolicyUpdated',
    4,
    ['governor'],
    (r) => {
      const policy = r.pick(GLOBAL_POLICIES);
      return {
        action: 'UPDATE',
        targetType: 'POLICY',
        targets: [{ id: policy.id, name: policy.name }],
        payload: payload('GlobalPolicyUpdated', {
          policyId: policy.id,
          policyType: policy.type,
          changedFields: r.pick([['actions'], ['circumstances'], ['actions', 'circumstances'], ['name']]),
        }),
      };
    },
  ],
  [
    'GlobalPolicyDeleted',
    1,
    ['governor'],
    (r) => {
      const policy = r.pick(GLOBAL_POLICIES);
      return {
        action: 'DELETE',
        targetType: 'POLICY',
        targets: [{ id: policy.id, name: policy.name }],
        payload: payload('GlobalPolicyDeleted', { policyId: policy.id, policyType: policy.type }),
      };
    },
  ],
  [
    'TagApplied',
    6,
    ['governor', 'engineer'],
    (r) => {
      const ds = r.pick(DATA_SOURCES);
      const column = r.pick(ds.columns);
      return {
        action: 'CREATE',
        targetType: 'DATASOURCE',
        targets: [dsTarget(ds)],
        payload: payload('TagApplied', {
          tagName: r.pick(TAGS),
          columnName: column.name,
          source: r.pick(['MANUAL', 'IDENTIFICATION', 'CATALOG']),
        }),
      };
    },
  ],
  [
    'TagRemoved',
    2,
    ['governor', 'engineer'],
    (r) => {
      const ds = r.pick(DATA_SOURCES);
      return {
        action: 'DELETE',
        targetType: 'DATASOURCE',
        targets: [dsTarget(ds)],
        payload: payload('TagRemoved', { tagName: r.pick(TAGS), columnName: r.pick(ds.columns).name }),
      };
    },
  ],
  [
    'TagCreated',
    1,
    ['governor'],
    (r) => {
      const tag = `${r.pick(['Sensitive', 'Restricted', 'Internal'])}.${r.pick(['Finance', 'HR', 'Health'])}`;
      return {
        action: 'CREATE',
        targetType: 'TAG',
        targets: [{ id: tag, name: tag }],
        payload: payload('TagCreated', { tagName: tag }),
      };
    },
  ],
  [
    'AttributeApplied',
    4,
    ['admin'],
    (r) => {
      const user = r.pick(PEOPLE);
      const attribute = r.pick(ATTRIBUTES);
      return {
        action: 'CREATE',
        targetType: 'USER',
        targets: [userTarget(user)],
        payload: payload('AttributeApplied', {
          attributeName: attribute.name,
          attributeValue: r.pick(attribute.values),
        }),
      };
    },
  ],
  [
    'AttributeRemoved',
    2,
    ['admin'],
    (r) => {
      const user = r.pick(PEOPLE);
      const attribute = r.pick(ATTRIBUTES);
      return {
        action: 'DELETE',
        targetType: 'USER',
        targets: [userTarget(user)],
        payload: payload('AttributeRemoved', {
          attributeName: attribute.name,
          attributeValue: r.pick(attribute.values),
        }),
      };
    },
  ],
  [
    'UserCreated',
    1,
    ['admin'],
    (r) => {
      const id = `new.user${r.int(100, 999)}@example.com`;
      return {
        action: 'CREATE',
        targetType: 'USER',
        targets: [{ id, name: id }],
        payload: payload('UserCreated', { userId: id, identityProvider: r.pick(['bim', 'okta']) }),
      };
    },
  ],
  [
    'UserUpdated',
    2,
    ['admin'],
    (r) => {
      const user = r.pick(PEOPLE);
      return {
        action: 'UPDATE',
        targetType: 'USER',
        targets: [userTarget(user)],
        payload: payload('UserUpdated', {
          userId: user.id,
          changedFields: [r.pick(['name', 'email', 'externalUserIds'])],
        }),
      };
    },
  ],
  [
    'UserDeleted',
    1,
    ['admin'],
    (r) => {
      const id = `former.user${r.int(100, 999)}@example.com`;
      return {
        action: 'DELETE',
        targetType: 'USER',
        targets: [{ id, name: id }],
        payload: payload('UserDeleted', { userId: id }),
      };
    },
  ],
  [
    'SubscriptionCreated',
    4,
    ['governor', 'engineer'],
    (r) => {
      const ds = r.pick(DATA_SOURCES);
      const user = r.pick(people(['analyst', 'engineer']));
      return {
        action: 'CREATE',
        targetType: 'DATASOURCE',
        targets: [dsTarget(ds)],
        relatedResources: [userTarget(user)],
        payload: payload('SubscriptionCreated', {
          subscriberId: user.id,
          accessGrant: 'SELECT',
          subscriptionType: r.pick(['MANUAL', 'POLICY']),
        }),
      };
    },
  ],
  [
    'SubscriptionRequestApproved',
    2,
    ['governor'],
    (r) => {
      const ds = r.pick(DATA_SOURCES);
      const user = r.pick(people(['analyst']));
      return {
        action: 'UPDATE',
        targetType: 'DATASOURCE',
        targets: [dsTarget(ds)],
        relatedResources: [userTarget(user)],
        payload: payload('SubscriptionRequestApproved', {
          requesterId: user.id,
          requestId: `req-${r.int(1000, 9999)}`,
        }),
      };
    },
  ],
  [
    'SubscriptionUpdated',
    1,
    ['governor'],
    (r) => {
      const ds = r.pick(DATA_SOURCES);
      const user = r.pick(people(['analyst', 'engineer']));
      return {
        action: 'UPDATE',
        targetType: 'DATASOURCE',
        targets: [dsTarget(ds)],
        relatedResources: [userTarget(user)],
        payload: payload('SubscriptionUpdated', { subscriberId: user.id, accessGrant: r.pick(['SELECT', 'OWNER']) }),
      };
    },
  ],
  [
    'SubscriptionDeleted',
    1,
    ['governor'],
    (r) => {
      const ds = r.pick(DATA_SOURCES);
      const user = r.pick(people(['analyst']));
      return {
        action: 'DELETE',
        targetType: 'DATASOURCE',
        targets: [dsTarget(ds)],
        relatedResources: [userTarget(user)],
        payload: payload('SubscriptionDeleted', { subscriberId: user.id }),
      };
    },
  ],
  [
    'DatasourceCreated',
    2,
    ['engineer'],
    (r) => {
      const ds = r.pick(DATA_SOURCES);
      return {
        action: 'CREATE',
        targetType: 'DATASOURCE',
        targets: [dsTarget(ds)],
        payload: payload('DatasourceCreated', {
          datasourceId: ds.id,
          technology: ds.technology,
          columnCount: ds.columns.length,
        }),
      };
    },
  ],
  [
    'DatasourceUpdated',
    2,
    ['engineer'],
    (r) => {
      const ds = r.pick(DATA_SOURCES);
      return {
        action: 'UPDATE',
        targetType: 'DATASOURCE',
        targets: [dsTarget(ds)],
        payload: payload('DatasourceUpdated', {
          datasourceId: ds.id,
          changedFields: [r.pick(['description', 'columns', 'owners'])],
        }),
      };
    },
  ],
  [
    'SDDDatasourceTagUpdated',
    2,
    ['engineer'],
    (r) => {
      const ds = r.pick(DATA_SOURCES);
      return {
        action: 'UPDATE',
        targetType: 'DATASOURCE',
        targets: [dsTarget(ds)],
        payload: payload('SDDDatasourceTagUpdated', {
          datasourceId: ds.id,
          addedTags: [r.pick(TAGS)],
          removedTags: [],
        }),
      };
    },
  ],
  [
    'ConfigurationUpdated',
    1,
    ['admin'],
    (r) => ({
      action: 'UPDATE',
      targetType: 'CONFIGURATION',
      targets: [],
      payload: payload('ConfigurationUpdated', { changedSettings: [r.pick(APP_SETTINGS)] }),
    }),
  ],
  [
    'ApiKeyCreated',
    1,
    ['admin', 'engineer'],
    (r) => ({
      action: 'CREATE',
      targetType: 'APIKEY',
      targets: [],
      payload: payload('ApiKeyCreated', {
        apiKeyId: String(r.int(1_000_000, 9_999_999)),
        name: r.pick(['ci-pipeline', 'dbt', 'T1', 'airflow']),
      }),
    }),
  ],
  [
    'ApiKeyDeleted',
    1,
    ['admin', 'engineer'],
    (r) => ({
      action: 'DELETE',
      targetType: 'APIKEY',
      targets: [],
      payload: payload('ApiKeyDeleted', { apiKeyId: String(r.int(1_000_000, 9_999_999)) }),
    }),
  ],
];

/** Names of every application event the generator can produce. */
export const APPLICATION_EVENT_NAMES: readonly string[] = APPLICATION_EVENTS.map(([name]) => name);

function applicationEvent(r: Random): Draft {
  const [, , roles, build] = r.weighted(APPLICATION_EVENTS.map((entry) => [entry, entry[1]] as const));
  const actor = r.pick(people(roles));
  const draft = build(r, actor);
  // Now and then someone without the permission tries: Immuta records the refusal.
  if (r.bool(0.04)) {
    const intruder = r.pick(people(['analyst']));
    return {
      ...draft,
      actor: intruder,
      actionStatus: 'UNAUTHORIZED',
      actionStatusReason: `User ${intruder.id} does not have the permission required for this action`,
    };
  }
  return { ...draft, actor };
}

const QUERY_FAILURES = [
  'SQL compilation error: invalid identifier',
  'Query cancelled: warehouse suspended',
  'Statement reached its statement or warehouse timeout',
];

function technologyContext(r: Random, ds: DataSource, queryText: string): Record<string, unknown> {
  switch (ds.technology) {
    case 'SNOWFLAKE':
      return {
        type: 'SnowflakeContext',
        warehouse: r.pick(['ANALYST_WH', 'ETL_WH']),
        account: 'example-account',
        queryText,
      };
    case 'DATABRICKS':
      return {
        type: 'DatabricksContext',
        clusterId: '1006-194110-8j0shd5d',
        clusterName: 'analytics-cluster',
        workspaceId: '123456789',
        metastoreTables: [ds.table],
        queryLanguage: r.pick(['sql', 'python']),
        queryText,
      };
    case 'TRINO':
      return { type: 'TrinoContext', catalog: ds.table.split('.')[0], queryText };
  }
}

function queryEvent(r: Random): Draft {
  const actor = r.pick(people(['analyst', 'engineer', 'governor']));
  const ds = r.pick(DATA_SOURCES);
  const columns = ds.columns.filter(() => r.bool(0.6));
  const chosen = columns.length > 0 ? columns : [r.pick(ds.columns)];
  const score = Math.max(0, ...chosen.flatMap((c) => c.tags.map(tagSensitivity)));
  const queryText = `SELECT ${chosen.map((c) => c.name).join(', ')} FROM ${ds.table}${r.bool(0.4) ? ` WHERE ${chosen[0]?.name ?? 'id'} IS NOT NULL` : ''} LIMIT ${r.pick([10, 100, 1000])}`;
  // The contractor and queries on highly sensitive data are refused more often: a pattern worth finding.
  const unauthorizedOdds = (actor.id.startsWith('dev.') ? 0.35 : 0.05) + (score >= 90 ? 0.1 : 0);
  const actionStatus: ActionStatus = r.bool(unauthorizedOdds) ? 'UNAUTHORIZED' : r.bool(0.08) ? 'FAILURE' : 'SUCCESS';
  const actionStatusReason =
    actionStatus === 'UNAUTHORIZED'
      ? `User ${actor.id} is not subscribed to data source ${ds.name}`
      : actionStatus === 'FAILURE'
        ? r.pick(QUERY_FAILURES)
        : null;
  const durationMs = r.int(40, 9000);
  return {
    actor,
    action: 'QUERY',
    targetType: 'DATASOURCE',
    targets: [dsTarget(ds)],
    actionStatus,
    actionStatusReason,
    payload: {
      type: 'QueryAuditPayload',
      version: 1,
      queryId: r.uuid(),
      query: queryText,
      duration: durationMs,
      objectsAccessed: [
        {
          id: ds.id,
          name: ds.table,
          datasourceId: ds.id,
          columns: chosen.map((c) => ({ name: c.name, tags: c.tags })),
        },
      ],
      securityProfile: { sensitivity: { score } },
      accessControls: {
        entitlements: { groups: [], attributes: [] },
        policySet: [
          {
            type: 'SUBSCRIPTION',
            global: r.bool(0.5),
            subscriptionPolicyType: r.pick(['MANUAL', 'ADVANCED']),
            ruleAppliedForUser: actionStatus !== 'UNAUTHORIZED',
          },
        ],
      },
      technologyContext: technologyContext(r, ds, queryText),
    },
  };
}

export function generateEvents(options: GenerateOptions): UamEvent[] {
  const r = createRandom(`${options.seed}`);
  const from = options.from.getTime();
  const span = Math.max(1, options.to.getTime() - from);
  const queryShare = options.queryShare ?? 0.55;
  const times = Array.from({ length: options.count }, () => from + Math.floor(r.next() * span)).sort((a, b) => a - b);
  // One session per person per export window, as a person works in one session for a while.
  const sessions = new Map<string, string>();
  return times.map((time) => {
    const draft = r.bool(queryShare) ? queryEvent(r) : applicationEvent(r);
    const actor = draft.actor ?? (PEOPLE[0] as Person);
    if (!sessions.has(actor.id)) sessions.set(actor.id, r.hex(32));
    const eventTimestamp = new Date(time);
    // Query audit is pulled from the platforms later than application events arrive.
    const delay = draft.action === 'QUERY' ? r.int(500, 20_000) : r.int(20, 900);
    // A query is received after it ended, never before: received = end + delay, within the window.
    const windowEnd = from + span;
    const duration = Math.max(0, Number(draft.payload.duration ?? 0));
    const end = Math.min(time + duration, windowEnd);
    const receivedTimestamp = new Date(Math.min(end + delay, windowEnd));
    const start = new Date(time);
    const payloadFields =
      draft.payload.type === 'QueryAuditPayload'
        ? {
            ...draft.payload,
            duration: end - time,
            startTime: start.toISOString(),
            endTime: new Date(end).toISOString(),
          }
        : draft.payload;
    const event: UamEvent = {
      id: r.uuid(),
      tenantId: options.tenantId,
      action: draft.action,
      actionStatus: draft.actionStatus ?? 'SUCCESS',
      actionStatusReason: draft.actionStatusReason ?? null,
      actor: {
        type: 'USER_ACTOR',
        id: actor.id,
        name: actor.name,
        identityProvider: actor.identityProvider,
        profileId: actor.profileId,
        impersonatedBy: null,
      },
      actorIp: actor.ip,
      eventTimestamp: eventTimestamp.toISOString(),
      receivedTimestamp: receivedTimestamp.toISOString(),
      targetType: draft.targetType,
      targets: draft.targets,
      relatedResources: draft.relatedResources ?? [],
      requestId: r.uuid(),
      sessionId: sessions.get(actor.id),
      auditPayload: payloadFields as UamEvent['auditPayload'],
    };
    return event;
  });
}
