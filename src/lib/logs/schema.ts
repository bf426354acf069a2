/**
 * The log store's tables, and how one exported line becomes one row of a part file.
 *
 * What is stored: the documented UAM fields that queries filter and group on, as typed columns
 * (extracted at ingest in ONE parse of each line), the payload's string values (not for QUERY
 * events), and the line itself (`raw`, so unknown fields and the exact exported text are kept).
 * What is derived when read: `auditPayload`, `targets`, `relatedResources` (JSON, from `raw`), for
 * the rows a query keeps after filtering on the typed columns. Measured on 1 GB of UAM NDJSON,
 * storing the JSON sub-documents as separate columns cost more at sync than re-deriving them.
 *
 * Nothing here relies on DuckDB's schema auto-detection: lines are read as text and each field is
 * extracted by path, so a payload shape never seen before cannot break a sync.
 */

import { sqlString } from './dialect/dialects.js';
import { READ_LINE_BYTES } from './ndjson-lines.js';

/** Bump when the tables change: an older store is then rebuilt by the user (a clear error says how). */
export const STORE_SCHEMA_VERSION = 5;

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
  {
    name: 'targetIds',
    type: 'VARCHAR[]',
    description:
      'targets[].id, one per target (NULL for one without an id): targetIds[i] and targetNames[i] are one target',
  },
  {
    name: 'targetNames',
    type: 'VARCHAR[]',
    description: 'targets[].name, one per target (NULL for one without a name)',
  },
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
    description:
      'every string value inside auditPayload, at any depth (tag and permission names are matched here); NULL for QUERY events (their payload is in auditPayload)',
  },
  {
    name: 'targets',
    type: 'JSON',
    description: 'targets as exported ([] when absent or not an array or object; `raw` keeps the line)',
  },
  { name: 'relatedResources', type: 'JSON', description: 'relatedResources as exported' },
  { name: 'auditPayload', type: 'JSON', description: 'auditPayload as exported' },
  {
    name: 'objectsAccessed',
    type: 'JSON',
    description: 'auditPayload.objectsAccessed (QUERY events; NULL when absent or not an array or object)',
  },
  { name: 'raw', type: 'JSON', description: 'the whole exported line (fields this CLI does not know are kept here)' },
  { name: 'sourceObject', type: 'VARCHAR', description: 'the object (key or file) the event was first read from' },
];

/** Reads `raw` (the stored line) as JSON at a path; NULL when absent. */
const fromRaw = (path: string) => `json_extract(raw, '${path}')`;

/**
 * Stored at ingest for every event but QUERY ones, whose payloads are most of the bytes and are
 * never matched by tag or permission name (NULL for them). Measured on 1 GB: deriving it when read
 * made every preset that uses it read the whole line of every row it scanned (classification-coverage
 * 1-4 s); stored, ~10% more CPU at sync.
 *
 * Every string value inside auditPayload of a line, at any depth (what tag and permission names
 * are matched against). One path (`$.auditPayload..*`) parses the line once where extracting the
 * payload first and then `$..*` from it parsed it twice (~15% faster on 1 GB).
 */
const payloadValuesOf = (line: string) => `CASE WHEN json_type(${line}, '$.auditPayload') = 'OBJECT' THEN
    list_transform(
      list_filter(json_extract(${line}, '$.auditPayload..*'), lambda v: json_type(v) = 'VARCHAR'),
      lambda v: json_extract_string(v, '$'))
  ELSE [] END`;

/** How each `events` column is read from `stored_events` (the stored name when not listed). */
const DERIVED: Record<string, string> = {
  targets: `coalesce(targetsJson::JSON, '[]'::JSON)`,
  relatedResources: `coalesce(${fromRaw('$.relatedResources')}, '[]'::JSON)`,
  auditPayload: fromRaw('$.auditPayload'),
  objectsAccessed: 'objectsAccessedJson::JSON',
  raw: 'raw::JSON',
};

/** The columns of a stored event, as written to each part file (and the empty store's template). */
const STORED_COLUMNS = `
    id VARCHAR NOT NULL,
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
    targetsJson VARCHAR,
    objectsAccessedJson VARCHAR,
    raw VARCHAR NOT NULL,
    sourceObject VARCHAR`;

