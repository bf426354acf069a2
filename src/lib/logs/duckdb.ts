/**
 * The one place `@duckdb/node-api` is loaded (lazily: loading it costs ~60 ms and ~35 MB, so only
 * the logs commands pay for it) and databases are opened with the settings every use needs:
 *
 * - a memory limit (DuckDB's default is 80% of the machine's RAM);
 * - no extension is ever installed or loaded on demand (an `s3://` path would make DuckDB download
 *   `httpfs` from the internet; S3 is read through the AWS SDK instead; json and icu are built in);
 * - `TimeZone = 'UTC'` on every connection, so TIMESTAMPTZ values render and compare in UTC;
 * - `sandboxed`: for user SQL, no file or network access outside the store's folder, and the
 *   configuration locked so a query cannot switch it back on.
 */
import { accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { sqlString } from './dialect/dialects.js';
import type * as DuckDBApi from '@duckdb/node-api';
import type {
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBResult,
  DuckDBResultReader,
} from '@duckdb/node-api';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { requirePackage } from '../util/require-package.js';

export type { DuckDBConnection, DuckDBDataChunk, DuckDBInstance, DuckDBResult, DuckDBResultReader };

export interface OpenOptions {
  readOnly?: boolean;
  /** Default: MEMORY_LIMIT, by access mode. */
  memoryLimit?: string;
  /** Lock the database to these folders (user SQL): external access off, configuration locked. */
  sandboxed?: { allowedDirectories: string[] };
  /** Threads (default: DuckDB's own, the number of cores). */
  threads?: number;
  /** Wait this long for a lock another process holds on the file (default: not at all). */
  lockWait?: LockWait;
}

/**
 * How long to wait for another process's lock on the store before LOGS_STORE_BUSY: a cron sync and a
 * `watch --once` or an analyst's query on the same minute otherwise failed one of them at once.
 */
export interface LockWait {
  ms: number;
  /** Told once, when the wait starts, with the holder's PID when DuckDB names it. */
  onWait?: (pid: number | undefined) => void;
  /** Aborted (Ctrl-C): the wait ends at once. */
  signal?: AbortSignal;
}

/**
 * DuckDB's error for a database file another process holds (read-write, or read-only against a
 * writer): "Could not set lock on file ...: Conflicting lock is held in ...". Not any "lock": a
 * damaged file's "Corrupt database file: ... in block at location 8192" was waited for as a lock,
 * then called LOGS_STORE_BUSY (exit 3, "a sync is writing to it").
 */
const isLockError = (message: string) => /Could not set lock on file|Conflicting lock/i.test(message);
/** The holder's PID, when DuckDB names it ("Conflicting lock is held in /usr/bin/node (PID 1234)"). */
const lockHolder = (message: string) => {
  const pid = /\(PID (\d+)\)/.exec(message)?.[1];
  return pid === undefined ? undefined : Number(pid);
};
/** How often a waiting command tries the lock again. */
const LOCK_RETRY_MS = 200;

/**
 * DuckDB's memory limits (its default is 80% of the machine's RAM). A sync holds one batch of about
 * 32 MB at a time and needs little: measured on 1 GB, 256 MB gave a peak RSS of 550-590 MB, 160 MB
 * 527 MB, and 128 MB ran out of memory (256 keeps a 2x margin for batches of bigger events).
 * Queries sort whole answers (every QUERY event of 1 GB: 440,000 rows with JSON); answers are
 * streamed, so 256 and 384 MB also worked, but took 40-50% longer (DuckDB spills) for ~25 MB less.
 */
export const MEMORY_LIMIT = { write: '256MB', read: '512MB' } as const;
/** The largest LIMIT for which raw columns are read after the rows are chosen (see openDatabase). */
const LATE_MATERIALIZATION_MAX_ROWS = 10_000;

type DuckDBModule = typeof DuckDBApi;
let loaded: Promise<DuckDBModule> | undefined;

/** Required, not imported: see requirePackage. */
export function loadDuckDB(): Promise<DuckDBModule> {
  loaded ??= Promise.resolve().then(() => requirePackage<DuckDBModule>('@duckdb/node-api'));
  return loaded;
}

/** Opens (creating it when writable) a database file and one connection to it. */
export async function openDatabase(
  file: string,
  options: OpenOptions = {},
): Promise<{ instance: DuckDBInstance; connection: DuckDBConnection }> {
  const settings: Record<string, string> = {
    memory_limit: options.memoryLimit ?? (options.readOnly ? MEMORY_LIMIT.read : MEMORY_LIMIT.write),
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    access_mode: options.readOnly ? 'READ_ONLY' : 'READ_WRITE',
    // A query with ORDER BY ... LIMIT n (a preset with --limit) first finds its n rows on the
    // narrow columns, then reads `raw` for those rows only (DuckDB's late materialization; its
    // default stops at 50 rows). Measured on 1 GB: `query tag-changes --limit 1000` 1 s -> 0.1 s.
    late_materialization_max_rows: String(LATE_MATERIALIZATION_MAX_ROWS),
    // Freed memory is given back to the system by the allocator's own threads rather than by the
    // threads that free it. Measured with the CLI's first sync of 1 GB, alternating runs: 5-15% less
    // time and CPU in 10 of 11 pairs (e.g. 12.4 s against 13.6 s), the same peak RSS; queries the same.
    allocator_background_threads: 'true',
  };
  if (options.threads !== undefined) settings.threads = String(options.threads);
  const spill = options.readOnly ? readerSpillFolder(file) : undefined;
  if (spill) settings.temp_directory = spill;
  const instance = await createWaitingForLock(file, settings, options);
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  // Read-only, the parts cannot change (a writer needs the store's lock): keep their Parquet footers
  // after the first read instead of reading 58 of them again for every scan. Measured on 1 GB, the
  // presets in one process (as watch and report run them): 15% less time in all, 10-60 ms each
  // (policy-impact scans the store three times in one query). A setting of the Parquet reader, so
  // set here: DuckDB does not know it when the instance is created.
  if (options.readOnly) await connection.run('SET parquet_metadata_cache = true');
  if (options.sandboxed) {
    const dirs = options.sandboxed.allowedDirectories.map(sqlString).join(', ');
    await connection.run(`SET allowed_directories = [${dirs}]`);
    await connection.run('SET enable_external_access = false');
    await connection.run('SET lock_configuration = true');
  }
  return { instance, connection };
}

/**
 * Where a reader spills past its memory limit when it may not write to the store's folder (a store
 * shared read-only, a read-only mount): a folder of its own under the system's temporary folder.
 * DuckDB's default, `events.duckdb.tmp` beside the database, could not be made there, which failed
 * every query that needed it ("Failed to create directory ...: Permission denied", called a mistake
 * in the SQL by `sql`) while the same query worked on a store one may write to. Undefined: the default.
 */
function readerSpillFolder(file: string): string | undefined {
  try {
    accessSync(dirname(file), constants.W_OK);
    return undefined;
  } catch {
    return join(tmpdir(), `immuta-logs-${process.pid}.tmp`);
  }
}

/** The database instance, waiting up to `lockWait` while another process holds the file. */
async function createWaitingForLock(
  file: string,
  settings: Record<string, string>,
  options: OpenOptions,
): Promise<DuckDBInstance> {
  const { DuckDBInstance } = await loadDuckDB();
  const wait = options.lockWait;
  const deadline = Date.now() + (wait?.ms ?? 0);
  let waiting = false;
  for (;;) {
    try {
      return await DuckDBInstance.create(file, settings);
    } catch (error) {
      const message = (error as Error).message ?? String(error);
      const left = deadline - Date.now();
      wait?.signal?.throwIfAborted(); // Ctrl-C while waiting: interrupted, not busy
      if (!wait || !isLockError(message) || left <= 0)
        throw openError(file, error, options.readOnly ?? false, waiting ? wait?.ms : undefined);
      if (!waiting) wait.onWait?.(lockHolder(message));
      waiting = true;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          wait.signal?.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, Math.min(LOCK_RETRY_MS, left));
        wait.signal?.addEventListener('abort', done, { once: true });
      });
    }
  }
}

