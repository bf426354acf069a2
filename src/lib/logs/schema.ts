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
    extra JSON,
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
  // `raw` is rebuilt from `extra` (every top-level field but the three big JSON ones, stored once).
  `CREATE OR REPLACE VIEW events AS SELECT ${EVENT_COLUMNS.map((c) =>
    c.name === 'raw'
      ? `json_merge_patch(extra, json_object('targets', targets, 'relatedResources', relatedResources, 'auditPayload', auditPayload)) AS raw`
      : c.name,
  ).join(', ')} FROM stored_events`,
];

/**
 * Reads a chunk of NDJSON (a staging file, path given as a SQL literal) as numbered lines and
 * classifies each: `problem` is NULL for a usable event, otherwise why the line is skipped. Lines are
 * read with the CSV reader set to one column, no quoting and a delimiter that valid JSON never
 * contains unescaped (U+0001), which is DuckDB's fastest way to get raw lines; blank lines are
 * dropped, line numbers stay exact. `firstLine` numbers the chunk's first line.
 */
export function stageLines(pathLiteral: string, firstLine: number): string {
  return `
CREATE OR REPLACE TEMP TABLE staged AS
WITH lines AS (
  SELECT (row_number() OVER () + ${firstLine - 1})::INTEGER AS n, rtrim(line, chr(13)) AS line
  FROM read_csv(${pathLiteral}, columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '',
    header = false, auto_detect = false, new_line = '\\n', strict_mode = false, null_padding = false,
    max_line_size = 8388608, buffer_size = 16777216)
), checked AS (
  SELECT n, line, json_valid(line) AS valid FROM lines WHERE line IS NOT NULL AND trim(line) <> ''
)
SELECT n, CASE WHEN valid THEN line END AS line,
  CASE
    WHEN NOT valid THEN 'not JSON (or a truncated line)'
    WHEN json_type(line) <> 'OBJECT' THEN 'not a JSON object'
    WHEN coalesce(json_extract_string(line, '$.id'), '') = '' THEN 'no id'
    WHEN TRY_CAST(json_extract_string(line, '$.eventTimestamp') AS TIMESTAMPTZ) IS NULL THEN 'no valid eventTimestamp'
  END AS problem
FROM checked`;
}

/** The scalar fields read from each line, in one pass over it (each JSON function call parses the line). */
const SCALARS = [
  '$.id',
  '$.eventTimestamp',
  '$.receivedTimestamp',
  '$.auditPayload.type',
  '$.action',
  '$.actionStatus',
  '$.actionStatusReason',
  '$.actor.id',
  '$.actor.name',
  '$.actor.type',
  '$.actor.identityProvider',
  '$.actorIp',
  '$.tenantId',
  '$.customerId',
  '$.targetType',
  '$.requestId',
  '$.sessionId',
  '$.auditPayload.securityProfile.sensitivity.score',
  '$.actor',
] as const;
const f = (path: (typeof SCALARS)[number]) => `f[${SCALARS.indexOf(path) + 1}]`;

/** Inserts the usable staged lines; an id already stored (or seen earlier in the chunk) is kept once. */
export const INSERT_STAGED = `
INSERT OR IGNORE INTO stored_events
WITH parsed AS MATERIALIZED (
  SELECT n, line::JSON AS j FROM staged WHERE problem IS NULL
), s AS MATERIALIZED (
  SELECT n,
    json_extract_string(j, [${SCALARS.map((p) => `'${p}'`).join(', ')}]) AS f,
    json_extract(j, ['$.targets', '$.relatedResources', '$.auditPayload']) AS o,
    json_merge_patch(j, '{"targets":null,"relatedResources":null,"auditPayload":null}') AS extra
  FROM parsed
)
SELECT
  ${f('$.id')} AS id,
  CAST(${f('$.eventTimestamp')} AS TIMESTAMPTZ) AS eventTimestamp,
  TRY_CAST(${f('$.receivedTimestamp')} AS TIMESTAMPTZ) AS receivedTimestamp,
  regexp_replace(${f('$.auditPayload.type')}, 'AuditPayload$', '') AS event,
  ${f('$.action')} AS action,
  ${f('$.actionStatus')} AS actionStatus,
  ${f('$.actionStatusReason')} AS actionStatusReason,
  coalesce(${f('$.actor.id')}, CASE WHEN NOT starts_with(${f('$.actor')}, '{') THEN ${f('$.actor')} END) AS actor,
  ${f('$.actor.name')} AS actorName,
  ${f('$.actor.type')} AS actorType,
  ${f('$.actor.identityProvider')} AS identityProvider,
  ${f('$.actorIp')} AS actorIp,
  coalesce(${f('$.tenantId')}, ${f('$.customerId')}) AS tenantId,
  ${f('$.targetType')} AS targetType,
  CASE WHEN json_type(o[1]) = 'ARRAY' THEN json_extract_string(o[1], '$[*].id') ELSE [] END AS targetIds,
  CASE WHEN json_type(o[1]) = 'ARRAY' THEN json_extract_string(o[1], '$[*].name') ELSE [] END AS targetNames,
  ${f('$.requestId')} AS requestId,
  ${f('$.sessionId')} AS sessionId,
  TRY_CAST(${f('$.auditPayload.securityProfile.sensitivity.score')} AS DOUBLE) AS sensitivityScore,
  CASE WHEN json_type(o[3]) = 'OBJECT' THEN
    list_transform(
      list_filter(json_extract(o[3], '$..*'), lambda v: json_type(v) = 'VARCHAR'),
      lambda v: json_extract_string(v, '$'))
  ELSE [] END AS payloadValues,
  coalesce(o[1], '[]'::JSON) AS targets,
  coalesce(o[2], '[]'::JSON) AS relatedResources,
  o[3] AS auditPayload,
  extra,
  $key AS sourceObject,
  n AS sourceLine
FROM s
ORDER BY n`;
