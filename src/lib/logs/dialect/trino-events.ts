/**
 * The Trino (Athena) `events` relation: a CTE over the raw Athena table (./../athena-table.ts) that
 * gives the same columns, with the same names and meanings, as the DuckDB store's `events` view
 * (../schema.ts EVENT_COLUMNS), so one preset template reads both. Differences, by necessity:
 * - `raw` holds the documented top-level fields only (the table has no column for unknown ones);
 * - `sourceObject` is the object's full S3 URL (`"$path"`);
 * - one row per id is kept as the store does, but "first read" is the first by object path;
 * - only the date partitions around --since/--until are read (see `partitionRange`), so
 *   correlations with events outside that range (a tag applied long before) are not seen.
 */
import { type AthenaTableRef, PARTITION_COLUMN, formatLayout } from '../athena-table.js';
import { EVENT_COLUMNS } from '../schema.js';
import { sqlString } from './dialects.js';

const DAY_SECONDS = 86_400;

/**
 * The partition values to read: the folder date is the export date, not the event date (query
 * events arrive up to 24 h late, an export may run just after midnight), so the range is widened
 * by one day on each side, plus `marginSeconds` (a preset that looks --window around its events).
 */
export function partitionRange(
  layout: string,
  since: Date | undefined,
  until: Date | undefined,
  marginSeconds = 0,
): { from?: string; to?: string } {
  const margin = (DAY_SECONDS + marginSeconds) * 1000;
  return {
    ...(since ? { from: formatLayout(layout, new Date(since.getTime() - margin)) } : {}),
    ...(until ? { to: formatLayout(layout, new Date(until.getTime() + margin)) } : {}),
  };
}

/**
 * The strings of a JSON text that are values (not keys). Trino's JSON paths have no recursive
 * descent, so the string values at any depth are found in the text: every JSON string token is
 * matched in order (a match always starts at an opening quote, because JSON has no quotes outside
 * strings), tokens followed by `:` are keys and dropped, and each remaining token is unescaped by
 * the JSON parser itself (`json_extract_scalar('["..."]', '$[0]')`, so \uXXXX and \" come out right).
 * What it can get wrong: nothing on valid JSON as far as the tests show; on invalid JSON the column
 * is empty (the text is only read when json_parse accepted it).
 */
export const JSON_STRING_TOKEN = String.raw`"(?:[^"\\]|\\.)*"(?:\s*:)?`;

/** payloadValues, from the payload's JSON text (`text`) once `json` (its parse) is an object. */
export function trinoPayloadValues(text: string, json: string): string {
  return (
    `CASE WHEN starts_with(json_format(${json}), '{') THEN transform(` +
    `filter(regexp_extract_all(${text}, ${sqlString(JSON_STRING_TOKEN)}), s -> NOT ends_with(s, ':')), ` +
    `s -> json_extract_scalar('[' || s || ']', '$[0]')) ` +
    `ELSE CAST(ARRAY[] AS array(varchar)) END`
  );
}

/** A JSON path, with the lower-cased spelling as a fallback (a table made with case.insensitive on). */
const path = (fn: string, json: string, p: string) =>
  p === p.toLowerCase()
    ? `${fn}(${json}, '${p}')`
    : `coalesce(${fn}(${json}, '${p}'), ${fn}(${json}, '${p.toLowerCase()}'))`;

/** A JSON array or object, NULL for anything else (as the store keeps `targets` and `objectsAccessed`). */
const container = (json: string) => `CASE WHEN NOT is_json_scalar(${json}) THEN ${json} END`;

const EMPTY_VARCHARS = 'CAST(ARRAY[] AS array(varchar))';
const idsOf = (json: string, field: 'id' | 'name') =>
  `coalesce(transform(TRY_CAST(${json} AS array(json)), t -> json_extract_scalar(t, '$.${field}')), ${EMPTY_VARCHARS})`;

