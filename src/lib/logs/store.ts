/**
 * The local log store, one folder per source:
 *
 * - `parts/part-NNNNNN.parquet`: the events, one row per event id, typed columns (see schema.ts,
 *   EVENT_COLUMNS) and the exported line itself; a part holds QUERY events (in the order read) or
 *   the other events sorted by (event, eventTimestamp);
 * - `events.duckdb`: which parts and which objects a committed sync stored (`parts`,
 *   `ingested_objects` by key with its ETag or mtime and size, so a sync downloads only what is new
 *   or changed) and every stored id (`event_ids`, so each event is kept once).
 *
 * A batch of objects is ingested in one transaction: its part files are written first, then their
 * `parts`, `event_ids` and `ingested_objects` rows commit together or not at all. A part no
 * committed row names (a sync killed half way) is never read, and is deleted when the store is next
 * opened for writing: the store is as it was before that batch, and the next sync resumes.
 *
 *   const store = await LogStore.open(dir);                 // creates it when missing
 *   await store.ingest({ key, etag, size }, bytes);          // gzip or plain NDJSON
 *   const rows = await store.rows('SELECT count(*) AS n FROM events');
 *   await store.close();
 */
import { sqlString } from './dialect/dialects.js';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import {
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBInstance,
  type DuckDBResult,
  type LockWait,
  type OpenOptions,
  isOutOfMemory,
  loadDuckDB,
  openDatabase,
} from './duckdb.js';
import {
  LINE_READER_ERROR,
  type UnreadableLine,
  chunksAtLineEnds,
  isBlank,
  lineReaderError,
  readablePiece,
  withoutCarriageReturns,
} from './ndjson-lines.js';
import { MAX_OBJECT_BYTES, StreamedObject, decompress, isUnreadableObject } from './object-bytes.js';
import { PARTS_DIR, STORE_FILE, missingStore, prepareStoreFolder } from './store-folder.js';
import { type ResultColumn, type Row, plainRows, rowJsonSql, rowsFromJsonTexts, toPlainRows } from './rows.js';
import {
  COUNT_PART_HOURS,
  DROP_FIRST_COPIES,
  findFirstCopies,
  keepFirstCopies,
  CREATE_EVENT_HOURS,
  CREATE_TABLES,
  PART_EVENTS_PER_OBJECT,
  STORE_SCHEMA_VERSION,
  type StagedFile,
  mergeParts,
  keepNewEvents,
  ROW_GROUP_ROWS,
  partCheck,
  probeLines,
  groupPart,
  recordPartIds,
  skippedLines,
  viewsOver,
  writeLines,
} from './schema.js';

/** The folder (inside the store) a statement writes its files to before they become parts. */
const SPLIT_DIR = 'staging-parts';

const partName = (number: number) => `part-${String(number).padStart(6, '0')}.parquet`;
/** What partName makes: the only files of `parts` a store deletes as leftovers of a killed sync. */
const PART_NAME = /^part-\d{6,}\.parquet$/;

/**
 * Compaction, in two tiers (see partsToMerge):
 *
 * - once `smallPartsToMerge` parts are small (fewer events than one row group and fewer than
 *   `smallPartBytes`: what an incremental sync of a few objects writes), they are merged into one,
 *   so that a store synced every few minutes for months is still a few dozen files to open per query
 *   rather than thousands;
 * - once a store has more than `manyParts` parts, `partsPerMerge` of the oldest parts of one size
 *   tier (each 4x the one below it, from `smallPartBytes`) under `mergedPartBytes` are merged into
 *   one, one merge per sync: what bounds the parts of a tenant whose every export writes parts too
 *   big to be small (2 parts per 5-minute sync were ~50,000 files in three months).
 *
 * Parts of a big sync are not small by the first measure, even when their bytes are few (the
 * non-QUERY part of a 32 MB batch is ~2 MB), and a store of the bench's 1 GB (~60 parts) is under
 * the second: merging those at the end of a first sync took ~4 s and ~300 MB more memory, for no
 * faster query, and a second sync must cost what its objects do.
 */
export const COMPACTION = {
  smallPartEvents: ROW_GROUP_ROWS,
  smallPartBytes: 2 * 1024 * 1024,
  smallPartsToMerge: 16,
  manyParts: 128,
  partsPerMerge: 8,
  mergedPartBytes: 16 * 1024 * 1024,
};
export type CompactionPolicy = typeof COMPACTION;

/** A committed part, as the `parts` table records it. */
export interface PartInfo {
  name: string;
  events: number;
  bytes: number;
}

/** A part's size tier: 0 under `smallPartBytes`, then one tier per 4x. */
function sizeTier(bytes: number, policy: CompactionPolicy): number {
  return bytes < policy.smallPartBytes ? 0 : 1 + Math.floor(Math.log(bytes / policy.smallPartBytes) / Math.log(4));
}

/**
 * The parts (oldest first, as `parts` lists them by name) that compaction merges now, or none: the
 * small parts once there are enough of them (`small`: merged sorted); else, in a store of more than
 * `manyParts` parts, the oldest `partsPerMerge` of the lowest size tier (under `mergedPartBytes`)
 * that has that many (merged in order: see mergeParts).
 */
export function partsToMerge(
  parts: readonly PartInfo[],
  policy: CompactionPolicy = COMPACTION,
): { names: string[]; small: boolean } {
  const none = { names: [], small: false };
  const small = parts.filter((p) => p.events < policy.smallPartEvents && p.bytes < policy.smallPartBytes);
  if (small.length >= policy.smallPartsToMerge) return { names: small.map((p) => p.name), small: true };
  if (parts.length <= policy.manyParts) return none;
  const tiers = new Map<number, PartInfo[]>();
  for (const part of parts) {
    if (part.bytes >= policy.mergedPartBytes) continue;
    const tier = sizeTier(part.bytes, policy);
    tiers.set(tier, [...(tiers.get(tier) ?? []), part]);
  }
  for (const tier of [...tiers.keys()].sort((a, b) => a - b)) {
    const members = tiers.get(tier) ?? [];
    if (members.length >= policy.partsPerMerge)
      return { names: members.slice(0, policy.partsPerMerge).map((p) => p.name), small: false };
  }
  return none;
}

/** An object of a source, as listed (S3 ListObjectsV2, or a file on disk). */
export interface ObjectRef {
  /** S3 key, or the path relative to the source folder. */
  key: string;
  /** S3 ETag, or `<mtime>-<size>` for local files. */
  etag: string;
  size: number;
}

export type SkippedLine = UnreadableLine;

/** An ingest batch's staged pieces, and per object its non-blank lines and those DuckDB is not given. */
interface Staged {
  pieces: Array<StagedFile & { bytes: number }>;
  lines: Map<string, number>;
  /** Per object, lines blanked out in staging (see readablePiece): how many, and the first few. */
  unreadable: Map<string, { count: number; first: UnreadableLine[] }>;
}

export interface IngestOptions {
  /** Called with each staged piece ingested (bytes done, bytes in all). */
  onChunk?: (bytesDone: number, bytesTotal: number) => void;
  /** An object that cannot be read is left out and given here (without it, the call fails). */
  onUnreadable?: (key: string, error: CliError) => void;
}

export interface IngestResult {
  key: string;
  /** Non-blank lines read. */
  lines: number;
  /** Usable events in the object. */
  events: number;
  /** Of those, events whose id was not stored yet. */
  newEvents: number;
  /** Lines skipped (not JSON, truncated, no id or timestamp), with the first few line numbers. */
  skipped: number;
  skippedLines: SkippedLine[];
  gzip: boolean;
}

/** What a store holds (see LogStore.summary). Timestamps are ISO-8601 UTC; null when there is none. */
export interface StoreSummary {
  events: { total: number; first: string | null; last: string | null };
  /** Events per event name (null: lines without auditPayload.type), most first. */
  byEvent: Array<{ event: string | null; events: number }>;
  objects: { synced: number; lastSyncedAt: string | null; withSkippedLines: number; skippedLines: number };
  parts: { files: number; bytes: number };
}

/** An object to ingest and its bytes (plain or gzip NDJSON). */
/**
 * An object to ingest: its bytes as stored (gzip or plain), or, for a big one, a way to read them
 * as it is staged (never held whole; see StreamedObject).
 */
