/**
 * The local log store: one DuckDB database file per source (`<dir>/events.duckdb`). What it keeps:
 *
 * - `stored_events` (read through the `events` view): one row per event id, typed columns
 *   (see schema.ts, EVENT_COLUMNS);
 * - `ingested_objects`: every object ingested, by key, with its ETag (or mtime) and size, so a sync
 *   downloads only what is new or changed.
 *
 * An object is ingested in one transaction (its events and its `ingested_objects` row together), so
 * a sync killed half way leaves the store as it was before that object, and the next sync resumes.
 *
 *   const store = await LogStore.open(dir);                 // creates it when missing
 *   await store.ingest({ key, etag, size }, bytes);          // gzip or plain NDJSON
 *   const rows = await store.rows('SELECT count(*) AS n FROM events');
 *   await store.close();
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { type DuckDBConnection, type DuckDBInstance, type OpenOptions, openDatabase } from './duckdb.js';
import { sqlString } from './filters.js';
import { toPlainRows, type Row } from './rows.js';
import { CREATE_TABLES, INSERT_STAGED, STORE_SCHEMA_VERSION, stageLines } from './schema.js';

export const STORE_FILE = 'events.duckdb';

/** An object of a source, as listed (S3 ListObjectsV2, or a file on disk). */
export interface ObjectRef {
  /** S3 key, or the path relative to the source folder. */
  key: string;
  /** S3 ETag, or `<mtime>-<size>` for local files. */
  etag: string;
  size: number;
}