/**
 * The database file's tables. The events themselves are in Parquet part files (see store.ts), read
 * through the `stored_events` view; `event_ids` holds every stored id once (what keeps each event
 * once across syncs), `parts` the part files a committed sync wrote, and `empty_events` (never
 * filled) gives `stored_events` its columns while there is no part yet. `event_hours` (made by
 * CREATE_EVENT_HOURS) counts the stored events per hour, event and action (a row per part and
 * group; sum them): how a long answer is cut into time slices (presets/run.ts). Only a hint: a
 * slice of any size gives the same rows.
 */
export const CREATE_TABLES = [
  `CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS empty_events (${STORED_COLUMNS}
  )`,
  `CREATE TABLE IF NOT EXISTS event_ids (id VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS parts (
    name VARCHAR PRIMARY KEY,
    events BIGINT NOT NULL,
    bytes BIGINT NOT NULL,
    createdAt TIMESTAMPTZ NOT NULL
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
];

/**
 * Reads part files. Never as Hive partitions: DuckDB otherwise turns every `key=value` folder in
 * their paths into a column (a store under `/data/env=prod/` would get an `env` column, which a
 * compaction would then write into the part).
 */
const parquet = (files: readonly string[]) =>
  `read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false)`;

/**
 * The views every query reads, made on each connection (TEMP, so a read-only store gets them too,
 * and part paths follow the folder when it is moved): `stored_events` over the part files, and
 * `events` (the documented columns) over it.
 */
export function viewsOver(partFiles: readonly string[]): string[] {
  const from = partFiles.length === 0 ? 'empty_events' : parquet(partFiles);
  return [
    `CREATE OR REPLACE TEMP VIEW stored_events AS SELECT * FROM ${from}`,
    `CREATE OR REPLACE TEMP VIEW events AS SELECT ${EVENT_COLUMNS.map((c) =>
      DERIVED[c.name] === undefined ? c.name : `${DERIVED[c.name]} AS ${c.name}`,
    ).join(', ')} FROM stored_events`,
  ];
}

/** A staged file of a batch and the object (key) its lines come from. */
export interface StagedFile {
  /** Path of the staged NDJSON file (inside the store folder). */
  file: string;
  key: string;
  /** The object's line number of the file's first line (big objects are staged in pieces). */
  firstLine: number;
  /**
   * Set when the object is staged in a pack, one file for several small objects: each line of a
   * pack is `<index>` U+0001 `<line>`, where `index` numbers the objects of the batch's packs (a
   * delimiter no line DuckDB is given holds: see readablePiece). `firstRow` lines of the file come
   * before the object's `rows` lines.
   */
  packed?: { index: number; firstRow: number; rows: number };
}

/** Whitespace a blank line is made of (store.ts counts lines with the same set). */
const NOT_BLANK = (column: string) =>
  // Most lines start with `{`: the first byte settles it, and only the others are trimmed (which copies the line).
  `(ascii(${column}) NOT IN (32, 9, 13, 11, 12) OR trim(${column}, chr(32) || chr(9) || chr(13) || chr(11) || chr(12)) <> '')`;

/**
 * read_csv options that read raw lines: no quoting and a delimiter that valid JSON never contains
 * unescaped (U+0001), DuckDB's fastest way to get lines (in parallel over files). A piece of an
 * object is one column; a pack is two, the object's index and the line.
 */
const readLines = (
  packed: boolean,
) => `columns = {${packed ? "'k': 'INTEGER', " : ''}'line': 'VARCHAR'}, delim = chr(1),
    quote = '', escape = '', header = false, auto_detect = false, new_line = '\\n', strict_mode = false,
    null_padding = false, max_line_size = ${READ_LINE_BYTES}, buffer_size = ${READ_LINE_BYTES}`;

/**
 * The lines of staged files, with the object (key) each comes from. DuckDB does not keep the files'
 * order when it reads them in parallel (seen on two 3 MB files), so which copy of a repeated id
 * came first is decided by the key's place in the sync's order (findFirstCopies), never by the
 * order rows arrive in.
 */
export function stagedLines(files: readonly StagedFile[]): string {
  const selects: string[] = [];
  const pieces = files.filter((f) => f.packed === undefined);
  if (pieces.length > 0) {
    const list = `[${pieces.map((f) => sqlString(f.file)).join(', ')}]`;
    const keys = `[${pieces.map((f) => sqlString(f.key)).join(', ')}]`;
    selects.push(`SELECT ${keys}[list_position(${list}, filename)] AS key, line
  FROM read_csv(${list}, filename = true, ${readLines(false)})`);
  }
  const packed = files.filter((f) => f.packed !== undefined);
  if (packed.length > 0) {
    // The key by the line's index: a list from the lowest index of these files (NULL where none).
    const indexes = packed.map((f) => f.packed?.index ?? 0);
    const lowest = Math.min(...indexes);
    const keys: string[] = Array.from({ length: Math.max(...indexes) - lowest + 1 }, () => 'NULL');
    for (const [i, f] of packed.entries()) keys[(indexes[i] as number) - lowest] = sqlString(f.key);
    const list = `[${[...new Set(packed.map((f) => f.file))].map(sqlString).join(', ')}]`;
    selects.push(
      `SELECT [${keys.join(', ')}][k - ${lowest - 1}] AS key, line FROM read_csv(${list}, ${readLines(true)})`,
    );
  }
  return selects.join('\n  UNION ALL\n  ');
}

/** The scalar fields read from each line, in one parse of it (each JSON function call parses the line). */
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
  '$.targets',
  '$.auditPayload.objectsAccessed',
] as const;
const f = (path: (typeof SCALARS)[number]) => `f[${SCALARS.indexOf(path) + 1}]`;
const TARGETS = f('$.targets');

/**
 * The JSON text of an extracted array or object, stored so that a query reading `targets` or
 * `objectsAccessed` never reads `raw` (measured on 1 GB: query-trail, whose rows all carry both,
 * spent most of its time decompressing and parsing `raw` for them). `json_extract_string` gives a
 * container as its JSON text but a string as its bare value, hence the checks: anything else is
 * NULL here (the line in `raw` keeps it; a string whose text is a JSON array is read as that array,
 * as `targetIds` reads it).
 */
const containerText = (text: string) =>
  `CASE WHEN (starts_with(${text}, '[') OR starts_with(${text}, '{')) AND json_valid(${text}) THEN ${text} END`;

/**
 * Each target's id and name, in one list (targetsText is an array): `targetIds[i]` and
 * `targetNames[i]` are of one target, NULL where it has none, as Athena's `$[*].id` gives them. Two
 * path reads (`$[*].id`, `$[*].name`) left out what was missing, so the lists no longer paired
 * (classification-coverage named a data source by another's name). DuckDB's lateral alias: the
 * select list's own `targetsText`.
 */
const TARGET_PAIRS = `CASE WHEN starts_with(targetsText, '[') THEN json_transform(targetsText, '[{"id": "VARCHAR", "name": "VARCHAR"}]') END`;

/**
 * The id a line that is not an event (no id, or no valid eventTimestamp) is staged under: the
 * statement has no WHERE on the extracted fields, because DuckDB would push such a filter below the
 * projection and extract every line's fields twice. `DROP_NOT_EVENTS` removes those rows after.
 */
export const NOT_AN_EVENT_ID = '';

/**
 * Rows per Parquet row group. A part holds QUERY events only, or other events sorted by (event,
 * eventTimestamp), so a row group holds one or a few event types and a preset, which filters on `event` first, skips the others
 * by their min/max statistics (and never decompresses their `raw`). Measured on 1 GB against 8192
 * rows: most presets 1.3-3x faster (access-approvals 500 -> 220 ms), the same size on disk and the
 * same sync speed.
 */
export const ROW_GROUP_ROWS = 2048;

/**
 * How every part file is written. ZSTD level 1 rather than DuckDB's default (3): measured on 1 GB,
 * a first sync ~10% faster (ZSTD's match finder was the biggest single cost of a sync's CPU), files
 * 4% smaller at these small row groups, and the presets read them as fast.
 */
export const PARQUET = `FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE ${ROW_GROUP_ROWS}`;

/**
 * Which of a batch's lines go to its QUERY file: those that spell `"action":"QUERY"` as Immuta
 * writes it (compact JSON). A test of the text, not of the parsed field, so that each of the two
 * statements parses only its own lines. A QUERY event spelled otherwise goes to the sorted file,
 * and another event that holds the text to the unsorted one: only the layout differs, never an answer.
 */
const LOOKS_LIKE_QUERY = `contains(line, '"action":"QUERY"')`;

/**
 * Lines that may be events: an event has an `eventTimestamp` key, spelled so in its text unless a
 * letter of it is escaped (`\u0065...`), which needs a `\u`. A text test, before any parse, in the
 * statement that sorts: the other lines (another log's NDJSON in the source folder, `{}`) are not
 * sorted and written to a part to be taken out again. Measured: 48 MB of `{}` lines ran out of
 * memory after 36 s sorting ten million rows of nothing. A CASE, so the second test runs only on
 * the lines the first did not keep (an OR ran both on every line); ~0.1 s of CPU per GB.
 */
const MAY_BE_EVENT = `CASE WHEN contains(line, 'eventTimestamp') THEN true ELSE contains(line, '\\u') END`;

/**
 * Writes the lines of staged files straight to Parquet, one statement per file: the QUERY events
 * (three quarters of the bytes: their payloads hold the SQL) as read, the others sorted by (event,
 * eventTimestamp) so that each row group holds one or a few event types. Lines that are not events,
 * ids stored already and ids repeated in the batch are then found in the files (`partCheck`) and,
 * in the few batches that have them, taken out by rewriting (`keepNewEvents`, or `keepFirstCopies`
 * for repeats). Measured on 1 GB: sorting the whole batch in one statement was ~40% of a sync's
 * time and its peak memory; one statement split by the parsed event (PARTITION_BY), whose other file was then
 * read again to be sorted, 5-10% more than these two. Filtering on the parsed fields (a MATERIALIZED
 * extraction, so the filter could not make DuckDB extract each line twice) cost ~10% more CPU and
 * ~100 MB more memory.
 */
export function writeLines(
  files: readonly StagedFile[],
  guarded: boolean,
  file: string,
  events: 'query' | 'other',
): string {
  const lines = eventsOfLines(
    files,
    guarded,
    events === 'query' ? LOOKS_LIKE_QUERY : `NOT ${LOOKS_LIKE_QUERY} AND ${MAY_BE_EVENT}`,
  );
  return events === 'query'
    ? `COPY (${lines}) TO ${sqlString(file)} (${PARQUET})`
    : writePart(`SELECT * FROM (${lines})`, file);
}

/**
 * Computes every column `writeLines` would for the staged files' lines (each line checked to be
 * JSON first) and keeps none of them, one hash per row: it fails where writing them would, and is
 * how store.ts finds the lines DuckDB cannot hold in memory.
 */
export const probeLines = (files: readonly StagedFile[]) =>
  `SELECT count(hash(e)) AS n FROM (${eventsOfLines(files, true)}) AS e`;

/**
 * What files written by `writeLines` hold: their rows (`n`, and `n0`, `n1`, ... per file), their
 * events (rows with an id), their distinct ids (fewer when an id repeats in the batch), and
 * `stored`: how many of the stored ids are among them (only whether it is 0 matters). That is
 * `id IN (the batch's ids)` over `event_ids`, which hashes the batch's ids and reads the stored ones
 * once; `id IN (SELECT id FROM event_ids)` hashed every stored id for each batch (1.7 s of a 1 GB
 * first sync), and a semi join of the batch with `event_ids` ~30% more than this (at 800,000 ids).
 */
export const partCheck = (files: readonly string[]) => `
SELECT count(*) AS n,
  ${files.map((file, i) => `count(*) FILTER (WHERE filename = ${sqlString(file)}) AS n${i},`).join('\n  ')}
  count(*) FILTER (WHERE id <> '${NOT_AN_EVENT_ID}') AS events,
  count(DISTINCT id) FILTER (WHERE id <> '${NOT_AN_EVENT_ID}') AS ids,
  (SELECT count(*) FROM event_ids AS e WHERE e.id IN (SELECT id FROM ${parquet(files)})) AS stored
FROM read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false, filename = true)`;

/** Rewrites a file (`from`, to `to`) sorted, without its lines that are not events and its ids stored already. */
export function keepNewEvents(from: string, to: string): string {
  return writePart(
    `SELECT * FROM ${parquet([from])} AS p
  WHERE id <> '${NOT_AN_EVENT_ID}' AND NOT EXISTS (SELECT 1 FROM event_ids AS e WHERE e.id = p.id)`,
    to,
  );
}

/**
 * A written part's events counted per object, hour, event and action in one read of it (two reads,
 * one per count, cost ~0.4 s more of a 1 GB sync): what `PART_EVENTS_PER_OBJECT` and
 * `COUNT_PART_HOURS` sum.
 */
export const groupPart = (file: string) =>
  `CREATE OR REPLACE TEMP TABLE part_groups AS
  SELECT sourceObject, date_trunc('hour', eventTimestamp) AS hour, event, action, count(*) AS n
  FROM ${parquet([file])} GROUP BY ALL`;

/** New events per object in the part grouped by `groupPart`. */
export const PART_EVENTS_PER_OBJECT = `SELECT sourceObject AS key, sum(n) AS n FROM part_groups GROUP BY 1`;

/** Adds the part grouped by `groupPart` to `event_hours`. */
export const COUNT_PART_HOURS = `INSERT INTO event_hours SELECT hour, event, action, sum(n) FROM part_groups GROUP BY ALL`;

/** Records a written part's ids as stored (same transaction as its `parts` row). */
export const recordPartIds = (file: string) => `INSERT INTO event_ids SELECT id FROM ${parquet([file])}`;

/**
 * Creates `event_hours` with every stored event counted (new stores, and stores synced before it
 * existed), in one transaction: a store never has the table without its counts.
 */
export const CREATE_EVENT_HOURS = [
  'BEGIN TRANSACTION',
  `CREATE TABLE event_hours (hour TIMESTAMPTZ NOT NULL, event VARCHAR, action VARCHAR, n BIGINT NOT NULL)`,
  `INSERT INTO event_hours
  SELECT date_trunc('hour', eventTimestamp) AS hour, event, action, count(*) AS n FROM stored_events GROUP BY ALL`,
  'COMMIT',
];

/** One row per line of the staged files that `where` keeps (one that is not an event: NOT_AN_EVENT_ID). */
export function eventsOfLines(files: readonly StagedFile[], guarded: boolean, where = 'true'): string {
  const extract = `json_extract_string(line, [${SCALARS.map((p) => `'${p}'`).join(', ')}])`;
  return `
SELECT
  CASE WHEN coalesce(${f('$.id')}, '') = '' OR ts IS NULL THEN '${NOT_AN_EVENT_ID}' ELSE ${f('$.id')} END AS id,
  coalesce(ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS eventTimestamp,
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
  coalesce(list_transform(targetPairs, t -> t.id), []) AS targetIds,
  coalesce(list_transform(targetPairs, t -> t.name), []) AS targetNames,
  ${f('$.requestId')} AS requestId,
  ${f('$.sessionId')} AS sessionId,
  TRY_CAST(${f('$.auditPayload.securityProfile.sensitivity.score')} AS DOUBLE) AS sensitivityScore,
  CASE WHEN f IS NOT NULL AND ${f('$.action')} IS DISTINCT FROM 'QUERY' THEN ${payloadValuesOf('line')} END AS payloadValues,
  targetsText AS targetsJson,
  ${containerText(f('$.auditPayload.objectsAccessed'))} AS objectsAccessedJson,
  line AS raw,
  key AS sourceObject
FROM (
  SELECT key, line, f, TRY_CAST(${f('$.eventTimestamp')} AS TIMESTAMPTZ) AS ts, ${containerText(TARGETS)} AS targetsText,
    ${TARGET_PAIRS} AS targetPairs
  FROM (
    SELECT key, line, ${guarded ? `CASE WHEN json_valid(line) THEN ${extract} END` : extract} AS f
    FROM (${stagedLines(files)}) WHERE ${where} AND ${NOT_BLANK('line')}
  )
)`;
}

/** The rows (file, row number) of a batch's written files to keep when an id repeats in it. */
const FIRST_COPIES = 'first_copies';

/** Reads written files with each row's file and row number (what FIRST_COPIES names). */
const numberedParquet = (files: readonly string[]) =>
  `read_parquet([${files.map(sqlString).join(', ')}], hive_partitioning = false, filename = true, file_row_number = true)`;

/**
 * Finds, in the files `writeLines` wrote for a batch in which an id repeats, the rows to keep: one
 * per id not stored yet, its first copy in the batch's key order (`keys`: the sync's order, as if
 * the objects had been ingested one by one; of two copies inside one object, either), and no line
 * that is not an event. From the files' narrow columns: the lines are not parsed again (staging
 * the batch in a table to delete from parsed every line a second time and held it all in memory:
 * 633 MB for objects whose every line was written twice).
 */
export function findFirstCopies(files: readonly string[], keys: readonly string[]): string {
  return `CREATE OR REPLACE TEMP TABLE ${FIRST_COPIES} AS
SELECT filename, file_row_number FROM (
  SELECT filename, file_row_number, id, row_number() OVER (
    PARTITION BY id ORDER BY list_position([${keys.map(sqlString).join(', ')}], sourceObject), filename, file_row_number
  ) AS copy
  FROM ${numberedParquet(files)}
  WHERE id <> '${NOT_AN_EVENT_ID}'
) AS c
WHERE copy = 1 AND NOT EXISTS (SELECT 1 FROM event_ids AS e WHERE e.id = c.id)`;
}

/** Rewrites a written file (`from`, to `to`) sorted, with only its rows `findFirstCopies` kept. */
export function keepFirstCopies(from: string, to: string): string {
  return writePart(
    `SELECT * EXCLUDE (filename, file_row_number) FROM ${numberedParquet([from])} AS p
  WHERE EXISTS (SELECT 1 FROM ${FIRST_COPIES} AS k WHERE k.filename = p.filename AND k.file_row_number = p.file_row_number)`,
    to,
  );
}

export const DROP_FIRST_COPIES = `DROP TABLE IF EXISTS ${FIRST_COPIES}`;

/**
 * Rewrites part files into one (compaction): sorted by (event, eventTimestamp), or, `inOrder`, their
 * rows as they are, file after file. Small parts are sorted (a few thousand rows of mixed events
 * each). Bigger ones are each sorted already, or QUERY events in time order, so the merged file
 * keeps their runs: sorting them again held every row, `raw` included, in DuckDB's memory (merges
 * of 6-8 parts, 14-20 MB, took the process to 400-530 MB), where rows in order stream through (~220 MB).
 */
export function mergeParts(files: readonly string[], file: string, inOrder = false): string {
  const select = `SELECT * FROM ${parquet(files)}`;
  return inOrder ? `COPY (${select}) TO ${sqlString(file)} (${PARQUET})` : writePart(select, file);
}

const writePart = (select: string, file: string) =>
  `COPY (${select} ORDER BY event, eventTimestamp) TO ${sqlString(file)} (${PARQUET})`;

/**
 * How many lines of one staged piece are skipped (`skipped`), and the first `first` of them (`first`:
 * line, numbered as in the object, and reason: not JSON (or truncated), not an object, no id, no
 * valid eventTimestamp), in one row. Only run for objects whose counts say something was skipped,
 * so the numbering (a window over the file; for an object in a pack, over the pack, keeping the
 * object's rows) is not paid on every sync. Counted and kept in one aggregate: a file of ten
 * million bad lines handed them all over (2.9 GB).
 */
export function skippedLines(staged: StagedFile, first: number): string {
  const packed = staged.packed;
  return `
WITH fileLines AS (
  SELECT row_number() OVER () AS row, line FROM read_csv(${sqlString(staged.file)}, ${readLines(packed !== undefined)})
), lines AS (
  SELECT (row - ${packed?.firstRow ?? 0} + ${staged.firstLine - 1})::INTEGER AS n, line FROM fileLines
  ${packed ? `WHERE row > ${packed.firstRow} AND row <= ${packed.firstRow + packed.rows}` : ''}
), checked AS (
  SELECT n, line, json_valid(line) AS valid FROM lines WHERE line IS NOT NULL AND ${NOT_BLANK('line')}
), classified AS (
  SELECT n,
    CASE
      WHEN NOT valid THEN 'not JSON (or a truncated line)'
      WHEN json_type(line) <> 'OBJECT' THEN 'not a JSON object'
      WHEN coalesce(json_extract_string(line, '$.id'), '') = '' THEN 'no id'
      WHEN TRY_CAST(json_extract_string(line, '$.eventTimestamp') AS TIMESTAMPTZ) IS NULL THEN 'no valid eventTimestamp'
    END AS problem
  FROM checked
)
SELECT count(*) AS skipped, min_by({'line': n, 'reason': problem}, n, ${first}) AS first
FROM classified WHERE problem IS NOT NULL`;
}
