/**
 * The log store's tables, and how one exported line becomes one row. The documented UAM fields are
 * typed columns; the fields presets filter on are promoted to columns at ingest time (a JSON column
 * is re-parsed by every `->>`, which is what makes JSON-only stores slow); `auditPayload`, `targets`,
 * `relatedResources` and the whole line (`raw`: unknown fields are kept) stay JSON.
 *
 * Nothing here relies on DuckDB's schema auto-detection: lines are read as text, validated, and each
 * field is extracted by path, so a payload shape never seen before cannot break a sync.
 */

/** Bump when the tables change: an older store is then rebuilt by the user (a clear error says how). */
export const STORE_SCHEMA_VERSION = 1;

/** The columns of the `events` view (user SQL and presets), in order, with what they hold. */
export const EVENT_COLUMNS: ReadonlyArray<{ name: string; type: string; description: string }> = [
  { name: 'id', type: 'VARCHAR', description: 'the event id (one row per id)' },
  { name: 'eventTimestamp', type: 'TIMESTAMPTZ', description: 'when it happened (UTC)' },
  { name: 'receivedTimestamp', type: 'TIMESTAMPTZ', description: 'when the audit service received it' },
  { name: 'event', type: 'VARCHAR', description: 'auditPayload.type without `AuditPayload` (e.g. TagApplied, Query)' },
  { name: 'action', type: 'VARCHAR', description: 'CREATE, UPDATE, DELETE, QUERY...' },
  { name: 'actionStatus', type: 'VARCHAR', description: 'SUCCESS, FAILURE, UNAUTHORIZED' },
  { name: 'actionStatusReason', type: 'VARCHAR', description: 'why it failed, when it did' },
  { name: 'actor', type: 'VARCHAR', description: 'actor.id (usually an email address)' },
  { name: 'actorName', type: 'VARCHAR', description: 'actor.name' },
  { name: 'actorType', type: 'VARCHAR', description: 'actor.type (USER_ACTOR...)' },
  { name: 'identityProvider', type: 'VARCHAR', description: 'actor.identityProvider (`bim` = Immuta built-in)' },
  { name: 'actorIp', type: 'VARCHAR', description: 'the caller IP' },
  { name: 'tenantId', type: 'VARCHAR', description: 'tenantId (or the older customerId)' },
  { name: 'targetType', type: 'VARCHAR', description: 'the kind of object acted on (DATASOURCE, USER...)' },
  { name: 'targetIds', type: 'VARCHAR[]', description: 'targets[].id' },
  { name: 'targetNames', type: 'VARCHAR[]', description: 'targets[].name' },
  { name: 'requestId', type: 'VARCHAR', description: 'request correlation id' },
  { name: 'sessionId', type: 'VARCHAR', description: 'session id' },
  {
    name: 'sensitivityScore',
    type: 'DOUBLE',
    description: 'auditPayload.securityProfile.sensitivity.score (QUERY events)',
  },
  {
    name: 'payloadValues',
    type: 'VARCHAR[]',
    description: 'every string value inside auditPayload, at any depth (tag and permission names are matched here)',
  },
  { name: 'targets', type: 'JSON', description: 'targets as exported' },
  { name: 'relatedResources', type: 'JSON', description: 'relatedResources as exported' },
  { name: 'auditPayload', type: 'JSON', description: 'auditPayload as exported' },
  { name: 'raw', type: 'JSON', description: 'the whole exported line (fields this CLI does not know are kept here)' },
  { name: 'sourceObject', type: 'VARCHAR', description: 'the object (key or file) the event was first read from' },
];

export const CREATE_TABLES = [
  `CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS stored_events (
    id VARCHAR PRIMARY KEY,
    eventTimestamp TIMESTAMPTZ NOT NULL,
    receivedTimestamp TIMESTAMPTZ,
    event VARCHAR,
    action VARCHAR,
    actionStatus VARCHAR,
    actionStatusReason VARCHAR,
    actor VARCHAR,
    actorName VARCHAR,
    actorType VARCHAR,
    identityProvider VARCHAR,
    actorIp VARCHAR,
    tenantId VARCHAR,
    targetType VARCHAR,
    targetIds VARCHAR[],
    targetNames VARCHAR[],
    requestId VARCHAR,
    sessionId VARCHAR,
    sensitivityScore DOUBLE,
    payloadValues VARCHAR[],
    targets JSON,
    relatedResources JSON,
    auditPayload JSON,
    raw JSON,
    sourceObject VARCHAR,
    sourceLine INTEGER
  )`,
  `CREATE TABLE IF NOT EXISTS ingested_objects (
    key VARCHAR PRIMARY KEY,
    etag VARCHAR,
    size BIGINT NOT NULL,
    lines INTEGER NOT NULL,
    events INTEGER NOT NULL,
    newEvents INTEGER NOT NULL,
    skippedLines INTEGER NOT NULL,
    ingestedAt TIMESTAMPTZ NOT NULL
  )`,
  `CREATE OR REPLACE VIEW events AS SELECT ${EVENT_COLUMNS.map((c) => c.name).join(', ')} FROM stored_events`,
];