export interface SkippedLine {
  line: number;
  reason: string;
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

/**
 * Bigger objects are ingested in chunks of about this many bytes (cut at line ends): DuckDB needs
 * several times a chunk's size while parsing it, and the memory limit must hold.
 */
const CHUNK_BYTES = 16 * 1024 * 1024;
/** Per object, how many skipped line numbers are remembered for the report. */
const SKIPPED_DETAIL = 5;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export class LogStore {
  private constructor(
    readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly readOnly: boolean,
    private readonly chunkBytes: number = CHUNK_BYTES,
  ) {}

  private get stagingFile(): string {
    return join(this.dir, 'staging.ndjson');
  }

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
      /** Ingest objects in pieces of about this many bytes (default 16 MB). */
      chunkBytes?: number;
    } = {},
  ): Promise<LogStore> {
    const folder = resolve(dir);
    const readOnly = options.readOnly ?? false;
    if (readOnly) {
      const { existsSync } = await import('node:fs');
      if (!existsSync(join(folder, STORE_FILE))) {
        throw new CliError(`no log store in ${folder}`, {
          code: 'LOGS_STORE_EMPTY',
          exitCode: ExitCode.USAGE,
          fix: 'Sync one first: `immuta audit logs sync SOURCE --store DIR`, or pass --source SOURCE.',
        });
      }
    } else {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
    }
    const openOptions: OpenOptions = { readOnly, memoryLimit: options.memoryLimit, threads: options.threads };
    if (options.sandboxed) openOptions.sandboxed = { allowedDirectories: [folder] };
    const { instance, connection } = await openDatabase(join(folder, STORE_FILE), openOptions);
    const store = new LogStore(folder, instance, connection, readOnly, options.chunkBytes);
    try {
      await store.prepare();
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  private async prepare(): Promise<void> {
    if (!this.readOnly) {
      for (const statement of CREATE_TABLES) await this.connection.run(statement);
      await this.connection.run(`INSERT OR IGNORE INTO store_meta VALUES ('schemaVersion', $v)`, {
        v: String(STORE_SCHEMA_VERSION),
      });
    }
    const rows = await this.rows(`SELECT value FROM store_meta WHERE key = 'schemaVersion'`);
    const version = rows[0]?.value;
    if (version !== String(STORE_SCHEMA_VERSION)) {
      throw new CliError(`the log store ${this.dir} was written by another version of this CLI`, {
        code: 'LOGS_STORE_VERSION',
        exitCode: ExitCode.USAGE,
        fix: 'Delete that folder and sync again (the store is a cache of the exported objects).',
      });
    }
  }

  /** Runs a query and returns plain JSON-ready rows (timestamps as ISO strings, JSON parsed). */
  async rows(sql: string, params?: Record<string, string | number | boolean | null>): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return toPlainRows(reader);
  }

  /** Runs a query and returns its column names and plain rows. */
  async table(sql: string): Promise<{ columns: string[]; rows: Row[] }> {
    const reader = await this.connection.runAndReadAll(sql);
    return { columns: reader.columnNames(), rows: toPlainRows(reader) };
  }

  /** Objects already ingested, by key. */
  async ingestedObjects(): Promise<Map<string, { etag: string | null; size: number }>> {
    const rows = await this.rows('SELECT key, etag, size FROM ingested_objects');
    return new Map(rows.map((r) => [String(r.key), { etag: (r.etag as string | null) ?? null, size: Number(r.size) }]));
  }

  /** Whether this object (same key, same ETag and size) was ingested already. */
  static isKnown(known: Map<string, { etag: string | null; size: number }>, object: ObjectRef): boolean {
    const seen = known.get(object.key);
    return seen !== undefined && seen.etag === object.etag && seen.size === object.size;
  }

  /**
   * Ingests one object (plain or gzip NDJSON, detected by its magic bytes) in one transaction:
   * its events (each id once) and its `ingested_objects` row commit together or not at all.
   * Big objects go in chunks of ~16 MB (cut at line ends); `onChunk` is told after each.
   */
  async ingest(
    object: ObjectRef,
    bytes: Buffer,
    now: Date = new Date(),
    onChunk?: (bytesDone: number, bytesTotal: number) => void,
  ): Promise<IngestResult> {
    const gzip = isGzip(bytes);
    let plain: Buffer;
    try {
      plain = gzip ? gunzipSync(bytes) : bytes;
    } catch (error) {
      // A truncated gzip stream: keep what decompressed, the cut line is then reported as truncated.
      plain = gunzipPartial(bytes) ?? Buffer.alloc(0);
      if (plain.length === 0) {
        throw new CliError(`${object.key} is not a readable gzip file: ${(error as Error).message}`, {
          code: 'LOGS_OBJECT_UNREADABLE',
          exitCode: ExitCode.USAGE,
          fix: 'Check that object; the other objects are synced.',
        });
      }
    }
    const result: IngestResult = {
      key: object.key,
      lines: 0,
      events: 0,
      newEvents: 0,
      skipped: 0,
      skippedLines: [],
      gzip,
    };
    const c = this.connection;
    await c.run('BEGIN TRANSACTION');
    try {
      let firstLine = 1;
      let done = 0;
      for (const chunk of chunksAtLineEnds(plain, this.chunkBytes)) {
        // DuckDB reads lines fastest from a file: each chunk is staged in the store folder.
        writeFileSync(this.stagingFile, chunk, { mode: 0o600 });
        await c.run(stageLines(sqlString(this.stagingFile), firstLine));
        const [counts] = await this.rows(
          `SELECT count(*) AS lines, count(*) FILTER (WHERE problem IS NULL) AS events FROM staged`,
        );
        result.lines += Number(counts?.lines ?? 0);
        result.events += Number(counts?.events ?? 0);
        const skipped = await this.rows(
          `SELECT n AS line, problem AS reason FROM staged WHERE problem IS NOT NULL ORDER BY n LIMIT ${SKIPPED_DETAIL}`,
        );
        const [skippedCount] = await this.rows(`SELECT count(*) AS n FROM staged WHERE problem IS NOT NULL`);
        result.skipped += Number(skippedCount?.n ?? 0);
        for (const s of skipped) {
          if (result.skippedLines.length < SKIPPED_DETAIL)
            result.skippedLines.push({ line: Number(s.line), reason: String(s.reason) });
        }
        const inserted = await c.runAndReadAll(INSERT_STAGED, { key: object.key });
        result.newEvents += Number(inserted.getRows()[0]?.[0] ?? 0);
        firstLine += countNewlines(chunk);
        done += chunk.length;
        onChunk?.(done, plain.length);
      }
      await c.run('DROP TABLE IF EXISTS staged');
      rmSync(this.stagingFile, { force: true });
      await c.run(
        `INSERT OR REPLACE INTO ingested_objects VALUES ($key, $etag, $size, $lines, $events, $newEvents, $skipped, $at::TIMESTAMPTZ)`,
        {
          key: object.key,
          etag: object.etag,
          size: object.size,
          lines: result.lines,
          events: result.events,
          newEvents: result.newEvents,
          skipped: result.skipped,
          at: now.toISOString(),
        },
      );
      await c.run('COMMIT');
    } catch (error) {
      await c.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return result;
  }

  /** Folds the write-ahead log into the database file (after a sync, so readers open it quickly). */
  async checkpoint(): Promise<void> {
    if (!this.readOnly) await this.connection.run('CHECKPOINT');
  }

  /** Stops a running query (Ctrl-C). */
  interrupt(): void {
    this.connection.interrupt();
  }

  async close(): Promise<void> {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function countNewlines(buffer: Buffer): number {
  let count = 0;
  let at = buffer.indexOf(10);
  while (at !== -1) {
    count++;
    at = buffer.indexOf(10, at + 1);
  }
  return count;
}

/** Splits a buffer into pieces of about `size` bytes that end at a newline (the last one may not). */
export function* chunksAtLineEnds(buffer: Buffer, size: number): Generator<Buffer> {
  let start = 0;
  while (start < buffer.length) {
    let end = Math.min(buffer.length, start + size);
    if (end < buffer.length) {
      const newline = buffer.indexOf(10, end);
      end = newline === -1 ? buffer.length : newline + 1;
    }
    yield buffer.subarray(start, end);
    start = end;
  }
}

/** What a cut-off gzip stream decompresses to before the cut (undefined if nothing). */
function gunzipPartial(bytes: Buffer): Buffer | undefined {
  try {
    // finishFlush SYNC_FLUSH returns the bytes decompressed so far instead of failing on a cut stream.
    return gunzipSync(bytes, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return undefined;
  }
}