/** The raw line's documented fields, as one JSON object. */
function rawObject(): string {
  const plain = (column: string) => `CAST(r.${column} AS json)`;
  const entries: [string, string][] = [
    ['id', plain('id')],
    ['eventTimestamp', plain('eventtimestamp')],
    ['receivedTimestamp', plain('receivedtimestamp')],
    ['action', plain('action')],
    ['actionStatus', plain('actionstatus')],
    ['actionStatusReason', plain('actionstatusreason')],
    ['actor', `coalesce(r.actorJson, CAST(r.actor AS json))`],
    ['actorIp', plain('actorip')],
    ['tenantId', plain('tenantid')],
    ['customerId', plain('customerid')],
    ['targetType', plain('targettype')],
    ['requestId', plain('requestid')],
    ['sessionId', plain('sessionid')],
    ['targets', 'r.targetsJson'],
    ['relatedResources', 'r.relatedJson'],
    ['auditPayload', 'r.payload'],
  ];
  return `CAST(MAP(ARRAY[${entries.map(([k]) => `'${k}'`).join(', ')}], ARRAY[${entries.map(([, v]) => v).join(', ')}]) AS json)`;
}

/** `"database"."table"`. */
export const qualifiedTable = (ref: Pick<AthenaTableRef, 'database' | 'table'>): string =>
  `"${ref.database.replace(/"/g, '""')}"."${ref.table.replace(/"/g, '""')}"`;

/** `events AS (...)`: the CTE, reading the partitions of `range` only. */
export function trinoEventsCte(ref: AthenaTableRef, range: { from?: string; to?: string }): string {
  const prune = [
    ...(range.from !== undefined ? [`e.${PARTITION_COLUMN} >= ${sqlString(range.from)}`] : []),
    ...(range.to !== undefined ? [`e.${PARTITION_COLUMN} <= ${sqlString(range.to)}`] : []),
  ];
  const columns: Readonly<Record<string, string>> = {
    id: 'r.id',
    eventTimestamp: 'r.ts',
    receivedTimestamp: 'try(from_iso8601_timestamp(r.receivedtimestamp))',
    event: `regexp_replace(json_extract_scalar(r.payload, '$.type'), 'AuditPayload$', '')`,
    action: 'r.action',
    actionStatus: 'r.actionstatus',
    actionStatusReason: 'r.actionstatusreason',
    actor: `coalesce(json_extract_scalar(r.actorJson, '$.id'), CASE WHEN NOT starts_with(r.actor, '{') THEN r.actor END)`,
    actorName: `json_extract_scalar(r.actorJson, '$.name')`,
    actorType: `json_extract_scalar(r.actorJson, '$.type')`,
    identityProvider: path('json_extract_scalar', 'r.actorJson', '$.identityProvider'),
    actorIp: 'r.actorip',
    tenantId: 'coalesce(r.tenantid, r.customerid)',
    targetType: 'r.targettype',
    targetIds: idsOf('r.targetsJson', 'id'),
    targetNames: idsOf('r.targetsJson', 'name'),
    requestId: 'r.requestid',
    sessionId: 'r.sessionid',
    sensitivityScore: `TRY_CAST(${path('json_extract_scalar', 'r.payload', '$.securityProfile.sensitivity.score')} AS double)`,
    payloadValues: trinoPayloadValues('r.auditpayload', 'r.payload'),
    targets: `coalesce(${container('r.targetsJson')}, json_parse('[]'))`,
    relatedResources: `coalesce(r.relatedJson, json_parse('[]'))`,
    auditPayload: 'r.payload',
    objectsAccessed: container(path('json_extract', 'r.payload', '$.objectsAccessed')),
    raw: rawObject(),
    sourceObject: 'r.path',
  };
  // The store's columns, in its order: a column added to the store must be added here too.
  const select = EVENT_COLUMNS.map(({ name }) => {
    const expression = columns[name];
    if (expression === undefined) throw new Error(`the Trino events CTE has no expression for ${name}`);
    return `    ${expression} AS ${name}`;
  }).join(',\n');
  return `events AS (
  SELECT ${EVENT_COLUMNS.map((c) => c.name).join(', ')}
  FROM (
    SELECT
${select},
    row_number() OVER (PARTITION BY r.id ORDER BY r.path) AS copyNumber
    FROM (
      SELECT e.*, e."$path" AS path, try(from_iso8601_timestamp(e.eventtimestamp)) AS ts,
        try(json_parse(e.actor)) AS actorJson, try(json_parse(e.targets)) AS targetsJson,
        try(json_parse(e.relatedresources)) AS relatedJson, try(json_parse(e.auditpayload)) AS payload
      FROM ${qualifiedTable(ref)} e
      WHERE ${[...prune, `coalesce(e.id, '') <> ''`].join(' AND ')}
    ) r
    WHERE r.ts IS NOT NULL
  ) deduplicated
  WHERE copyNumber = 1
)`;
}
