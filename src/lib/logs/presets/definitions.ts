/**
 * The audit guide's questions (../shared/seeds/extracting-insights-from-audit-logs.txt) as presets.
 * Rules every preset follows:
 * - the event name is auditPayload.type without `AuditPayload` (the `event` column);
 * - payload fields other than the documented QUERY ones vary between Immuta versions, so tag and
 *   permission names are matched against the payload's string VALUES (`payloadValues`, any depth,
 *   whole values: `USER_ADMIN` matches the value "USER_ADMIN", never "User Admin Team"), never
 *   against one guessed field name;
 * - where a field must be read (the column a tag was applied to), every spelling seen is accepted.
 */
import { EVENT_ROW_COLUMNS, type Preset } from './types.js';

const EVENT_ROW = EVENT_ROW_COLUMNS.map((c) => c.name).join(', ');

/** A PII or PCI tag, or one under it (PII.Email, PCI.CardNumber). */
const SENSITIVE_TAG = `v IN ('PII', 'PCI') OR starts_with(v, 'PII.') OR starts_with(v, 'PCI.')`;
const sensitiveTags = (values: string) => `{{sortDistinct({{filter(${values}, v, ${SENSITIVE_TAG})}})}}`;

/** The column a tag event is about, however the payload spells it. */
const columnOf = (payload: string) =>
  `coalesce({{jsonText(${payload}, '$.columnName')}}, {{jsonText(${payload}, '$.column_name')}}, ` +
  `{{jsonText(${payload}, '$.column.name')}}, {{jsonText(${payload}, '$.columnId')}}, {{jsonString(${payload}, '$.column')}})`;

const HIGH_RISK_PERMISSIONS = `{{list('USER_ADMIN', 'GOVERNANCE')}}`;

/** Values that read like permission names (upper case with underscores), for display. */
const permissionLike = `{{sortDistinct({{filter(payloadValues, v, {{fullMatch(v, '[A-Z][A-Z0-9_]*[A-Z0-9]')}})}})}}`;

const details = { name: 'details', description: 'auditPayload, as exported' } as const;
const BY_TIME = 'eventTimestamp, id';

