/**
 * `immuta audit logs sql "SELECT ..."`: the user's own read-only SQL over the `events` view. The
 * store is opened read-only with external access off and the configuration locked, so a query
 * cannot read or write files outside the store, fetch URLs, or load extensions.
 */
import { CliError, usageError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { type CommandIO, DOCUMENT_WRITTEN, type DocumentWritten } from '../io/command-io.js';
import { type EngineOptions, chooseEngine } from './athena/engine.js';
import { chooseFormat, writeRows } from './format.js';
import { type StoreSelection, openStoreForReading } from './read-store.js';
import { outOfMemory } from './duckdb.js';
import { type Row, upTo } from './rows.js';
import { sqlErrorParts } from './sql-error.js';
import { RefusedStatement } from './store.js';
import { withoutTerminator } from './sql-text.js';

export interface SqlOptions extends StoreSelection, EngineOptions {
  sql: string;
  format?: string;
  /** At most this many rows are read (default 10,000). */
  limit?: number;
}

export const SQL_DEFAULT_LIMIT = 10_000;

export async function runSql(options: SqlOptions, io: CommandIO): Promise<Row[] | DocumentWritten> {
  if (chooseEngine(options) === 'athena') {
    // Never opens the store (nor loads DuckDB): the SQL goes to Athena as given.
    const { runAthenaSql } = await import('./athena/sql.js');
    return runAthenaSql(options, io, SQL_DEFAULT_LIMIT);
  }
  const text = withoutTerminator(options.sql);
  if (text === '') {
    throw usageError(
      'no SQL given',
      'Example: immuta audit logs sql "SELECT event, count(*) AS n FROM events GROUP BY ALL ORDER BY n DESC"',
    );
  }
  const format = chooseFormat(options.format, io);
  const limit = options.limit ?? SQL_DEFAULT_LIMIT;
  const store = await openStoreForReading(options, io, { sandboxed: true });
  try {
    let answer;
    try {
      // The text as given first, so that a second statement or a COPY is named as such rather than
      // as a syntax error of the wrapping, and an error points into the text the user wrote.
      await store.assertSingleSelect(text);
    } catch (error) {
      throw sqlFailed(error, text);
    }
    try {
      // Then the wrapped text (which a `)` in the text could leave).
      const wrapped = `SELECT * FROM (${text}\n) LIMIT ${limit + 1}`;
      await store.assertSingleSelect(wrapped);
      answer = await store.stream(wrapped);
    } catch (error) {
      throw sqlFailed(error);
    }
    const limited = upTo(answer.batches, limit);
    try {
      await writeRows(answer.columns, limited.batches, format, io);
    } catch (error) {
      // An error while the rows are read (a cast that fails on a later row) is the SQL's, as one at the start.
      if (error instanceof Error && /^[A-Z][A-Za-z ]* Error: /.test(error.message)) throw sqlFailed(error);
      throw error;
    }
    if (limited.truncated()) io.warn(`Showing the first ${limit} rows: more match (raise --limit).`);
    return DOCUMENT_WRITTEN;
  } finally {
    await store.close();
  }
}

/**
 * The error of a query, for the user. `text`: the SQL as the user wrote it, when the error is about
 * that text (its line and column are then given).
 */
function sqlFailed(error: unknown, text?: string): CliError {
  // The store's own (a part file damaged or gone), not a mistake in the SQL.
  if (error instanceof CliError) return error;
  const memory = outOfMemory(
    error,
    'Narrow the query: a WHERE on eventTimestamp or event, fewer columns (`raw` is each whole line), a smaller LIMIT, or sort fewer rows.',
  );
  if (memory) return memory;
  const parts = sqlErrorParts((error as Error).message ?? String(error), text);
  const cause = parts.cause.replace(/^Failed to extract statements: /, '');
  return new CliError(`the SQL failed: ${cause}`, {
    code: 'LOGS_SQL_ERROR',
    exitCode: ExitCode.USAGE,
    fix: sqlFix(error, parts.hint, cause),
    ...(parts.location ? { location: parts.location } : {}),
    cause: error,
  });
}

/** What to do: the refusal's own fix, else DuckDB's hint, else one for a syntax error or any other. */
function sqlFix(error: unknown, hint: string | undefined, cause: string): string {
  if (error instanceof RefusedStatement && error.fix !== undefined) return error.fix;
  if (hint !== undefined) return `${hint} (the columns of \`events\` are in the README, "Audit logs")`;
  if (/^Parser Error/.test(cause)) return "Check the SQL at that place: one SELECT, in DuckDB's SQL.";
  return 'Check the query against the `events` view (its columns and types are in the README, "Audit logs"); only one SELECT is allowed.';
}