export type IngestItem =
  { object: ObjectRef; bytes: Buffer } | { object: ObjectRef; open: () => AsyncIterable<Buffer> };

/** An object to stage: its plain bytes in memory, or read as they decompress. */
interface PlainObject {
  object: ObjectRef;
  gzip: boolean;
  plain?: Buffer;
  streamed?: StreamedObject;
}

/**
 * A gzip object is decompressed in memory up to this many bytes; a bigger one is staged as it
 * decompresses (see StreamedObject). Objects of an export are a few MB.
 */
const IN_MEMORY_BYTES = 64 * 1024 * 1024;

/**
 * One statement (and one part file) takes about this many bytes of lines: small objects together,
 * big ones cut at line ends. Fewer, bigger statements are what makes a sync fast (DuckDB reads the
 * staged files in parallel and a statement's fixed cost is paid once), and DuckDB needs a few times
 * a statement's size while it runs, which the memory limit must hold. A sync closes its batches at
 * the same size, so that a batch is one statement.
 */
export const CHUNK_BYTES = 32 * 1024 * 1024;
/**
 * Records a batch's objects (`$rows`: a JSON array of their ingested_objects rows) in one statement
 * with two parameters. A named parameter per value (seven per object) cost ~0.25 ms per object
 * (each name is looked up among all of them): 1.2 s of a sync of 5,000 small objects.
 */
const RECORD_OBJECTS = `INSERT OR REPLACE INTO ingested_objects
SELECT o.key, o.etag, o.size, o.lines, o.events, o.newEvents, o.skippedLines, $at::TIMESTAMPTZ
FROM (SELECT unnest(from_json($rows, '[{"key": "VARCHAR", "etag": "VARCHAR", "size": "BIGINT", "lines": "INTEGER",
  "events": "INTEGER", "newEvents": "INTEGER", "skippedLines": "INTEGER"}]')) AS o)`;

/**
 * Objects of at most this many bytes (decompressed) are staged in packs of about PACK_BYTES, one
 * file for several objects, each line prefixed with its object's index (see StagedFile.packed),
 * rather than a file each. Measured on 5,000 objects of 10 KB: a file each, writing and removing
 * the files and DuckDB opening them took more than reading their lines.
 */
export const PACK_OBJECT_BYTES = 256 * 1024;
export const PACK_BYTES = 4 * 1024 * 1024;

/**
 * A piece's lines, each prefixed (an object's index in a pack), the last one ended with a newline,
 * in one buffer (an object of 256 KB may have 100,000 lines: a buffer each would be that many
 * arguments to spread).
 */
function prefixedLines(piece: Buffer, prefix: Buffer): { bytes: Buffer; rows: number } {
  let rows = 0;
  for (let at = piece.indexOf(10); at !== -1; at = piece.indexOf(10, at + 1)) rows++;
  const unterminated = piece.length > 0 && piece[piece.length - 1] !== 10;
  if (unterminated) rows++;
  const bytes = Buffer.allocUnsafe(piece.length + rows * prefix.length + (unterminated ? 1 : 0));
  let offset = 0;
  let start = 0;
  while (start < piece.length) {
    const at = piece.indexOf(10, start);
    const end = at === -1 ? piece.length : at + 1;
    offset += prefix.copy(bytes, offset);
    offset += piece.copy(bytes, offset, start, end);
    start = end;
  }
  if (unterminated) bytes[offset] = 10;
  return { bytes, rows };
}

/** Per object, how many skipped line numbers are remembered for the report. */
const SKIPPED_DETAIL = 5;

/** A value read from DuckDB as text (timestamps as ISO-8601 UTC), null when there is none. */
const textOrNull = (value: unknown) => (value === null || value === undefined ? null : String(value));

type Params = Record<string, string | number | boolean | null>;

/** A query's column names and its rows, a batch at a time (see LogStore.stream). */
export interface RowStream {
  columns: string[];
  batches: AsyncIterable<Row[]>;
}

/**
 * Batches that call `finish` once read to the end (`true`) or left early (`false`: a break, an
 * error): what `finish` throws at the end is the answer's error.
 */
async function* finishedAtEnd(
  batches: AsyncIterable<Row[]>,
  finish: (readToEnd: boolean) => Promise<void>,
): AsyncGenerator<Row[]> {
  let readToEnd = false;
  try {
    yield* batches;
    readToEnd = true;
  } finally {
    await finish(readToEnd);
  }
}

/**
 * A streamed result's chunks, each made into rows. The next chunk is asked for before this one is
 * converted and handed on, so DuckDB computes it (on its own threads) while JavaScript converts and
 * prints this one: each fetched chunk is a copy the caller owns. Measured on query-trail over the
 * 1 GB store (440,168 rows to ndjson): ~1.8 s of JavaScript waiting on DuckDB without it.
 */
async function* chunksOf(result: DuckDBResult, toRows: (chunk: DuckDBDataChunk) => Row[]): AsyncGenerator<Row[]> {
  const fetch = () => {
    const pending = result.fetchChunk();
    pending.catch(() => undefined); // awaited below; not an unhandled rejection while this chunk is printed
    return pending;
  };
  let next: Promise<DuckDBDataChunk | null> | undefined = fetch();
  try {
    for (;;) {
      const chunk = await next;
      next = undefined;
      if (!chunk || chunk.rowCount === 0) return;
      next = fetch();
      yield toRows(chunk);
    }
  } finally {
    // Left early (an error, --limit): the fetch under way must settle before the connection is used again.
    await next?.catch(() => undefined);
  }
}

/** User SQL that `assertSingleSelect` refuses; `fix` says what to write instead, when there is more to say. */
export class RefusedStatement extends Error {
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

/** What ingestItems is given for an object ingested again without its heavy lines. */
interface Retry {
  key: string;
  /** The object as stored was gzip (its plain bytes are given). */
  gzip: boolean;
  /** The lines left out (blanked), to report as skipped. */
  skipped: UnreadableLine[];
}

/** One line of an object: its number (from 1) and its bytes [start, end), without the newline. */
interface LineSpan {
  line: number;
  start: number;
  end: number;
}

/** Tries of halves of an object's lines to find the heavy ones (each OOM takes about a second). */
const HEAVY_LINE_PROBES = 48;
const NEWLINE = Buffer.from('\n');

class TooManyProbes extends Error {}

const firstLineOf = (error: unknown) => ((error as Error | undefined)?.message ?? String(error)).split('\n')[0] ?? '';

/** The non-blank lines of an object's plain bytes. */
function nonBlankLines(plain: Buffer): LineSpan[] {
  const spans: LineSpan[] = [];
  let line = 1;
  for (let start = 0; start < plain.length; line++) {
    const at = plain.indexOf(10, start);
    const end = at === -1 ? plain.length : at;
    if (!isBlank(plain, start, end)) spans.push({ line, start, end });
    if (at === -1) break;
    start = at + 1;
  }
  return spans;
}

/** `plain` with the bytes of `spans` turned to spaces: blank lines, so every other line keeps its number. */
function blanked(plain: Buffer, spans: readonly LineSpan[]): Buffer {
  const copy = Buffer.from(plain);
  for (const span of spans) copy.fill(32, span.start, span.end);
  return copy;
}

/** Adds lines left out before staging to an object's counts and skipped lines. */
function addSkipped(staged: Staged, skipped: readonly UnreadableLine[], key: string): void {
  if (!staged.lines.has(key)) return;
  staged.lines.set(key, (staged.lines.get(key) ?? 0) + skipped.length);
  const known = staged.unreadable.get(key) ?? { count: 0, first: [] };
  known.count += skipped.length;
  known.first = [...known.first, ...skipped].sort((a, b) => a.line - b.line).slice(0, SKIPPED_DETAIL);
  staged.unreadable.set(key, known);
}

/** A store whose first sync was killed before it made its tables: there is nothing to read. */
function unfinishedStore(dir: string): CliError {
  return new CliError(`no log store in ${dir}: its first sync did not finish`, {
    code: 'LOGS_STORE_EMPTY',
    exitCode: ExitCode.USAGE,
    fix: 'Sync again: `immuta audit logs sync SOURCE --store DIR`, or pass --source SOURCE.',
  });
}

/** A store whose part files are not what its database says: rebuilt from the source, or restored. */
function damagedStore(dir: string, why: string): CliError {
  return new CliError(`the log store ${dir} cannot be read: ${why}`, {
    code: 'LOGS_STORE_UNREADABLE',
    exitCode: ExitCode.USAGE,
    fix: 'Restore the whole folder from a copy, or delete it and sync again (the store is a cache of the exported objects).',
  });
}

export class LogStore {
  /** Settled when no query holds the connection (see takeConnection). */
  private connectionFree: Promise<void> = Promise.resolve();
  /** The store has `event_hours` (see eventsPerHour). */
  private countsHours = false;
  /** `interrupt` was called: an answer cut short was cut by Ctrl-C. */
  private interrupted = false;

