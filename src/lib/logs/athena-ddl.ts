/**
 * `immuta audit logs athena-ddl (s3://bucket/prefix | --config-id ID)`: prints the statements that
 * create the Athena table `--engine athena` reads (./athena-table.ts says what the table is). Nothing
 * is sent to AWS: the user (or CI) runs the statements in Athena.
 */
import { usageError } from '../errors/cli-error.js';
import type { CommandIO } from '../io/command-io.js';
import { escapeControl } from '../output/control-codes.js';
import { ATHENA_DEFAULTS, athenaDdl, athenaIdentifier, checkLayout, prefixUrl } from './athena-table.js';
import { configDestination } from './sources/resolve.js';
import { parseS3Url } from './sources/s3.js';
import { urlWithoutCredentials } from '../util/mask-url.js';

export interface AthenaDdlOptions {
  /** `s3://bucket/prefix`: the export destination. */
  source?: string;
  /** An export configuration of the tenant: its bucket and path. */
  configId?: string;
  database?: string;
  table?: string;
  /** Date folders under the prefix (default `yyyy/MM/dd`). */
  layout?: string;
}

export interface AthenaDdlResult {
  statements: string[];
}

/** S3's bucket naming rules (general purpose buckets). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/**
 * The characters a prefix may have here: letters, digits and / - _ . (what the fix says). Others
 * were let through: `?versionId=1` (a query string, not part of a key) became part of the LOCATION,
 * and a space or `=` gave a location Athena does not read as written; quotes, `\\`, `$`, `{}` would
 * break out of the DDL's strings or its `${dt}` template.
 */
const PREFIX_CHARACTER = /[A-Za-z0-9/_.-]/;

async function destination(options: AthenaDdlOptions, io: CommandIO): Promise<{ bucket: string; prefix: string }> {
  if (options.source !== undefined && options.configId !== undefined) {
    throw usageError('give either s3://bucket/prefix or --config-id, not both', 'Drop one of them.');
  }
  if (options.configId !== undefined) return configDestination(options.configId, io);
  const text = options.source?.trim();
  if (!text) {
    throw usageError(
      'no export location: give s3://bucket/prefix or --config-id ID',
      'Example: `immuta audit logs athena-ddl s3://my-audit-bucket/immuta`.',
    );
  }
  const location = parseS3Url(text);
  if (!location) {
    throw usageError(
      // Without its query string or user info: a pasted presigned URL holds its signature and session token there.
      `"${urlWithoutCredentials(text)}" is not an s3:// URL`,
      'Athena reads S3 only: give the export prefix as s3://bucket/prefix (or --config-id ID).',
    );
  }
  return location;
}

export async function runAthenaDdl(options: AthenaDdlOptions, io: CommandIO): Promise<AthenaDdlResult> {
  const database = athenaIdentifier('database', options.database ?? ATHENA_DEFAULTS.database);
  const table = athenaIdentifier('table', options.table ?? ATHENA_DEFAULTS.table);
  const layout = checkLayout(options.layout ?? ATHENA_DEFAULTS.layout);
  const { bucket, prefix } = await destination(options, io);
  if (!BUCKET.test(bucket)) {
    throw usageError(
      `"${bucket}" is not an S3 bucket name`,
      'Bucket names are 3-63 lower-case letters, digits, . and -.',
    );
  }
  const bad = [...prefix].find((character) => !PREFIX_CHARACTER.test(character));
  if (bad !== undefined) {
    throw usageError(
      `the prefix "${escapeControl(prefix)}" has ${JSON.stringify(bad)}, which the table's location cannot hold`,
      'Point the export at a prefix of letters, digits and / - _ . (or rename the folder); give s3://bucket/prefix without ?query.',
    );
  }
  // An empty segment (`s3://bkt//x//`) is a key prefix of its own: `/x//` is not `x/`. It was
  // silently rewritten to `x/`, a table over other objects; refused rather than kept, because an
  // export writing such keys is almost surely a mistyped prefix (one trailing slash is fine).
  if (prefix.startsWith('/') || prefix.includes('//')) {
    throw usageError(
      `the prefix "${prefix}" has an empty segment (a leading or doubled /)`,
      `Empty segments are refused, not rewritten (they name other S3 keys): write the prefix with single slashes, e.g. ${prefixUrl(bucket, prefix.replace(/\/+/g, '/'))}.`,
    );
  }
  const statements = athenaDdl({ database, table, layout, bucket, prefix });
  io.note(`Athena table ${database}.${table} over ${prefixUrl(bucket, prefix)} (folders ${layout}):`);
  io.out(statements.map((statement) => `${statement};`).join('\n\n'));
  return { statements };
}
