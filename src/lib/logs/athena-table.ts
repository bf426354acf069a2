/**
 * The Athena table over an export prefix: its name (validated), the folder layout of the date
 * partition, and the DDL that creates it. Immuta does not document how exported objects are named;
 * the sandbox writes `<path>/<yyyy>/<mm>/<dd>/<jobId>-<taskIndex>.ndjson[.gz]`, hence the default
 * layout `yyyy/MM/dd` (`--layout` changes it). The partition value is the folder path itself, so
 * partition projection needs no crawler and no `MSCK REPAIR`.
 */
import { usageError } from '../errors/cli-error.js';

export const ATHENA_DEFAULTS = { database: 'immuta_audit', table: 'audit_events', layout: 'yyyy/MM/dd' } as const;

/** The date partition column (the folder path under the prefix, e.g. `2026/01/05`). */
export const PARTITION_COLUMN = 'dt';

/** Where the table is and how its date folders are laid out. */
export interface AthenaTableRef {
  database: string;
  table: string;
  /** Date folders under the prefix, Java date format (`yyyy/MM/dd`, `yyyy-MM-dd`, `yyyy/MM/dd/HH`). */
  layout: string;
}

const IDENTIFIER = /^[a-z0-9_]{1,255}$/;

/**
 * An Athena database or table name: lower-case letters, digits and `_` (Athena's rule for names it
 * creates; upper case is folded, anything else is refused, so the name is safe inside quotes).
 */
export function athenaIdentifier(flag: 'database' | 'table', text: string): string {
  const name = text.trim().toLowerCase();
  if (!IDENTIFIER.test(name)) {
    throw usageError(
      `--${flag} "${text}" is not an Athena ${flag} name`,
      `Use letters, digits and _ only (e.g. --${flag} ${ATHENA_DEFAULTS[flag]}).`,
    );
  }
  return name;
}

const LAYOUT_TOKENS = ['yyyy', 'MM', 'dd', 'HH'] as const;

/**
 * Checks a folder layout: yyyy, MM, dd and optionally HH, in that order, separated by `/`, `-`, `_`
 * or `.`. The order matters: it is what makes the folder names sort like the dates they stand for,
 * so a range of dates is a range of partition values.
 */
export function checkLayout(text: string): string {
  const layout = text.trim().replace(/^\/+|\/+$/g, '');
  const tokens = layout.split(/[/_.-]/);
  const ok =
    /^[A-Za-z]+(?:[/_.-][A-Za-z]+)*$/.test(layout) &&
    (tokens.length === 3 || tokens.length === 4) &&
    tokens.every((token, i) => token === LAYOUT_TOKENS[i]);
  if (!ok) {
    throw usageError(
      `--layout "${text}" is not a date folder layout this command understands`,
      "Use yyyy, MM, dd (and optionally HH) in that order, separated by / - _ or . (default 'yyyy/MM/dd').",
    );
  }
  return layout;
}

/** Whether the layout has hour folders (the projection then steps by hours). */
export const hasHours = (layout: string): boolean => layout.includes('HH');

/** The folder of an instant (UTC) under the layout: 2026-01-05T08:00Z -> `2026/01/05`. */
export function formatLayout(layout: string, at: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return layout
    .replace('yyyy', String(at.getUTCFullYear()).padStart(4, '0'))
    .replace('MM', two(at.getUTCMonth() + 1))
    .replace('dd', two(at.getUTCDate()))
    .replace('HH', two(at.getUTCHours()));
}

/** The documented top-level UAM fields, as the table's columns (Hive names are lower case). */
export const RAW_FIELDS = [
  'id',
  'eventTimestamp',
  'receivedTimestamp',
  'action',
  'actionStatus',
  'actionStatusReason',
  'actor',
  'actorIp',
  'tenantId',
  'customerId',
  'targetType',
  'requestId',
  'sessionId',
  'targets',
  'relatedResources',
  'auditPayload',
] as const;

const hiveName = (field: string) => field.toLowerCase();
const literal = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export interface DdlInput extends AthenaTableRef {
  bucket: string;
  /** Key prefix without leading or trailing slash ('' = the whole bucket). */
  prefix: string;
  /** First partition of the projection (default 2020-01-01). */
  start?: Date;
}

/** `s3://bucket/prefix/` (always one trailing slash). */
export function prefixUrl(bucket: string, prefix: string): string {
  const path = prefix.replace(/^\/+|\/+$/g, '');
  return `s3://${bucket}/${path === '' ? '' : `${path}/`}`;
}

/**
 * The statements, in order: the database, then the table. Every field is a `string` column: the
 * OpenX JSON SerDe hands a nested object (actor, targets, relatedResources, auditPayload) to a
 * string column as its JSON text, which the Trino events CTE parses with json_parse. The SerDe
 * lower-cases keys by default (case.insensitive); it is turned off here so nested JSON keeps the
 * keys the presets' JSON paths name, and `mapping.*` ties each lower-case column to its camelCase
 * key. Malformed lines (a truncated object) are read as NULL rows, which the CTE drops.
 */
export function athenaDdl(input: DdlInput): string[] {
  const location = prefixUrl(input.bucket, input.prefix);
  const start = formatLayout(input.layout, input.start ?? new Date(Date.UTC(2020, 0, 1)));
  const columns = RAW_FIELDS.map((field) => `  \`${hiveName(field)}\` string`).join(',\n');
  const mappings = RAW_FIELDS.filter((field) => hiveName(field) !== field).map(
    (field) => `  ${literal(`mapping.${hiveName(field)}`)} = ${literal(field)}`,
  );
  const serde = [`  'ignore.malformed.json' = 'true'`, `  'case.insensitive' = 'false'`, ...mappings].join(',\n');
  const projection = [
    `  'projection.enabled' = 'true'`,
    `  'projection.${PARTITION_COLUMN}.type' = 'date'`,
    `  'projection.${PARTITION_COLUMN}.format' = ${literal(input.layout)}`,
    `  'projection.${PARTITION_COLUMN}.range' = ${literal(`${start},NOW`)}`,
    `  'projection.${PARTITION_COLUMN}.interval' = '1'`,
    `  'projection.${PARTITION_COLUMN}.interval.unit' = '${hasHours(input.layout) ? 'HOURS' : 'DAYS'}'`,
    `  'storage.location.template' = ${literal(`${location}\${${PARTITION_COLUMN}}/`)}`,
  ].join(',\n');
  return [
    `CREATE DATABASE IF NOT EXISTS \`${input.database}\``,
    `CREATE EXTERNAL TABLE IF NOT EXISTS \`${input.database}\`.\`${input.table}\` (\n${columns}\n)\n` +
      `PARTITIONED BY (\`${PARTITION_COLUMN}\` string)\n` +
      `ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\n` +
      `WITH SERDEPROPERTIES (\n${serde}\n)\n` +
      `LOCATION ${literal(location)}\n` +
      `TBLPROPERTIES (\n${projection}\n)`,
  ];
}