export const PRESETS: readonly Preset[] = [
  {
    name: 'entitlement-changes',
    question: 'How do user entitlements shift over time?',
    events: ['SubscriptionUpdated', 'SubscriptionDeleted'],
    use: 'dashboard',
    severity: 'low',
    defaultWindow: '7d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [{ name: 'relatedResources', description: 'the users concerned, as exported' }, details],
    params: {},
    sql: `SELECT ${EVENT_ROW}, relatedResources, auditPayload AS details FROM scoped`,
    orderBy: BY_TIME,
  },
  {
    name: 'access-approvals',
    question: 'Who approved access to a dataset?',
    events: ['SubscriptionRequestApproved', 'SubscriptionCreated'],
    use: 'dashboard',
    severity: 'low',
    defaultWindow: '7d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [{ name: 'relatedResources', description: 'who was given access, as exported' }, details],
    params: {},
    sql: `SELECT ${EVENT_ROW}, relatedResources, auditPayload AS details FROM scoped`,
    orderBy: BY_TIME,
  },
  {
    name: 'tag-changes',
    question: 'Which tags were added to or removed from data sources or columns?',
    events: ['TagApplied', 'TagRemoved'],
    use: 'dashboard',
    severity: 'low',
    defaultWindow: '7d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [{ name: 'column', description: 'the column, when the tag is on a column' }, details],
    params: {},
    sql: `SELECT ${EVENT_ROW}, ${columnOf('auditPayload')} AS "column", auditPayload AS details FROM scoped`,
    orderBy: BY_TIME,
  },
  {
    name: 'tag-lifecycle',
    question: 'Which tags were created, updated or deleted in Immuta?',
    events: ['TagCreated', 'TagUpdated', 'TagDeleted'],
    use: 'dashboard',
    severity: 'low',
    defaultWindow: '30d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [details],
    params: {},
    sql: `SELECT ${EVENT_ROW}, auditPayload AS details FROM scoped`,
    orderBy: BY_TIME,
  },
  {
    name: 'attribute-changes',
    question: 'Which user attributes were added or removed?',
    events: ['AttributeApplied', 'AttributeRemoved'],
    use: 'notification',
    severity: 'medium',
    defaultWindow: '1d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [details],
    params: {},
    sql: `SELECT ${EVENT_ROW}, auditPayload AS details FROM scoped`,
    orderBy: BY_TIME,
  },
  {
    name: 'local-user-changes',
    question: 'Are users created or updated in Immuta instead of through the IAM?',
    events: ['UserCreated', 'UserCloned', 'UserDeleted', 'UserUpdated'],
    use: 'notification',
    severity: 'medium',
    defaultWindow: '1d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [{ name: 'builtInIam', description: "the payload names Immuta's built-in IAM (`bim`)" }, details],
    params: {},
    sql: `SELECT ${EVENT_ROW}, {{contains(payloadValues, 'bim')}} AS builtInIam, auditPayload AS details FROM scoped`,
    orderBy: BY_TIME,
  },
  {
    name: 'permission-changes',
    question: 'When are the permissions given to users in Immuta updated?',
    events: ['PermissionApplied', 'PermissionRemoved', 'DomainPermissionsUpdated'],
    use: 'notification',
    severity: 'medium',
    defaultWindow: '1d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [{ name: 'permissions', description: 'payload values that are permission names', list: true }, details],
    params: {},
    sql: `SELECT ${EVENT_ROW}, ${permissionLike} AS permissions, auditPayload AS details FROM scoped`,
    orderBy: BY_TIME,
  },
  {
    name: 'high-risk-permission-changes',
    question: 'Scenario 1: was a permission changed outside business hours, or one involving USER_ADMIN or GOVERNANCE?',
    events: ['PermissionApplied', 'PermissionRemoved', 'DomainPermissionsUpdated'],
    use: 'notification',
    severity: 'high',
    defaultWindow: '1d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [
      { name: 'offHours', description: 'outside --business-hours (Mon-Fri, in --tz)' },
      {
        name: 'riskyPermissions',
        description: 'USER_ADMIN / GOVERNANCE when a payload value is one of them',
        list: true,
      },
      details,
    ],
    params: { businessHours: '08:00-18:00' },
    sql: `SELECT ${EVENT_ROW}, NOT {{inBusinessHours}} AS offHours,
  {{sortDistinct({{intersect(payloadValues, ${HIGH_RISK_PERMISSIONS})}})}} AS riskyPermissions,
  auditPayload AS details
FROM scoped
WHERE NOT {{inBusinessHours}} OR {{hasAny(payloadValues, ${HIGH_RISK_PERMISSIONS})}}`,
    orderBy: BY_TIME,
  },
  {
    name: 'policy-changes',
    question: 'Which policies were created, updated or deleted, and by whom?',
    events: ['GlobalPolicyCreated', 'GlobalPolicyUpdated', 'GlobalPolicyDeleted'],
    use: 'dashboard',
    severity: 'medium',
    defaultWindow: '7d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [details],
    params: {},
    sql: `SELECT ${EVENT_ROW}, auditPayload AS details FROM scoped`,
    orderBy: BY_TIME,
  },
  {
    name: 'policy-impact',
    question: 'How does a policy change affect access?',
    events: ['GlobalPolicyUpdated'],
    use: 'dashboard',
    severity: 'medium',
    defaultWindow: '7d',
    dedupKey: ['policyEventId', 'dataSource'],
    kind: 'aggregate',
    columns: [
      { name: 'policyEventId', description: 'the GlobalPolicyUpdated event' },
      { name: 'eventTimestamp', description: 'when the policy changed' },
      { name: 'policyId', description: "the policy (the event's first target)" },
      { name: 'policy', description: 'its name' },
      { name: 'actor', description: 'who changed it' },
      {
        name: 'dataSource',
        description:
          'a data source a DatasourceGlobalPolicy* event ties to the policy (by a payload value equal to the policy id); `*` = every data source when none is tied',
      },
      { name: 'queriesBefore', description: 'QUERY events on it in --window before the change' },
      { name: 'deniedBefore', description: 'of those, not SUCCESS' },
      { name: 'queriesAfter', description: 'QUERY events in --window from the change' },
      { name: 'deniedAfter', description: 'of those, not SUCCESS' },
    ],
    params: { window: '1d' },
    // The queries around each change are counted without joining every change to every query (a
    // range join, quadratic: minutes on 1 GB): changes and queries go into one time-ordered stream,
    // where a probe's rank, less its rank among the probes alone, is how many queries came before
    // it, at each of three probes per change (t - window, t, t + window); the differences are the
    // counts. Probes sort before queries at the same instant, so "before" is [t - window, t) and
    // "after" [t, t + window). Ranks, not row numbers: probes at the same instant get the same rank
    // in both orders. Ranks, not running counts: DuckDB computes a running count with a segment tree
    // (~180 ms of the ~240 on the 1 GB bench store), a rank in one pass over the sorted stream (~60
    // ms); the denied queries get their own, smaller, stream.
    // Changes tied to no data source count every query, in streams without a partition that read
    // only each query's time and status; changes tied to data sources count the queries on those,
    // one partition per data source, and read the queries' targets only when there is such a
    // change. Each (change, data source) pair is numbered, so the streams carry and group by one
    // integer. A target without an id (NULL in targetIds) ties nothing: as a data source it was NULL,
    // the untied streams' mark, and made a `*` row counting every query beside the tied ones.
    // A tied query is one row per (query, data source): two queries on a data source at the
    // same instant are two. The ties' events are read by a range on `event` (the parts are sorted by
    // it, so row groups outside it are skipped), which starts_with alone does not give.
    sql: `WITH updates AS (
  SELECT id, eventTimestamp, actor, targetIds, targetNames FROM scoped WHERE event = 'GlobalPolicyUpdated'
), ties AS (
  SELECT d.policyId, d.targetIds
  FROM {{unnest(d, (SELECT payloadValues, targetIds FROM events WHERE event >= 'DatasourceGlobalPolicy' AND event < 'DatasourceGlobalPolicz' AND starts_with(event, 'DatasourceGlobalPolicy')), payloadValues AS policyId)}}
), tied AS (
  SELECT DISTINCT u.id AS updateId, t.dataSourceId
  FROM {{unnest(u, updates, targetIds AS policyId)}}
  JOIN {{unnest(t, ties, targetIds AS dataSourceId)}} ON t.policyId = u.policyId
  WHERE t.dataSourceId IS NOT NULL
), pairs AS (
  SELECT u.*, t.dataSourceId FROM updates u JOIN tied t ON t.updateId = u.id
  UNION ALL
  SELECT u.*, NULL AS dataSourceId FROM updates u WHERE u.id NOT IN (SELECT updateId FROM tied)
), numbered AS (
  SELECT p.*, row_number() OVER (ORDER BY id, dataSourceId) AS pairNo FROM pairs p
), span AS (
  SELECT min(eventTimestamp) - {{window}} AS windowStart, max(eventTimestamp) + {{window}} AS windowEnd FROM updates
), probes AS (
  SELECT pairNo, dataSourceId, s.probe,
    CASE s.probe WHEN 1 THEN eventTimestamp - {{window}} WHEN 2 THEN eventTimestamp ELSE eventTimestamp + {{window}} END AS instant
  FROM {{unnest(s, numbered, {{list(1, 2, 3)}} AS probe)}}
), untiedProbes AS (
  SELECT pairNo, probe, instant, rank() OVER (ORDER BY instant) AS probeRank FROM probes WHERE dataSourceId IS NULL
), untiedQueries AS (
  SELECT eventTimestamp AS instant, actionStatus IS DISTINCT FROM 'SUCCESS' AS denied
  FROM events
  WHERE action = 'QUERY'
    AND eventTimestamp >= (SELECT windowStart FROM span) AND eventTimestamp < (SELECT windowEnd FROM span)
    AND EXISTS (SELECT 1 FROM untiedProbes)
), untiedCounts AS (
  SELECT pairNo, probe, queriesBefore AS queries, 0 AS denied FROM (
    SELECT pairNo, probe, rank() OVER (ORDER BY instant, isQuery) - probeRank AS queriesBefore
    FROM (
      SELECT pairNo, probe, instant, 0 AS isQuery, probeRank FROM untiedProbes
      UNION ALL
      SELECT NULL, NULL, instant, 1, NULL FROM untiedQueries
    ) stream
  ) ranked WHERE pairNo IS NOT NULL
  UNION ALL
  SELECT pairNo, probe, 0, deniedBefore FROM (
    SELECT pairNo, probe, rank() OVER (ORDER BY instant, isQuery) - probeRank AS deniedBefore
    FROM (
      SELECT pairNo, probe, instant, 0 AS isQuery, probeRank FROM untiedProbes
      UNION ALL
      SELECT NULL, NULL, instant, 1, NULL FROM untiedQueries WHERE denied
    ) stream
  ) ranked WHERE pairNo IS NOT NULL
), tiedQueries AS (
  SELECT DISTINCT q.id, q.dataSourceId, q.eventTimestamp, q.actionStatus IS DISTINCT FROM 'SUCCESS' AS denied
  FROM {{unnest(q, (
    SELECT id, eventTimestamp, actionStatus, targetIds FROM events
    WHERE action = 'QUERY'
      AND eventTimestamp >= (SELECT windowStart FROM span) AND eventTimestamp < (SELECT windowEnd FROM span)
      AND EXISTS (SELECT 1 FROM tied)
      AND {{hasAny(targetIds, (SELECT {{flattenAgg({{list(dataSourceId)}})}} FROM tied))}}
  ), targetIds AS dataSourceId)}}
  WHERE q.dataSourceId IN (SELECT dataSourceId FROM tied)
), tiedProbes AS (
  SELECT pairNo, dataSourceId, probe, instant, rank() OVER (PARTITION BY dataSourceId ORDER BY instant) AS probeRank
  FROM probes WHERE dataSourceId IS NOT NULL
), tiedCounts AS (
  SELECT pairNo, probe, queriesBefore AS queries, 0 AS denied FROM (
    SELECT pairNo, probe, rank() OVER (PARTITION BY dataSourceId ORDER BY instant, isQuery) - probeRank AS queriesBefore
    FROM (
      SELECT pairNo, dataSourceId, probe, instant, 0 AS isQuery, probeRank FROM tiedProbes
      UNION ALL
      SELECT NULL, dataSourceId, NULL, eventTimestamp, 1, NULL FROM tiedQueries
    ) stream
  ) ranked WHERE pairNo IS NOT NULL
  UNION ALL
  SELECT pairNo, probe, 0, deniedBefore FROM (
    SELECT pairNo, probe, rank() OVER (PARTITION BY dataSourceId ORDER BY instant, isQuery) - probeRank AS deniedBefore
    FROM (
      SELECT pairNo, dataSourceId, probe, instant, 0 AS isQuery, probeRank FROM tiedProbes
      UNION ALL
      SELECT NULL, dataSourceId, NULL, eventTimestamp, 1, NULL FROM tiedQueries WHERE denied
    ) stream
  ) ranked WHERE pairNo IS NOT NULL
), counts AS (
  SELECT pairNo,
    sum(CASE WHEN probe = 2 THEN queries WHEN probe = 1 THEN -queries ELSE 0 END) AS queriesBefore,
    sum(CASE WHEN probe = 2 THEN denied WHEN probe = 1 THEN -denied ELSE 0 END) AS deniedBefore,
    sum(CASE WHEN probe = 3 THEN queries WHEN probe = 2 THEN -queries ELSE 0 END) AS queriesAfter,
    sum(CASE WHEN probe = 3 THEN denied WHEN probe = 2 THEN -denied ELSE 0 END) AS deniedAfter
  FROM (SELECT * FROM untiedCounts UNION ALL SELECT * FROM tiedCounts) running
  GROUP BY pairNo
)
SELECT p.id AS policyEventId, p.eventTimestamp, {{at(p.targetIds, 1)}} AS policyId, {{at(p.targetNames, 1)}} AS policy, p.actor,
  coalesce(p.dataSourceId, '*') AS dataSource, c.queriesBefore, c.deniedBefore, c.queriesAfter, c.deniedAfter
FROM numbered p JOIN counts c ON c.pairNo = p.pairNo`,
    orderBy: 'eventTimestamp, policyEventId, dataSource',
  },
  {
    name: 'classification-coverage',
    question: 'Is sensitive data classified and governed, across the registered data sources?',
    events: ['TagApplied', 'SDDDatasourceTagUpdated', 'DatasourceCreated'],
    use: 'dashboard',
    severity: 'info',
    defaultWindow: '90d',
    dedupKey: ['dataSourceId'],
    kind: 'aggregate',
    columns: [
      { name: 'dataSourceId', description: 'the data source (a target of the events)' },
      { name: 'dataSource', description: 'its name' },
      { name: 'created', description: 'a DatasourceCreated event for it is in the window' },
      { name: 'tagsApplied', description: 'TagApplied events on it' },
      { name: 'sddUpdates', description: 'SDDDatasourceTagUpdated events on it' },
      {
        name: 'sensitiveTags',
        description: 'PII / PCI tags (or under them) seen among the payload values',
        list: true,
      },
      { name: 'classified', description: 'at least one tag or SDD event' },
      { name: 'lastClassified', description: 'the latest tag or SDD event (empty: never, listed first)' },
    ],
    params: {},
    sql: `WITH ds AS (
  SELECT dataSourceId, dataSourceName, event, eventTimestamp, payloadValues
  FROM {{unnest(t, scoped, targetIds AS dataSourceId, targetNames AS dataSourceName)}}
)
SELECT dataSourceId, max(dataSourceName) AS dataSource,
  bool_or(event = 'DatasourceCreated') AS created,
  count(*) FILTER (WHERE event = 'TagApplied') AS tagsApplied,
  count(*) FILTER (WHERE event = 'SDDDatasourceTagUpdated') AS sddUpdates,
  ${sensitiveTags('{{flattenAgg(payloadValues)}}')} AS sensitiveTags,
  count(*) FILTER (WHERE event <> 'DatasourceCreated') > 0 AS classified,
  max(eventTimestamp) FILTER (WHERE event <> 'DatasourceCreated') AS lastClassified
FROM ds WHERE dataSourceId IS NOT NULL GROUP BY dataSourceId`,
    orderBy: 'lastClassified NULLS FIRST, dataSourceId',
  },
  {
    name: 'query-trail',
    question: 'Who accessed what, and when?',
    events: ['QUERY'],
    use: 'dashboard',
    severity: 'info',
    defaultWindow: '1d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [
      { name: 'actionStatusReason', description: 'why it was refused or failed' },
      { name: 'sensitivityScore', description: 'auditPayload.securityProfile.sensitivity.score' },
      { name: 'objectsAccessed', description: 'auditPayload.objectsAccessed' },
    ],
    params: {},
    sql: `SELECT ${EVENT_ROW}, actionStatusReason, sensitivityScore, objectsAccessed FROM scoped`,
    orderBy: BY_TIME,
  },
  {
    name: 'new-data-sources',
    question: 'Which data sources were added?',
    events: ['DatasourceCreated'],
    use: 'dashboard',
    severity: 'low',
    defaultWindow: '7d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [details],
    params: {},
    sql: `SELECT ${EVENT_ROW}, auditPayload AS details FROM scoped`,
    orderBy: BY_TIME,
  },
  {
    name: 'configuration-changes',
    question: 'Which Immuta application settings changed?',
    events: ['ConfigurationUpdated'],
    use: 'notification',
    severity: 'medium',
    defaultWindow: '7d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [details],
    params: {},
    sql: `SELECT ${EVENT_ROW}, auditPayload AS details FROM scoped`,
    orderBy: BY_TIME,
  },
  {
    name: 'sensitive-queries',
    question: 'Which queries touched sensitive data?',
    events: ['QUERY'],
    use: 'dashboard + notification',
    severity: 'high',
    defaultWindow: '1d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [
      { name: 'sensitivityScore', description: 'auditPayload.securityProfile.sensitivity.score (>= --min-score)' },
      { name: 'objectsAccessed', description: 'auditPayload.objectsAccessed' },
    ],
    params: { minScore: 80 },
    sql: `SELECT ${EVENT_ROW}, sensitivityScore, objectsAccessed FROM scoped WHERE sensitivityScore >= {{minScore}}`,
    orderBy: BY_TIME,
  },
  {
    name: 'failed-queries',
    question: "Did someone try to access data they shouldn't have?",
    events: ['QUERY'],
    use: 'notification',
    severity: 'high',
    defaultWindow: '1d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [
      { name: 'actionStatusReason', description: 'why it was refused or failed' },
      { name: 'sensitivityScore', description: 'auditPayload.securityProfile.sensitivity.score' },
    ],
    params: {},
    sql: `SELECT ${EVENT_ROW}, actionStatusReason, sensitivityScore FROM scoped WHERE actionStatus IS DISTINCT FROM 'SUCCESS'`,
    orderBy: BY_TIME,
  },
  {
    name: 'sensitive-query-spikes',
    question: 'Did sensitive queries spike over a threshold?',
    events: ['QUERY'],
    use: 'dashboard + notification',
    severity: 'high',
    defaultWindow: '1d',
    dedupKey: ['actor', 'windowStart'],
    kind: 'aggregate',
    columns: [
      {
        name: 'windowStart',
        description:
          'the --window the queries fall in (UTC, counted from Monday 2000-01-03: hours, days and weeks start where expected)',
      },
      { name: 'windowEnd', description: 'its end (exclusive)' },
      { name: 'actor', description: "the actor's id" },
      { name: 'queries', description: 'sensitive QUERY events (score >= --min-score), >= --threshold' },
      { name: 'notSuccessful', description: 'of those, not SUCCESS' },
      { name: 'maxScore', description: 'the highest sensitivity score' },
      { name: 'dataSources', description: 'the data sources queried (target names)', list: true },
    ],
    params: { minScore: 80, threshold: 10, window: '1h' },
    sql: `WITH bucketed AS (
  SELECT {{bucket(eventTimestamp)}} AS windowStart, actor, actionStatus, sensitivityScore, targetNames
  FROM scoped WHERE sensitivityScore >= {{minScore}}
)
SELECT windowStart, windowStart + {{window}} AS windowEnd,
  actor,
  count(*) AS queries,
  count(*) FILTER (WHERE actionStatus IS DISTINCT FROM 'SUCCESS') AS notSuccessful,
  max(sensitivityScore) AS maxScore,
  {{sortDistinct({{flattenAgg(targetNames)}})}} AS dataSources
FROM bucketed
GROUP BY windowStart, actor
HAVING count(*) >= {{threshold}}`,
    orderBy: 'windowStart, actor',
  },
  {
    name: 'new-sensitive-columns',
    question: 'Scenario 3: were newly registered columns tagged PII or PCI?',
    events: ['TagApplied'],
    use: 'notification',
    severity: 'high',
    defaultWindow: '1d',
    dedupKey: ['id'],
    kind: 'events',
    columns: [
      { name: 'column', description: 'the column the tag was applied to' },
      {
        name: 'sensitiveTags',
        description: 'the PII / PCI tags (or tags under them, e.g. PII.Email) applied',
        list: true,
      },
      {
        name: 'isNew',
        description:
          'the column also carries `New` (in this event, or a TagApplied of New on the same data source and column)',
      },
    ],
    params: {},
    // "New on the same data source and column" is an equi-join on (data source, column) over the
    // unnested targets, of the sensitive findings only (a join on the column name alone, then a
    // list intersection, made a million candidate pairs on 1 GB).
    sql: `WITH tagged AS (
  SELECT *, ${columnOf('auditPayload')} AS columnName, ${sensitiveTags('payloadValues')} AS sensitiveTags
  FROM scoped WHERE event = 'TagApplied'
), found AS (
  SELECT * FROM tagged WHERE {{len(sensitiveTags)}} > 0 AND columnName IS NOT NULL
), applied AS {{materialized}} (
  SELECT targetIds, auditPayload FROM events WHERE event = 'TagApplied' AND {{contains(payloadValues, 'New')}}
), newMarks AS (
  SELECT n.dataSourceId, ${columnOf('n.auditPayload')} AS columnName
  FROM {{unnest(n, applied, targetIds AS dataSourceId)}}
), marked AS (
  SELECT DISTINCT f.id AS markedId
  FROM {{unnest(f, found, targetIds AS dataSourceId)}}
  JOIN newMarks m ON m.dataSourceId = f.dataSourceId AND m.columnName = f.columnName
)
SELECT ${EVENT_ROW}, columnName AS "column", sensitiveTags,
  {{contains(payloadValues, 'New')}} OR id IN (SELECT markedId FROM marked) AS isNew
FROM found`,
    orderBy: BY_TIME,
  },
];

export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((preset) => preset.name === name);
}