/**
 * Splits a chunk of NDJSON text (the `$text` parameter) into numbered lines and classifies each:
 * `problem` is NULL for a usable event, otherwise why the line is skipped. Blank lines are dropped.
 * `$firstLine` numbers the chunk's first line (big objects are ingested in chunks).
 */
export const STAGE_LINES = `
CREATE OR REPLACE TEMP TABLE staged AS
WITH lines AS (
  SELECT (n + $firstLine - 1)::INTEGER AS n, rtrim(line, chr(13)) AS line
  FROM (SELECT string_split($text, chr(10)) AS parts) t, unnest(parts) WITH ORDINALITY AS u(line, n)
), checked AS (
  SELECT n, line, json_valid(line) AS valid FROM lines WHERE trim(line) <> ''
), parsed AS (
  SELECT n, line, valid,
    CASE WHEN valid THEN line::JSON END AS j
  FROM checked
)
SELECT n, j,
  CASE
    WHEN NOT valid THEN 'not JSON (or a truncated line)'
    WHEN json_type(j) <> 'OBJECT' THEN 'not a JSON object'
    WHEN coalesce(j->>'$.id', '') = '' THEN 'no id'
    WHEN TRY_CAST(j->>'$.eventTimestamp' AS TIMESTAMPTZ) IS NULL THEN 'no valid eventTimestamp'
  END AS problem
FROM parsed`;

/** Inserts the usable staged lines; an id already stored (or seen earlier in the chunk) is kept once. */
export const INSERT_STAGED = `
INSERT OR IGNORE INTO stored_events
SELECT
  j->>'$.id' AS id,
  CAST(j->>'$.eventTimestamp' AS TIMESTAMPTZ) AS eventTimestamp,
  TRY_CAST(j->>'$.receivedTimestamp' AS TIMESTAMPTZ) AS receivedTimestamp,
  regexp_replace(j->>'$.auditPayload.type', 'AuditPayload$', '') AS event,
  j->>'$.action' AS action,
  j->>'$.actionStatus' AS actionStatus,
  j->>'$.actionStatusReason' AS actionStatusReason,
  coalesce(j->>'$.actor.id', CASE WHEN json_type(j, '$.actor') = 'VARCHAR' THEN j->>'$.actor' END) AS actor,
  j->>'$.actor.name' AS actorName,
  j->>'$.actor.type' AS actorType,
  j->>'$.actor.identityProvider' AS identityProvider,
  j->>'$.actorIp' AS actorIp,
  coalesce(j->>'$.tenantId', j->>'$.customerId') AS tenantId,
  j->>'$.targetType' AS targetType,
  CASE WHEN json_type(j, '$.targets') = 'ARRAY' THEN json_extract_string(j, '$.targets[*].id') ELSE [] END AS targetIds,
  CASE WHEN json_type(j, '$.targets') = 'ARRAY' THEN json_extract_string(j, '$.targets[*].name') ELSE [] END AS targetNames,
  j->>'$.requestId' AS requestId,
  j->>'$.sessionId' AS sessionId,
  TRY_CAST(j->>'$.auditPayload.securityProfile.sensitivity.score' AS DOUBLE) AS sensitivityScore,
  CASE WHEN json_type(j, '$.auditPayload') = 'OBJECT' THEN
    list_transform(
      list_filter(json_extract(j, '$.auditPayload..*'), lambda v: json_type(v) = 'VARCHAR'),
      lambda v: v->>'$')
  ELSE [] END AS payloadValues,
  coalesce(j->'$.targets', '[]'::JSON) AS targets,
  coalesce(j->'$.relatedResources', '[]'::JSON) AS relatedResources,
  j->'$.auditPayload' AS auditPayload,
  j AS raw,
  $key AS sourceObject,
  n AS sourceLine
FROM staged
WHERE problem IS NULL
ORDER BY n`;
