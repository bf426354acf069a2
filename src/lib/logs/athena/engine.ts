/**
 * `--engine duckdb|athena` for the `audit logs` commands: which engine, the Athena target (validated
 * before anything is sent), and the read-only check of `logs sql` on Athena.
 */
import { CliError, usageError } from '../../errors/cli-error.js';
import type { StoreSelection } from '../read-store.js';
import { ATHENA_DEFAULTS as ATHENA_TABLE_DEFAULTS, checkLayout } from '../athena-table.js';
import { ATHENA_QUERY_DEFAULTS, type AthenaQueryOptions } from './run-query.js';
import { codeOnly, withoutTerminator } from '../sql-text.js';

export const ENGINES = ['duckdb', 'athena'] as const;
export type Engine = (typeof ENGINES)[number];

/** The engine flags, as the commands pass them (undefined = not given). */
export interface EngineOptions {
  engine?: string;
  region?: string;
  workgroup?: string;
  outputLocation?: string;
  athenaDatabase?: string;
  athenaTable?: string;
  /** The `dt` partition format of the table (athena-ddl --layout). */
  athenaLayout?: string;
  /** Tests: an Athena endpoint (otherwise AWS_ENDPOINT_URL_ATHENA / AWS_ENDPOINT_URL, else AWS). */
  athenaEndpoint?: string;
  /** Tests: the first wait between polls (default 200 ms). */
  athenaPollIntervalMs?: number;
}

export interface AthenaTarget extends AthenaQueryOptions {
  workgroup: string;
  database: string;
  /** The events table the presets read (`immuta audit logs athena-ddl` creates it). */
  table: string;
  /** Its `dt` partition format, so a preset reads only the partitions of its window. */
  layout: string;
}

const ATHENA_ONLY: readonly [keyof EngineOptions, string][] = [
  ['workgroup', '--workgroup'],
  ['outputLocation', '--output-location'],
  ['athenaDatabase', '--athena-database'],
  ['athenaTable', '--athena-table'],
  ['athenaLayout', '--athena-layout'],
  ['region', '--region'],
];

const DUCKDB_ONLY: readonly [keyof StoreSelection, string][] = [
  ['source', '--source'],
  ['configId', '--config-id'],
  ['store', '--store'],
];

/** The engine chosen, after refusing flags of the other engine (nothing is read or sent before). */
export function chooseEngine(options: EngineOptions & StoreSelection): Engine {
  const engine = options.engine ?? 'duckdb';
  if (!(ENGINES as readonly string[]).includes(engine))
    throw usageError(`unknown --engine "${engine}"`, `Use one of ${ENGINES.join(', ')}.`);
  if (engine === 'athena') {
    const local = DUCKDB_ONLY.filter(([key]) => options[key] !== undefined).map(([, flag]) => flag);
    if (local.length > 0) {
      throw usageError(
        `${local.join(', ')} ${local.length === 1 ? 'is' : 'are'} for the local DuckDB store, not --engine athena`,
        'Athena reads the export prefix through its table (`immuta audit logs athena-ddl`): drop the flag, or drop --engine athena.',
      );
    }
  } else {
    const remote = ATHENA_ONLY.filter(([key]) => options[key] !== undefined).map(([, flag]) => flag);
    if (remote.length > 0) {
      throw usageError(
        `${remote.join(', ')} ${remote.length === 1 ? 'is' : 'are'} for --engine athena`,
        'Add --engine athena, or drop the flag.',
      );
    }
  }
  return engine as Engine;
}

/**
 * A Glue database or table name as queries may name it: Athena's own DDL makes only letters, digits
 * and underscores, but Glue (a crawler, Terraform) also makes names with hyphens, which a query
 * reaches quoted ("audit-logs"."events", as this CLI always quotes them).
 */
const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const WORKGROUP = /^[A-Za-z0-9._-]{1,128}$/;
const REGION = /^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$/;
/** s3://bucket/optional/prefix: a bucket name by S3's rules, no spaces or control codes. */
const OUTPUT_LOCATION = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](?:\/[^\s\p{Cc}]*)?$/u;

