/** `immuta audit logs sql --engine athena "SELECT ..."`: the user's read-only SQL, sent to Athena as given. */
import { type CommandIO, DOCUMENT_WRITTEN, type DocumentWritten } from '../../io/command-io.js';
import { chooseFormat } from '../format.js';
import type { SqlOptions } from '../sql.js';
import { athenaTarget, readOnlyAthenaSql } from './engine.js';
import { runAndPrint } from './run-on-athena.js';

export async function runAthenaSql(options: SqlOptions, io: CommandIO, defaultLimit: number): Promise<DocumentWritten> {
  const sql = readOnlyAthenaSql(options.sql);
  const format = chooseFormat(options.format, io);
  const target = athenaTarget(options);
  const limit = options.limit ?? defaultLimit;
  const result = await runAndPrint(sql, { ...target, maxRows: limit }, format, io);
  if (result.truncated) io.warn(`Showing the first ${limit} rows: more match (raise --limit).`);
  return DOCUMENT_WRITTEN;
}