function openError(file: string, error: unknown, readOnly: boolean, waitedMs?: number): CliError {
  const message = (error as Error).message ?? String(error);
  if (isLockError(message)) {
    // DuckDB names the holder. Readers share the store; a sync has it alone: a reader waits for a
    // sync, a sync for every reader (a cron sync refused because an analyst's `logs sql` was
    // running was told to wait for "a sync or watch", and no other sync was to be found).
    const pid = lockHolder(message);
    const waited =
      waitedMs === undefined
        ? ''
        : ` It was waited for ${waitedMs / 1000} s: IMMUTA_LOCK_WAIT_MS sets how long (in ms).`;
    return new CliError(`the log store ${file} is in use by another process${pid ? ` (PID ${pid})` : ''}`, {
      code: 'LOGS_STORE_BUSY',
      exitCode: ExitCode.ACTION_NEEDED,
      fix:
        (readOnly
          ? 'A sync is writing to it (`immuta audit logs sync`, or a command given --source): run this again once it is done.'
          : 'Another command is reading it (`immuta audit logs query`, `sql`, `status`, `report` or `watch`) or syncing into it: run this again once it is done (a sync run by cron: its next run).') +
        waited,
      ...(pid ? { details: { pid } } : {}),
      cause: error,
    });
  }
  if (/permission denied/i.test(message)) {
    // "Delete it to rebuild the store" is no fix for a store another user owns.
    return new CliError(`cannot open the log store ${file}: permission denied`, {
      code: 'LOGS_STORE_UNREADABLE',
      exitCode: ExitCode.USAGE,
      fix: readOnly
        ? 'Run this as a user that may read the store folder and its files (or give this user read access to them).'
        : 'A sync writes to the store: run it as the user that owns the folder (`ls -l`), or give this user write access to the folder and its files.',
      cause: error,
    });
  }
  return new CliError(`cannot open the log store ${file}: ${message.split('\n')[0]}`, {
    code: 'LOGS_STORE_UNREADABLE',
    exitCode: ExitCode.USAGE,
    fix: 'Check the --store folder; delete it to rebuild the store with `immuta audit logs sync`.',
    cause: error,
  });
}

/** DuckDB could not hold what a statement needed within its memory limit. */
export function isOutOfMemory(error: unknown): boolean {
  return /^Out of Memory Error/i.test(error instanceof Error ? error.message : String(error));
}

/**
 * DuckDB's "Out of Memory Error" as what it is for the user: their query (or window) asks for more
 * than MEMORY_LIMIT, which they can narrow; undefined for any other error. `fix` says how, for the
 * command that ran it.
 */
export function outOfMemory(error: unknown, fix: string): CliError | undefined {
  if (!isOutOfMemory(error)) return undefined;
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(
    `the query needs more memory than DuckDB may use for it (${MEMORY_LIMIT.read}): ${message.split('\n')[0] ?? ''}`,
    { code: 'LOGS_OUT_OF_MEMORY', fix, cause: error },
  );
}