/** The Athena target of the flags, with defaults, each value checked. */
export function athenaTarget(options: EngineOptions): AthenaTarget {
  const database = options.athenaDatabase ?? ATHENA_TABLE_DEFAULTS.database;
  const table = options.athenaTable ?? ATHENA_TABLE_DEFAULTS.table;
  const workgroup = options.workgroup ?? ATHENA_QUERY_DEFAULTS.workgroup;
  for (const [value, flag] of [
    [database, '--athena-database'],
    [table, '--athena-table'],
  ] as const) {
    if (!NAME.test(value))
      throw usageError(
        `${flag} "${value}" is not an Athena name`,
        'Use letters, digits, underscores and hyphens (Glue names).',
      );
  }
  if (!WORKGROUP.test(workgroup))
    throw usageError(`--workgroup "${workgroup}" is not a workgroup name`, 'Use letters, digits, ".", "_" and "-".');
  if (options.region !== undefined && !REGION.test(options.region))
    throw usageError(`--region "${options.region}" is not an AWS region`, 'For example: us-east-1, eu-central-1.');
  if (options.outputLocation !== undefined && !OUTPUT_LOCATION.test(options.outputLocation)) {
    throw usageError(
      `--output-location "${options.outputLocation}" is not an S3 URL`,
      'Use s3://bucket/prefix/ (a bucket the caller may write to; Athena puts the result files there).',
    );
  }
  const layout = checkLayout(options.athenaLayout ?? ATHENA_TABLE_DEFAULTS.layout);
  return {
    workgroup,
    database,
    table,
    layout,
    ...(options.region ? { region: options.region } : {}),
    ...(options.outputLocation ? { outputLocation: options.outputLocation } : {}),
    ...(options.athenaEndpoint ? { endpoint: options.athenaEndpoint } : {}),
    ...(options.athenaPollIntervalMs !== undefined ? { pollIntervalMs: options.athenaPollIntervalMs } : {}),
  };
}

/** The index of the `)` that closes the `(` at `open` in blanked code, or -1. */
function closingParen(code: string, open: number): number {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === '(') depth++;
    else if (code[i] === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * The keyword of the statement blanked `code` is, looking past `WITH [RECURSIVE] name [(columns)]
 * AS (...), ...` to what the common table expressions lead to (and past opening parentheses);
 * undefined when a WITH is not of that shape. The first keyword alone let
 * `WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x` through to Athena as a query.
 */
function statementKeyword(code: string): string | undefined {
  const first = /^[\s(]*([A-Za-z]+)/.exec(code);
  const keyword = first?.[1]?.toUpperCase();
  if (keyword !== 'WITH' || !first) return keyword;
  let rest = code.slice(first[0].length).replace(/^\s+RECURSIVE\b/i, '');
  for (;;) {
    const name = /^\s*(""|[^\s(),;]+)\s*/.exec(rest);
    if (!name) return undefined;
    rest = rest.slice(name[0].length);
    if (rest.startsWith('(')) {
      const end = closingParen(rest, 0);
      if (end < 0) return undefined;
      rest = rest.slice(end + 1);
    }
    const as = /^\s*AS\s*(?=\()/i.exec(rest);
    if (!as) return undefined;
    rest = rest.slice(as[0].length);
    const end = closingParen(rest, 0);
    if (end < 0) return undefined;
    rest = rest.slice(end + 1);
    const comma = /^\s*,/.exec(rest);
    if (!comma) return statementKeyword(rest);
    rest = rest.slice(comma[0].length);
  }
}

/**
 * The user's SQL for Athena when it is one SELECT (or WITH ... SELECT) statement: trimmed, a final
 * `;` dropped (and the comments after it), otherwise as given. Anything else is refused before it is sent: Athena enforces IAM, but
 * this keeps a paste from running a CREATE TABLE AS or an INSERT with the caller's rights. A WITH is
 * judged by the statement its common table expressions lead to (statementKeyword).
 */
export function readOnlyAthenaSql(sql: string): string {
  const text = withoutTerminator(sql);
  const code = codeOnly(text);
  const refuse = (why: string) =>
    new CliError(`the SQL was refused: ${why}`, {
      code: 'LOGS_SQL_ERROR',
      fix: 'On --engine athena, `immuta audit logs sql` runs one SELECT (or WITH ... SELECT) statement over the tables of `immuta audit logs athena-ddl`.',
    });
  if (text === '' || code === undefined || code.trim() === '')
    throw code === undefined ? refuse('a quote or comment is not closed') : refuse('no SQL given');
  if (code.includes(';')) throw refuse('more than one statement');
  const first = /^[\s(]*([A-Za-z]+)/.exec(code)?.[1]?.toUpperCase();
  if (first !== 'SELECT' && first !== 'WITH') throw refuse(`${first ?? 'this'} is not a SELECT statement`);
  const statement = statementKeyword(code);
  if (statement !== 'SELECT') {
    throw refuse(
      statement === undefined
        ? 'a WITH that does not lead to one SELECT (expected WITH name AS (...), ... SELECT ...)'
        : `WITH ... ${statement} is not a SELECT statement`,
    );
  }
  return text;
}