  private constructor(
    readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly readOnly: boolean,
    private readonly chunkBytes: number = CHUNK_BYTES,
    /** The most bytes of one object (decompressed) it ingests (see MAX_OBJECT_BYTES). */
    readonly maxObjectBytes: number = MAX_OBJECT_BYTES,
    private readonly inMemoryBytes: number = IN_MEMORY_BYTES,
    private readonly compaction: CompactionPolicy = COMPACTION,
  ) {}

  /** The database file of a store folder. */
  static file(dir: string): string {
    return join(resolve(dir), STORE_FILE);
  }

  /**
   * Opens the store in `dir`. Writable (the default) creates the folder and tables; `readOnly` lets
   * several readers share it and fails with LOGS_STORE_EMPTY when nothing was synced there yet;
   * `sandboxed` (user SQL) also switches off file and network access outside the folder.
   */
  static async open(
    dir: string,
    options: {
      readOnly?: boolean;
      sandboxed?: boolean;
      memoryLimit?: string;
      threads?: number;
      /** Ingest objects in statements of about this many bytes (default CHUNK_BYTES). */
      chunkBytes?: number;
      /** Refuse an object over this many bytes, decompressed (default MAX_OBJECT_BYTES; tests lower it). */
      maxObjectBytes?: number;
      /** Stage a gzip object bigger than this as it decompresses (default IN_MEMORY_BYTES; tests lower it). */
      inMemoryBytes?: number;
      /** When parts are merged (default COMPACTION; tests lower it). */
      compaction?: Partial<CompactionPolicy>;
      /** Wait for a lock another process holds (commands: storeLockWait); default: fail at once. */
      lockWait?: LockWait;
    } = {},
  ): Promise<LogStore> {
    const folder = resolve(dir);
    const readOnly = options.readOnly ?? false;
    if (readOnly) {
      const missing = missingStore(folder);
      if (missing) throw missing;
    } else {
      prepareStoreFolder(folder);
    }
    const openOptions: OpenOptions = {
      readOnly,
      memoryLimit: options.memoryLimit,
      threads: options.threads,
      lockWait: options.lockWait,
    };
    if (options.sandboxed) openOptions.sandboxed = { allowedDirectories: [folder] };
    const { instance, connection } = await openDatabase(join(folder, STORE_FILE), openOptions);
    const store = new LogStore(
      folder,
      instance,
      connection,
      readOnly,
      options.chunkBytes,
      options.maxObjectBytes,
      options.inMemoryBytes,
      { ...COMPACTION, ...options.compaction },
    );
    try {
      await store.prepare();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private async prepare(): Promise<void> {
    let countedHours = true;
    if (!this.readOnly) {
      // Most commits only append to the write-ahead log (the sync checkpoints at its end).
      await this.connection.run(`SET checkpoint_threshold = '256MB'`);
      // A part may be rewritten in place (writeGroup) moments after it was read: never serve its
      // old bytes from DuckDB's cache of file contents (validated by modification time).
      await this.connection.run('SET enable_external_file_cache = false');
      // A store of another version is refused before this one's tables are added to it: that store
      // is its version's (the user deletes it, or opens it with that version again).
      if (await this.hasTable('store_meta')) await this.checkVersion();
      countedHours = await this.hasTable('event_hours');
      // One transaction: a first sync killed between the tables and the version row left a store
      // that every later command called "written by another version".
      await this.connection.run('BEGIN TRANSACTION');
      try {
        for (const statement of CREATE_TABLES) await this.connection.run(statement);
        await this.connection.run(`INSERT OR IGNORE INTO store_meta VALUES ('schemaVersion', $v)`, {
          v: String(STORE_SCHEMA_VERSION),
        });
        await this.connection.run('COMMIT');
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    } else if (!(await this.hasTable('store_meta'))) {
      // Made by a first sync that was killed before its tables were: nothing was ever stored.
      throw unfinishedStore(this.dir);
    }
    await this.checkVersion();
    if (!this.readOnly) this.removeLeftovers(await this.partNames());
    await this.refreshViews();
    // A new store, or one synced before event_hours existed: count its events once (~0.25 s per GB).
    if (!this.readOnly && !countedHours) {
      try {
        for (const statement of CREATE_EVENT_HOURS) await this.connection.run(statement);
      } catch (error) {
        await this.connection.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    }
    // Written to, the store has it now; read-only, one synced by an earlier version may not.
    this.countsHours = this.readOnly ? await this.hasTable('event_hours') : true;
  }

  private async checkVersion(): Promise<void> {
    const rows = await this.bookkeeping(`SELECT value FROM store_meta WHERE key = 'schemaVersion'`);
    const version = rows[0]?.value;
    // No version row: a store whose first sync an earlier version of this CLI left half made (it
    // made the tables, then the row, apart). Writable, this open writes the row; read, it is empty.
    if (version === undefined) {
      if (this.readOnly) throw unfinishedStore(this.dir);
      return;
    }
    if (version !== String(STORE_SCHEMA_VERSION)) {
      throw new CliError(`the log store ${this.dir} was written by another version of this CLI`, {
        code: 'LOGS_STORE_VERSION',
        exitCode: ExitCode.USAGE,
        fix: 'Delete that folder and sync again (the store is a cache of the exported objects).',
      });
    }
  }

  private async hasTable(name: string): Promise<boolean> {
    const rows = await this.bookkeeping(
      `SELECT count(*) AS n FROM duckdb_tables() WHERE database_name = current_database() AND table_name = $name`,
      { name },
    );
    return Number(rows[0]?.n ?? 0) > 0;
  }

  /**
   * Stored events per hour (start, epoch ms; in order) among those `eventWhere` (SQL over `event`
   * and `action`) keeps, in the hours that meet [since, until). Empty for a store that does not
   * count them (synced, and only ever opened read-only, by a version before event_hours).
   */
  async eventsPerHour(
    eventWhere: string,
    since: Date | undefined,
    until: Date | undefined,
  ): Promise<Array<{ hour: number; events: number }>> {
    if (!this.countsHours) return [];
    const where = [eventWhere];
    if (since) where.push(`hour >= date_trunc('hour', $since::TIMESTAMPTZ)`);
    if (until) where.push(`hour < $until::TIMESTAMPTZ`);
    const rows = await this.bookkeeping(
      `SELECT epoch_ms(hour) AS hour, sum(n) AS n FROM event_hours WHERE ${where.join(' AND ')} GROUP BY 1 ORDER BY 1`,
      { ...(since ? { since: since.toISOString() } : {}), ...(until ? { until: until.toISOString() } : {}) },
    );
    return rows.map((r) => ({ hour: Number(r.hour), events: Number(r.n) }));
  }

  /**
   * The event names, or action statuses, the store holds: what `--event` and `--status` are checked
   * against. Event names come from `event_hours` when the store counts them (a small table); the
   * statuses from one column of the parts (~10-20 ms per GB).
   */
  async distinctValues(column: 'event' | 'actionStatus'): Promise<string[]> {
    const from = column === 'event' && this.countsHours ? 'event_hours' : 'stored_events';
    const rows = await this.bookkeeping(
      `SELECT DISTINCT ${column} AS v FROM ${from} WHERE ${column} IS NOT NULL ORDER BY 1`,
    );
    return rows.map((r) => String(r.v));
  }

  /**
   * Per asked value, the stored actor ids and names equal to it when case is ignored (what
   * `--actor` is read against): one scan of two columns, ~30 ms per GB.
   */
  async actorSpellings(values: readonly string[]): Promise<Map<string, string[]>> {
    return this.storedSpellings(
      values,
      (lowered) => `SELECT DISTINCT unnest([actor, actorName]) AS v FROM stored_events
        WHERE lower(actor) IN (${lowered}) OR lower(actorName) IN (${lowered})`,
    );
  }

  /**
   * Per asked value, the stored values among `candidates` (a SELECT of a column `v`, given the asked
   * values lowered, as a list of SQL literals) equal to it when case is ignored. Paired in SQL:
   * DuckDB's lower() is not JavaScript's toLowerCase() (İ is i to DuckDB, i + a combining dot to
   * JavaScript), so a spelling the scan found would be dropped.
   */
  private async storedSpellings(
    values: readonly string[],
    candidates: (lowered: string) => string,
  ): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>(values.map((v) => [v, []]));
    if (values.length === 0) return found;
    const lowered = values.map((v) => `lower(${sqlString(v)})`).join(', ');
    const asked = values.map((v, i) => `(${i}, ${sqlString(v)})`).join(', ');
    const rows = await this.bookkeeping(
      `WITH spellings AS (${candidates(lowered)})
      SELECT a.i, s.v FROM (VALUES ${asked}) AS a(i, asked) JOIN spellings AS s ON lower(s.v) = lower(a.asked)
      ORDER BY 1, 2`,
    );
    for (const row of rows) found.get(values[Number(row.i)] as string)?.push(String(row.v));
    return found;
  }

  /**
   * Per asked value, the stored target ids and names it means (what `--target` is read against):
   * itself when an event has it (found at the first such event), else those equal to it when case
   * is ignored (one scan of every target list, ~85 ms per GB), else none.
   */
  async targetSpellings(values: readonly string[]): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>();
    const missing: string[] = [];
    for (const value of values) {
      const rows = await this.bookkeeping(
        `SELECT 1 AS found FROM stored_events WHERE list_contains(targetIds, $value) OR list_contains(targetNames, $value) LIMIT 1`,
        { value },
      );
      if (rows.length > 0) found.set(value, [value]);
      else missing.push(value);
    }
    const other = await this.storedSpellings(
      missing,
      (lowered) => `SELECT DISTINCT v FROM (SELECT unnest(list_concat(targetIds, targetNames)) AS v FROM stored_events)
        WHERE lower(v) IN (${lowered})`,
    );
    for (const [value, spellings] of other) found.set(value, spellings);
    return found;
  }

  /**
   * Up to `most` stored actor ids and names a user may have meant by `value`, ignoring case: those
   * that contain it (`taylor` for taylor@example.com) or are a typo away (a Damerau-Levenshtein
   * distance of one per eight characters, at least one), closest first.
   */
  async actorsLike(value: string, most = 3): Promise<string[]> {
    const rows = await this.bookkeeping(
      `WITH actors AS (SELECT DISTINCT actor AS v FROM stored_events UNION SELECT DISTINCT actorName FROM stored_events),
      scored AS (
        SELECT v, damerau_levenshtein(lower(v), lower($value)) AS distance, contains(lower(v), lower($value)) AS contained
        FROM actors WHERE v IS NOT NULL
      )
      SELECT v FROM scored WHERE contained OR distance <= greatest(1, length($value) // 8)
      ORDER BY distance, v LIMIT ${most}`,
      { value },
    );
    return rows.map((r) => String(r.v));
  }

  /** The first and last event's time (ISO-8601 UTC), null when the store has none. */
  async eventSpan(): Promise<{ first: string | null; last: string | null }> {
    const [span] = await this.bookkeeping(
      'SELECT min(eventTimestamp) AS first, max(eventTimestamp) AS last FROM stored_events',
    );
    return { first: textOrNull(span?.first), last: textOrNull(span?.last) };
  }

  /** What the store holds (`immuta audit logs status`): its events, their span and kinds, its objects and parts. */
  async summary(): Promise<StoreSummary> {
    const span = await this.eventSpan();
    const kinds = await this.bookkeeping(
      `SELECT event, sum(n) AS n FROM (${
        this.countsHours ? 'SELECT event, n FROM event_hours' : 'SELECT event, 1 AS n FROM stored_events'
      }) GROUP BY event ORDER BY n DESC, event NULLS LAST`,
    );
    const [objects] = await this.bookkeeping(
      `SELECT count(*) AS n, max(ingestedAt) AS last, count(*) FILTER (WHERE skippedLines > 0) AS bad,
        coalesce(sum(skippedLines), 0) AS skipped FROM ingested_objects`,
    );
    const [parts] = await this.bookkeeping('SELECT count(*) AS n, coalesce(sum(bytes), 0) AS bytes FROM parts');
    return {
      events: { total: await this.eventCount(), ...span },
      byEvent: kinds.map((r) => ({ event: textOrNull(r.event), events: Number(r.n) })),
      objects: {
        synced: Number(objects?.n ?? 0),
        lastSyncedAt: textOrNull(objects?.last),
        withSkippedLines: Number(objects?.bad ?? 0),
        skippedLines: Number(objects?.skipped ?? 0),
      },
      parts: { files: Number(parts?.n ?? 0), bytes: Number(parts?.bytes ?? 0) },
    };
  }

  /** The part files committed syncs wrote, in the order they were written. */
  private async partNames(): Promise<string[]> {
    return (await this.bookkeeping('SELECT name FROM parts ORDER BY name')).map((r) => String(r.name));
  }

  private partFile(name: string): string {
    return join(this.dir, PARTS_DIR, name);
  }

  /** (Re)makes the `stored_events` and `events` views over the committed parts. */
  private async refreshViews(): Promise<void> {
    const names = await this.partNames();
    // A part file gone (a clean-up of old files in a cache or /tmp folder, a copy of the folder that
    // left one out) failed every command, the sync too, as "unexpected failure: IO Error: No files
    // found that match the pattern", with DuckDB's SQL. One readdir, not a stat per part.
    const present = names.length > 0 ? this.partFilesPresent() : undefined;
    const missing = present === undefined ? [] : names.filter((name) => !present.has(name));
    if (missing.length > 0)
      throw damagedStore(
        this.dir,
        `${missing.length} of its ${names.length} part files ${missing.length === 1 ? 'is' : 'are'} gone (${missing[0]}${missing.length > 1 ? ', ...' : ''})`,
      );
    try {
      for (const statement of viewsOver(names.map((name) => this.partFile(name)))) await this.connection.run(statement);
    } catch (error) {
      throw this.partFileError(error) ?? error;
    }
  }

  /**
   * The files in the parts folder; none when the folder is gone (the database file copied alone:
   * readdir's ENOENT was an "unexpected failure"). Undefined when it cannot be listed (a folder one
   * may enter but not list): DuckDB, which opens the parts by name, says what it can read.
   */
  private partFilesPresent(): Set<string> | undefined {
    try {
      return new Set(readdirSync(join(this.dir, PARTS_DIR)));
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? new Set() : undefined;
    }
  }

  /**
   * DuckDB's error about one of this store's part files, cut short or damaged (a copy of the folder
   * stopped half way), as LOGS_STORE_UNREADABLE: it was an "unexpected failure", or for `sql` a
   * mistake in the user's SQL. Undefined for any other error.
   */
  private partFileError(error: unknown): CliError | undefined {
    if (error instanceof CliError) return undefined;
    const message = error instanceof Error ? error.message : String(error);
    const part = message.indexOf(join(this.dir, PARTS_DIR, 'part-'));
    if (
      part < 0 ||
      !/magic bytes|too small to be a Parquet|No files found|corrupt|Could not (open|read)/i.test(message)
    )
      return undefined;
    const name = /part-\d+\.parquet/.exec(message.slice(part))?.[0] ?? 'a part file';
    return damagedStore(this.dir, `${name} is damaged or gone: ${message.split('\n')[0]}`);
  }

  /**
   * Deletes what a killed sync left: part files no committed row names, and staging files. Only
   * with the store open for writing, which DuckDB's lock makes the only process using it. These
   * names are the store's own, so whatever holds one goes, a folder too (a folder named like a
   * staging file made every later sync fail on it).
   */
  private removeLeftovers(committed: readonly string[]): void {
    const keep = new Set(committed);
    const parts = join(this.dir, PARTS_DIR);
    mkdirSync(parts, { recursive: true, mode: 0o700 });
    const remove = (path: string) => rmSync(path, { recursive: true, force: true });
    for (const name of readdirSync(parts)) if (PART_NAME.test(name) && !keep.has(name)) remove(join(parts, name));
    for (const name of readdirSync(this.dir))
      if (/^staging-(\d+|probe)\.ndjson$/.test(name)) remove(join(this.dir, name));
    remove(join(this.dir, SPLIT_DIR));
  }

  /** Events stored (every id once). */
  async eventCount(): Promise<number> {
    const [row] = await this.bookkeeping('SELECT count(*) AS n FROM event_ids');
    return Number(row?.n ?? 0);
  }

  /**
   * Checks that `sql` is one SELECT (user SQL): the sandbox still lets a statement write files
   * inside the store's own folder (COPY ... TO), which must not happen to its part files.
   */
  async assertSingleSelect(sql: string): Promise<void> {
    const { StatementType } = await loadDuckDB();
    const statements = await this.connection.extractStatements(sql);
    if (statements.count !== 1) {
      // DuckDB runs a PIVOT whose columns come from the data as two statements: a CREATE TYPE of
      // the values it finds, then the PIVOT. The user wrote one: say what to write instead.
      const onePivot = statements.count === 2 && /\bpivot\b/i.test(sql) && !sql.includes(';');
      const first = onePivot ? await statements.prepare(0) : undefined;
      if (first?.statementType === StatementType.CREATE)
        throw new RefusedStatement(
          'a PIVOT whose columns DuckDB must find in the data first is not allowed (it runs as two statements)',
          "Name the columns: PIVOT events ON event IN ('Query', 'TagApplied') USING count(*) GROUP BY actor",
        );
      throw new RefusedStatement(`expected one statement, got ${statements.count}`);
    }
    const prepared = await statements.prepare(0);
    if (prepared.statementType !== StatementType.SELECT)
      throw new RefusedStatement('only SELECT statements are allowed');
  }

  /** Runs a query and returns plain JSON-ready rows (timestamps as ISO strings, JSON parsed). */
  async rows(sql: string, params?: Params): Promise<Row[]> {
    return (await this.table(sql, params)).rows;
  }

  /** Runs a query and returns its column names and plain rows (all of them: `stream` for big answers). */
  async table(sql: string, params?: Params): Promise<{ columns: string[]; rows: Row[] }> {
    const { columns, batches } = await this.stream(sql, params);
    const rows: Row[] = [];
    for await (const batch of batches) for (const row of batch) rows.push(row);
    return { columns, rows };
  }

  /** The same, read value by value through the Node API (the fallback, and what tests hold the JSON path to). */
  async tableByValue(sql: string, params?: Params): Promise<{ columns: string[]; rows: Row[] }> {
    const release = await this.takeConnection();
    try {
      const reader = await this.connection.runAndReadAll(sql, params);
      return { columns: reader.columnNames(), rows: toPlainRows(reader) };
    } catch (error) {
      throw this.partFileError(error) ?? error;
    } finally {
      release();
    }
  }

  /**
   * Waits for the connection to be free, and holds it until the returned function is called. A
   * connection streams one answer at a time (a query started while another is read ends that one
   * early, without an error), and callers run queries concurrently (`Promise.all`), so every
   * query that returns rows takes turns here.
   */
  private async takeConnection(): Promise<() => void> {
    const previous = this.connectionFree;
    let release: (() => void) | undefined;
    this.connectionFree = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    return () => release?.();
  }

  /**
   * Runs a query and gives its column names and then its rows, in order, a DuckDB chunk (at most
   * 2,048 rows) at a time: what the store holds of an answer is the chunk being read, so an answer
   * of millions of rows is printed in the memory of a small one. A SELECT of several columns that
   * allow it comes as one JSON text per row (see rowJsonSql), any other statement value by value.
   * Only a statement DuckDB cannot prepare, or bind in the JSON form, falls back; an error while
   * running (Ctrl-C included) is the query's own and is thrown. Read the batches to the end (or
   * close the store) before the next query: the connection streams one answer at a time.
   */
  async stream(sql: string, params?: Params): Promise<RowStream> {
    const release = await this.takeConnection();
    const c = this.connection;
    try {
      // DuckDB's Node API ends a streamed answer that fails part way (out of memory, a cast that
      // fails on a later row, a part file gone) exactly as one read to its end: the first chunk
      // it cannot make is "no more chunks", and the error is not given. The failure does abort
      // the transaction, which is how it is told here (see finishStream). Only a SELECT streams
      // rows; any other statement (the bench's CREATE TABLE AS) fails as it runs, and inside a
      // transaction a table it fills would be copied again at the commit.
      const selected = await this.selectColumns(sql);
      if (selected) await c.run('BEGIN TRANSACTION');
      let columns: string[];
      let batches: AsyncIterable<Row[]>;
      try {
        ({ columns, batches } = await this.startStream(sql, params, selected));
      } catch (error) {
        if (selected) await c.run('ROLLBACK').catch(() => undefined);
        throw this.partFileError(error) ?? error;
      }
      const finish = async (readToEnd: boolean) => {
        try {
          if (selected) await this.finishStream(readToEnd, sql, params);
        } finally {
          release();
        }
      };
      return { columns, batches: this.withPartFileErrors(finishedAtEnd(batches, finish)) };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** An answer's rows, a part file's error while they are read said as what it is (see partFileError). */
  private async *withPartFileErrors(batches: AsyncIterable<Row[]>): AsyncGenerator<Row[]> {
    try {
      yield* batches;
    } catch (error) {
      throw this.partFileError(error) ?? error;
    }
  }

  /**
   * Ends a streamed answer's transaction. When the answer was read to its end but its transaction
   * was aborted, the answer was cut short: the error is Ctrl-C's when the query was interrupted,
   * else the one running the query again says (as one aggregate over its whole rows, so that no
   * row is held and every column is computed), else LOGS_QUERY_CUT_SHORT.
   */
  private async finishStream(readToEnd: boolean, sql: string, params?: Params): Promise<void> {
    const c = this.connection;
    const cut = await c.run('SELECT 1').then(
      () => false,
      () => true,
    );
    await c.run(cut ? 'ROLLBACK' : 'COMMIT').catch(() => undefined);
    if (!readToEnd || !cut) return;
    if (this.interrupted)
      throw new CliError('interrupted (Ctrl-C)', { code: 'INTERRUPTED', exitCode: ExitCode.INTERRUPTED });
    await c.run(`SELECT count(hash(answer)) FROM (${sql}\n) AS answer`, params);
    throw new CliError('the answer stopped part way: DuckDB ended it with an error it did not name', {
      code: 'LOGS_QUERY_CUT_SHORT',
      exitCode: ExitCode.USAGE,
      fix: 'Nothing after the cut was printed: run it again. If it stops again, narrow it (--since/--until, --limit, other filters), as for a query that needs too much memory.',
    });
  }

  /** `columns`: the SELECT's columns, as selectColumns gives them (undefined: not a SELECT). */
  private async startStream(
    sql: string,
    params: Params | undefined,
    columns: ResultColumn[] | undefined,
  ): Promise<RowStream> {
    const duckdb = await loadDuckDB();
    // One column goes value by value: a JSON text per row would hand over as many strings and
    // parse each (48,092 ids: ~150 -> ~115 ms).
    const jsonSql = columns && columns.length > 1 && rowJsonSql(sql, columns);
    if (columns && jsonSql) {
      let result: DuckDBResult | undefined;
      try {
        result = await this.connection.stream(jsonSql, params);
      } catch (error) {
        if (!/^(Binder|Parser|Catalog) Error/i.test((error as Error).message ?? '')) throw error;
      }
      if (result) {
        const streamed = result;
        return {
          columns: columns.map((c) => c.name),
          batches: chunksOf(streamed, (chunk) => rowsFromJsonTexts(chunk.getColumnValues(0) as string[], columns)),
        };
      }
    }
    const result = await this.connection.stream(sql, params);
    const names = result.columnNames();
    const types = result.columnTypes();
    return {
      columns: names,
      batches: chunksOf(result, (chunk) =>
        plainRows(names, types, chunk.convertColumns(duckdb.JsonDuckDBValueConverter)),
      ),
    };
  }

  /** The columns of a SELECT, as preparing it describes them; undefined for any other statement, or one that does not prepare. */
  private async selectColumns(sql: string): Promise<ResultColumn[] | undefined> {
    const { StatementType } = await loadDuckDB();
    try {
      const prepared = await this.connection.prepare(sql);
      try {
        if (prepared.statementType !== StatementType.SELECT) return undefined;
        return Array.from({ length: prepared.columnCount }, (_, i) => {
          const type = prepared.columnType(i);
          const valueType = 'valueType' in type ? (type.valueType as { typeId: number; alias?: string }) : undefined;
          return {
            name: prepared.columnName(i),
            typeId: type.typeId,
            alias: type.alias,
            valueTypeId: valueType?.typeId,
            valueAlias: valueType?.alias,
          };
        });
      } finally {
        prepared.destroySync();
      }
    } catch {
      return undefined;
    }
  }

  /** The store's own small queries (a few rows each): read value by value, no JSON round trip. */
  private async bookkeeping(sql: string, params?: Params): Promise<Row[]> {
    return (await this.tableByValue(sql, params)).rows;
  }

  /** Objects already ingested, by key. */
  async ingestedObjects(): Promise<Map<string, { etag: string | null; size: number }>> {
    const rows = await this.bookkeeping('SELECT key, etag, size FROM ingested_objects');
    return new Map(rows.map((r) => [String(r.key), { etag: (r.etag as string | null) ?? null, size: Number(r.size) }]));
  }

  /** Whether this object (same key, same ETag and size) was ingested already. */
  static isKnown(known: Map<string, { etag: string | null; size: number }>, object: ObjectRef): boolean {
    const seen = known.get(object.key);
    return seen !== undefined && seen.etag === object.etag && seen.size === object.size;
  }

  /**
   * Ingests one object (plain or gzip NDJSON, detected by its magic bytes) in one transaction: its
   * events (each id once) and its `ingested_objects` row commit together or not at all. `onChunk`
   * is told after each statement (big objects are read in several).
   */
  async ingest(
    object: ObjectRef,
    bytes: Buffer,
    now: Date = new Date(),
    onChunk?: (bytesDone: number, bytesTotal: number) => void,
  ): Promise<IngestResult> {
    const [result] = await this.ingestMany([{ object, bytes }], now, { onChunk });
    return result as IngestResult;
  }

  /**
   * Ingests several objects in ONE transaction (each object whole or not at all, as with
   * `ingest`, since a transaction never commits part of an object). Events go in with one parse
   * of each line; the line-by-line accounting (which lines were skipped and why) only runs for an
   * object whose counts do not add up. An object that cannot be read (damaged gzip, too large)
   * is left out and given to `onUnreadable` (the others are ingested); without it, it fails the
   * call after the objects before it are ingested.
   */
  async ingestMany(
    items: readonly IngestItem[],
    now: Date = new Date(),
    options: IngestOptions = {},
  ): Promise<IngestResult[]> {
    return this.ingestItems(items, now, options);
  }

  /** ingestMany, with what ingestWithoutHeavyLines adds for an object it ingests again (see Retry). */
  private async ingestItems(
    items: readonly IngestItem[],
    now: Date,
    options: IngestOptions,
    retry?: Retry,
  ): Promise<IngestResult[]> {
    const plains: PlainObject[] = [];
    for (const [index, item] of items.entries()) {
      try {
        plains.push(
          'open' in item
            ? {
                object: item.object,
                gzip: false,
                streamed: new StreamedObject(item.object.key, item.open, this.maxObjectBytes),
              }
            : retry
              ? { object: item.object, gzip: retry.gzip, plain: item.bytes }
              : {
                  object: item.object,
                  ...(await decompress(item.object.key, item.bytes, this.maxObjectBytes, this.inMemoryBytes)),
                },
        );
      } catch (error) {
        if (options.onUnreadable && isUnreadableObject(error)) {
          options.onUnreadable(item.object.key, error);
          continue;
        }
        if (index > 0) await this.ingestMany(items.slice(0, index), now, options);
        throw error;
      }
    }
    if (plains.length === 0) return [];
    const staged = await this.stage(plains, options.onUnreadable);
    if (retry) addSkipped(staged, retry.skipped, retry.key);
    // What insertBatch needs of each staged object; the bytes can go before DuckDB reads the files.
    const objects = plains
      .filter((p) => staged.lines.has(p.object.key))
      .map((p) => ({ object: p.object, gzip: p.streamed?.gzip ?? p.gzip }));
    plains.length = 0;
    let results: IngestResult[] = [];
    let outOfMemory: unknown;
    try {
      if (objects.length > 0) results = await this.insertStaged(objects, staged, now, options.onChunk);
    } catch (error) {
      if (retry || !isOutOfMemory(error)) throw error;
      outOfMemory = error;
    } finally {
      for (const piece of staged.pieces) rmSync(piece.file, { force: true });
    }
    if (outOfMemory !== undefined) {
      // Nothing of the batch was stored (its transaction rolled back): its objects go in again apart.
      const again = items.filter((item) => staged.lines.has(item.object.key));
      results = [];
      if (again.length === 1)
        results = await this.ingestWithoutHeavyLines(again[0] as IngestItem, now, options, outOfMemory);
      else for (const item of again) results.push(...(await this.ingestItems([item], now, options)));
    }
    if (staged.failed) throw staged.failed;
    return results;
  }

  /**
   * An object DuckDB ran out of memory on by itself: ingested without the lines that do it, each
   * reported as a skipped line. Such a line is one DuckDB cannot extract within its memory limit:
   * every string of a payload is extracted for matching, which costs the payload's size times its
   * depth, so a 70 KB line nested 10,000 levels deep took more than 256 MB (and failed every sync,
   * with every object of its batch, as an unexpected failure). The lines are found by halving the
   * object's lines and trying each half (see linesDuckDBCannotHold); an object too big to hold for
   * that, or with more such lines than that search is given, is left out as unreadable.
   */
  private async ingestWithoutHeavyLines(
    item: IngestItem,
    now: Date,
    options: IngestOptions,
    outOfMemory: unknown,
  ): Promise<IngestResult[]> {
    const key = item.object.key;
    const opened =
      'open' in item ? undefined : await decompress(key, item.bytes, this.maxObjectBytes, this.inMemoryBytes);
    // Line ends as staging makes them, so that the lines found are the lines staged.
    const text = opened && 'plain' in opened ? withoutCarriageReturns(opened.plain) : undefined;
    const heavy = text ? await this.linesDuckDBCannotHold(text, key) : undefined;
    if (!opened || !text || !heavy || heavy.length === 0) {
      // Streamed (too big to hold for the search), too many such lines, or none alone: left out.
      const error = new CliError(`${key} cannot be read within DuckDB's memory limit: ${firstLineOf(outOfMemory)}`, {
        code: 'LOGS_OBJECT_UNREADABLE',
        exitCode: ExitCode.USAGE,
        fix: 'Check that object for lines nested very deep or very big (the other objects are synced; this one is tried again on the next sync).',
      });
      if (!options.onUnreadable) throw error;
      options.onUnreadable(key, error);
      return [];
    }
    const reason = 'DuckDB cannot extract its fields within its memory limit (nested too deep, or too big)';
    const skipped = heavy.map((span) => ({ line: span.line, reason }));
    return this.ingestItems([{ object: item.object, bytes: blanked(text, heavy) }], now, options, {
      key,
      gzip: opened.gzip,
      skipped,
    });
  }

  /**
   * The lines of `plain` that DuckDB runs out of memory on, found by trying halves of the lines
   * (an OOM costs ~1 s): undefined when more than HEAVY_LINE_PROBES tries would be needed.
   */
  private async linesDuckDBCannotHold(plain: Buffer, key: string): Promise<LineSpan[] | undefined> {
    const file = join(this.dir, 'staging-probe.ndjson');
    let probes = 0;
    const holds = async (spans: readonly LineSpan[]): Promise<boolean> => {
      if (++probes > HEAVY_LINE_PROBES) throw new TooManyProbes();
      writeFileSync(file, Buffer.concat(spans.flatMap((s) => [plain.subarray(s.start, s.end), NEWLINE])), {
        mode: 0o600,
      });
      try {
        await this.connection.run(probeLines([{ file, key, firstLine: 1 }]));
        return true;
      } catch (error) {
        if (!isOutOfMemory(error)) throw error;
        return false;
      } finally {
        rmSync(file, { force: true });
      }
    };
    const heavy: LineSpan[] = [];
    const search = async (spans: readonly LineSpan[]): Promise<void> => {
      if (spans.length === 0 || (await holds(spans))) return;
      if (spans.length === 1) heavy.push(spans[0] as LineSpan);
      else {
        const half = Math.ceil(spans.length / 2);
        await search(spans.slice(0, half));
        await search(spans.slice(half));
      }
    };
    const spans = nonBlankLines(plain);
    try {
      // The whole object is known to fail: start with its halves.
      const half = Math.ceil(spans.length / 2);
      if (spans.length === 1) heavy.push(spans[0] as LineSpan);
      else {
        await search(spans.slice(0, half));
        await search(spans.slice(half));
      }
    } catch (error) {
      if (error instanceof TooManyProbes) return undefined;
      throw error;
    }
    return heavy;
  }

  private async insertStaged(
    objects: ReadonlyArray<{ object: ObjectRef; gzip: boolean }>,
    staged: Staged,
    now: Date,
    onChunk: IngestOptions['onChunk'],
  ): Promise<IngestResult[]> {
    try {
      try {
        return await this.insertBatch(objects, staged, now, false, onChunk);
      } catch (error) {
        // A line that is not JSON fails the fast statement: read this batch again, checking each line.
        const message = (error as Error).message ?? '';
        if (!/json/i.test(message) || LINE_READER_ERROR.test(message)) throw error;
        return await this.insertBatch(objects, staged, now, true, onChunk);
      }
    } catch (error) {
      throw lineReaderError(error, staged.pieces) ?? error;
    }
  }

  /**
   * Writes the objects' lines to staging files (big objects in pieces, small ones packed several to
   * a file: see PACK_OBJECT_BYTES), counting non-blank lines, with the lines DuckDB cannot read
   * blanked out (see readablePiece) and kept per object.
   */
  private async stage(
    plains: readonly PlainObject[],
    onUnreadable: IngestOptions['onUnreadable'],
  ): Promise<Staged & { failed?: CliError }> {
    const pieces: Array<StagedFile & { bytes: number }> = [];
    const lines = new Map<string, number>();
    const unreadable = new Map<string, { count: number; first: UnreadableLine[] }>();
    const files: string[] = [];
    const nextFile = () => {
      const file = join(this.dir, `staging-${files.length}.ndjson`);
      files.push(file);
      return file;
    };
    const packObjectBytes = Math.min(PACK_OBJECT_BYTES, this.chunkBytes);
    const packBytes = Math.min(PACK_BYTES, this.chunkBytes);
    // The pack being filled: its file is written once it holds packBytes, or before an object that is not packed.
    let pack: { buffers: Buffer[]; bytes: number; rows: number; file: string } | undefined;
    let packedObjects = 0;
    const writePack = () => {
      if (pack) writeFileSync(pack.file, Buffer.concat(pack.buffers, pack.bytes), { mode: 0o600 });
      pack = undefined;
    };
    try {
      for (const { object, plain, streamed } of plains) {
        let firstLine = 1;
        let count = lines.get(object.key) ?? 0;
        const blankedOut = unreadable.get(object.key) ?? { count: 0, first: [] };
        const packed = plain !== undefined && plain.length <= packObjectBytes;
        if (!packed) writePack();
        const ownPieces = pieces.length;
        const ownFiles = files.length;
        try {
          const cuts = plain
            ? chunksAtLineEnds(plain, this.chunkBytes)
            : (streamed as StreamedObject).pieces(this.chunkBytes);
          for await (const cut of cuts) {
            const keep = SKIPPED_DETAIL - blankedOut.first.length;
            const staged = readablePiece(withoutCarriageReturns(cut), firstLine, keep);
            if (packed) {
              pack ??= { buffers: [], bytes: 0, rows: 0, file: nextFile() };
              const index = packedObjects++;
              const lined = prefixedLines(staged.piece, Buffer.from(`${index}\u0001`));
              pack.buffers.push(lined.bytes);
              pieces.push({
                file: pack.file,
                key: object.key,
                firstLine,
                bytes: lined.bytes.length,
                packed: { index, firstRow: pack.rows, rows: lined.rows },
              });
              pack.bytes += lined.bytes.length;
              pack.rows += lined.rows;
              if (pack.bytes >= packBytes) writePack();
            } else {
              const file = nextFile();
              writeFileSync(file, staged.piece, { mode: 0o600 });
              pieces.push({ file, key: object.key, firstLine, bytes: staged.piece.length });
            }
            firstLine += staged.newlines;
            count += staged.nonBlank;
            blankedOut.count += staged.blanked;
            blankedOut.first.push(...staged.unreadable);
          }
        } catch (error) {
          // Only a streamed object fails here (damaged, too large): its own pieces go (it is never
          // packed, so its files are its own), and the objects staged before it are kept.
          if (!isUnreadableObject(error)) throw error;
          pieces.length = ownPieces;
          for (const file of files.splice(ownFiles)) rmSync(file, { force: true });
          if (!onUnreadable) return { pieces, lines, unreadable, failed: error };
          onUnreadable(object.key, error);
          continue;
        }
        lines.set(object.key, count);
        if (blankedOut.count > 0) unreadable.set(object.key, blankedOut);
      }
      writePack();
    } catch (error) {
      // A full disk, say: the files written so far go now, not at the next sync.
      for (const file of files) {
        try {
          rmSync(file, { force: true });
        } catch {
          // Not ours to remove (the failure's own cause, e.g. a folder by that name): reported as that.
        }
      }
      throw error;
    }
    return { pieces, lines, unreadable };
  }

  private async insertBatch(
    plains: ReadonlyArray<{ object: ObjectRef; gzip: boolean }>,
    staged: Staged,
    now: Date,
    guarded: boolean,
    onChunk?: (bytesDone: number, bytesTotal: number) => void,
  ): Promise<IngestResult[]> {
    const c = this.connection;
    const totalBytes = staged.pieces.reduce((sum, p) => sum + p.bytes, 0);
    const written: string[] = [];
    const results: IngestResult[] = [];
    const perObject = new Map<string, number>();
    await c.run('BEGIN TRANSACTION');
    try {
      // One statement per group (a big object is read in several, which bounds the memory one needs).
      let number = await this.nextPartNumber();
      const newPart = () => {
        const name = partName(number++);
        written.push(name);
        return name;
      };
      let done = 0;
      // Rows the statements wrote, and of those events: when every non-blank line became an event,
      // no line was skipped, and an object with fewer new events than lines only repeats stored ids.
      let rowsWritten = 0;
      let eventsWritten = 0;
      for (const group of statementGroups(staged.pieces, this.chunkBytes)) {
        const { parts, rows, events: groupEvents } = await this.writeGroup(group, guarded, newPart);
        rowsWritten += rows;
        eventsWritten += groupEvents;
        for (const part of parts) {
          const events = new Map<string, number>();
          await c.run(groupPart(this.partFile(part)));
          for (const row of await this.bookkeeping(PART_EVENTS_PER_OBJECT)) events.set(String(row.key), Number(row.n));
          if (events.size === 0) {
            rmSync(this.partFile(part), { force: true });
            continue;
          }
          await c.run(recordPartIds(this.partFile(part)));
          await c.run(COUNT_PART_HOURS);
          let total = 0;
          for (const [key, n] of events) {
            perObject.set(key, (perObject.get(key) ?? 0) + n);
            total += n;
          }
          await this.recordPart(part, total, now);
        }
        done += group.reduce((sum, p) => sum + p.bytes, 0);
        onChunk?.(done, totalBytes);
      }
      let nonBlankLines = 0;
      for (const lines of staged.lines.values()) nonBlankLines += lines;
      const everyLineAnEvent =
        staged.unreadable.size === 0 && eventsWritten === rowsWritten && rowsWritten === nonBlankLines;
      for (const { object, gzip } of plains) {
        const lines = staged.lines.get(object.key) ?? 0;
        const newEvents = perObject.get(object.key) ?? 0;
        const result: IngestResult = {
          key: object.key,
          lines,
          events: lines,
          newEvents,
          skipped: 0,
          skippedLines: [],
          gzip,
        };
        // Fewer new events than lines: repeated ids, or lines to skip (counted and named here, with
        // a query per piece: 4,500 objects of a 5,000-object sync whose every event was stored
        // already, as a retried export writes them, took ~20 s before the batch's counts said no
        // line was skipped).
        if (newEvents !== lines && !everyLineAnEvent) {
          // The lines staged blank (unreadable by DuckDB) are named from staging, the others by DuckDB.
          const blankedOut = staged.unreadable.get(object.key) ?? { count: 0, first: [] };
          const named = [...blankedOut.first];
          let read = 0;
          for (const piece of staged.pieces.filter((p) => p.key === object.key)) {
            const [found] = await this.bookkeeping(skippedLines(piece, SKIPPED_DETAIL));
            read += Number(found?.skipped ?? 0);
            for (const s of (found?.first ?? []) as Array<{ line: number; reason: string }>)
              named.push({ line: Number(s.line), reason: String(s.reason) });
          }
          result.skipped = blankedOut.count + read;
          result.skippedLines = named.sort((a, b) => a.line - b.line).slice(0, SKIPPED_DETAIL);
          result.events = lines - result.skipped;
        }
        results.push(result);
      }
      await this.recordObjects(
        plains.map(({ object }, i) => ({ object, result: results[i] as IngestResult })),
        now,
      );
      await c.run('COMMIT');
    } catch (error) {
      await c.run('ROLLBACK').catch(() => undefined);
      for (const part of written) rmSync(this.partFile(part), { force: true });
      throw error;
    }
    await this.refreshViews();
    return results;
  }

  /**
   * Writes a group's new events to part files (see writeLines: its QUERY events, and the others
   * sorted) and returns their names, each named by `newPart`, with the rows the statements wrote
   * (lines that may be events) and how many of those are events. The files are rewritten without
   * what is not new in the few groups that have lines that are not events or ids stored already,
   * and only with the first copy of each id (in key order) when an id repeats inside the group.
   */
  private async writeGroup(
    group: readonly StagedFile[],
    guarded: boolean,
    newPart: () => string,
  ): Promise<{ parts: string[]; rows: number; events: number }> {
    const c = this.connection;
    const split = join(this.dir, SPLIT_DIR);
    rmSync(split, { recursive: true, force: true });
    mkdirSync(split, { recursive: true });
    try {
      const files = [join(split, 'query.parquet'), join(split, 'other.parquet')];
      await c.run(writeLines(group, guarded, files[0] as string, 'query'));
      await c.run(writeLines(group, guarded, files[1] as string, 'other'));
      const [check] = await this.bookkeeping(partCheck(files));
      const count = (name: string) => Number(check?.[name] ?? 0);
      const written = { rows: count('n'), events: count('events') };
      if (written.rows === 0) return { parts: [], ...written };
      // An id repeats in the batch: each file keeps the first copies. Otherwise, when some rows are
      // not events or stored already, each file keeps its new events; else each file is a part.
      const repeats = count('events') !== count('ids');
      if (repeats)
        await c.run(
          findFirstCopies(
            files,
            group.map((staged) => staged.key),
          ),
        );
      const onlyNew = count('n') !== count('events') || count('stored') > 0;
      const parts: string[] = [];
      for (const [i, file] of files.entries()) {
        if (count(`n${i}`) === 0) continue; // a batch with no QUERY events, or only those
        const part = newPart();
        parts.push(part);
        if (repeats) await c.run(keepFirstCopies(file, this.partFile(part)));
        else if (onlyNew) await c.run(keepNewEvents(file, this.partFile(part)));
        else renameSync(file, this.partFile(part));
      }
      if (repeats) await c.run(DROP_FIRST_COPIES);
      return { parts, ...written };
    } finally {
      rmSync(split, { recursive: true, force: true });
    }
  }

  /** The number of the next part file (after every committed one). */
  private async nextPartNumber(): Promise<number> {
    const [row] = await this.bookkeeping(
      `SELECT coalesce(max(TRY_CAST(regexp_extract(name, '(\\d+)', 1) AS BIGINT)), 0) + 1 AS n FROM parts`,
    );
    return Number(row?.n ?? 1);
  }

  private async recordPart(name: string, events: number, now: Date): Promise<void> {
    await this.connection.run(`INSERT INTO parts VALUES ($name, $events, $bytes, $at::TIMESTAMPTZ)`, {
      name,
      events,
      bytes: statSync(this.partFile(name)).size,
      at: now.toISOString(),
    });
  }

  /**
   * Records a batch's objects as ingested in one statement (one per object cost ~4 ms each inside
   * the batch's transaction: 0.8 s of a 200-object sync). A key given twice keeps its last record.
   */
  private async recordObjects(records: ReadonlyArray<{ object: ObjectRef; result: IngestResult }>, now: Date) {
    const byKey = new Map(records.map((r) => [r.object.key, r]));
    if (byKey.size === 0) return;
    const rows = [...byKey.values()].map(({ object, result }) => ({
      key: object.key,
      etag: object.etag,
      size: object.size,
      lines: result.lines,
      events: result.events,
      newEvents: result.newEvents,
      skippedLines: result.skipped,
    }));
    await this.connection.run(RECORD_OBJECTS, { rows: JSON.stringify(rows), at: now.toISOString() });
  }

  /**
   * Merges parts into one when partsToMerge says so (after a sync that stored something). The
   * merged part and the removal of the old ones' rows commit together; the old files are deleted
   * after, or when the store is next opened if this process dies first.
   */
  async compact(now: Date = new Date()): Promise<void> {
    if (this.readOnly) return;
    const parts = (await this.bookkeeping('SELECT name, events, bytes FROM parts ORDER BY name')).map((r) => ({
      name: String(r.name),
      events: Number(r.events),
      bytes: Number(r.bytes),
    }));
    const { names: merged, small } = partsToMerge(parts, this.compaction);
    if (merged.length < 2) return;
    const c = this.connection;
    const part = partName(await this.nextPartNumber());
    await c.run('BEGIN TRANSACTION');
    try {
      await c.run(
        mergeParts(
          merged.map((name) => this.partFile(name)),
          this.partFile(part),
          !small,
        ),
      );
      const names = merged.map(sqlString).join(', ');
      const [row] = await this.bookkeeping(`SELECT sum(events) AS n FROM parts WHERE name IN (${names})`);
      await c.run(`DELETE FROM parts WHERE name IN (${names})`);
      await this.recordPart(part, Number(row?.n ?? 0), now);
      await c.run('COMMIT');
    } catch (error) {
      await c.run('ROLLBACK').catch(() => undefined);
      rmSync(this.partFile(part), { force: true });
      throw this.partFileError(error) ?? error;
    }
    await this.refreshViews();
    for (const name of merged) rmSync(this.partFile(name), { force: true });
  }

  /** Folds the write-ahead log into the database file (after a sync, so readers open it quickly). */
  async checkpoint(): Promise<void> {
    if (!this.readOnly) await this.connection.run('CHECKPOINT');
  }

  /** Stops a running query (Ctrl-C). */
  interrupt(): void {
    this.interrupted = true;
    this.connection.interrupt();
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/**
 * Consecutive staged pieces grouped into statements: a group is closed once it holds `size` bytes
 * (so at most `size` plus one piece), which keeps a sync's batch, closed at the same size, one
 * statement and one part (closing a group before it passed `size` left a small part after most).
 */
export function statementGroups<T extends { bytes: number; file: string }>(pieces: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const piece of pieces) {
    // The objects of a pack are read together: a group never ends inside one.
    if (current.length > 0 && bytes >= size && piece.file !== current.at(-1)?.file) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(piece);
    bytes += piece.bytes;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
