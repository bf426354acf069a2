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
import { sqlString } from './dialect/dialects.js';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { type DuckDBConnection, type DuckDBInstance, type OpenOptions, openDatabase } from './duckdb.js';
import { toPlainRows, type Row } from './rows.js';
import {
  CREATE_TABLES,
  DELETE_NOT_EVENTS,
  STORE_SCHEMA_VERSION,
  type StagedFile,
  insertStaged,
  deleteRepeats,
  repeatedIds,
  skippedLines,
} from './schema.js';

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

/** An object to ingest and its bytes (plain or gzip NDJSON). */
export interface IngestItem {
  object: ObjectRef;
  bytes: Buffer;
}

/**
 * One INSERT reads about this many bytes of lines (small objects together, big ones cut at line
 * ends): fewer, bigger statements are what makes a sync fast (DuckDB reads the staged files in
 * parallel and a statement's fixed cost is paid once), and DuckDB needs a few times a statement's
 * size while it runs, which the memory limit must hold.
 */
const CHUNK_BYTES = 32 * 1024 * 1024;
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
      // Most commits only append to the write-ahead log (the sync checkpoints at its end). With
      // DuckDB's default (16 MB) nearly every batch's commit checkpointed, recompressing the row
      // group it appended to: most of a sync's time, measured on 300 MB of UAM NDJSON. 256 MB
      // bounds what a killed sync leaves to replay; 1 GB was no faster and no leaner.
      await this.connection.run(`SET checkpoint_threshold = '256MB'`);
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
    const [result] = await this.ingestMany([{ object, bytes }], now, onChunk);
    return result as IngestResult;
  }

  /**
   * Ingests several objects in ONE transaction (each object whole or not at all, as with
   * `ingest`, since a transaction never commits part of an object). Events go in with one parse
   * of each line; the line-by-line accounting (which lines were skipped and why) only runs for an
   * object whose counts do not add up. An object that is not readable gzip fails the call after
   * the objects before it are ingested.
   */
  async ingestMany(
    items: readonly IngestItem[],
    now: Date = new Date(),
    onChunk?: (bytesDone: number, bytesTotal: number) => void,
  ): Promise<IngestResult[]> {
    const plains: Array<{ object: ObjectRef; plain: Buffer; gzip: boolean }> = [];
    for (const [index, item] of items.entries()) {
      try {
        plains.push({ object: item.object, ...decompress(item.object, item.bytes) });
      } catch (error) {
        if (index > 0) await this.ingestMany(items.slice(0, index), now, onChunk);
        throw error;
      }
    }
    const staged = this.stage(plains);
    try {
      try {
        return await this.insertBatch(plains, staged, now, false, onChunk);
      } catch (error) {
        // A line that is not JSON fails the fast statement: read this batch again, checking each line.
        if (!/json/i.test((error as Error).message ?? '')) throw error;
        return await this.insertBatch(plains, staged, now, true, onChunk);
      }
    } finally {
      for (const piece of staged.pieces) rmSync(piece.file, { force: true });
    }
  }

  /** Writes the objects' lines to staging files (big objects in pieces), counting non-blank lines. */
  private stage(plains: ReadonlyArray<{ object: ObjectRef; plain: Buffer }>): {
    pieces: Array<StagedFile & { bytes: number }>;
    lines: Map<string, number>;
  } {
    const pieces: Array<StagedFile & { bytes: number }> = [];
    const lines = new Map<string, number>();
    for (const { object, plain } of plains) {
      let firstLine = 1;
      let count = lines.get(object.key) ?? 0;
      for (const piece of chunksAtLineEnds(plain, this.chunkBytes)) {
        const chunk = withoutCarriageReturns(piece);
        const file = join(this.dir, `staging-${pieces.length}.ndjson`);
        writeFileSync(file, chunk, { mode: 0o600 });
        pieces.push({ file, key: object.key, firstLine, bytes: chunk.length });
        const counted = countLines(chunk);
        firstLine += counted.newlines;
        count += counted.nonBlank;
      }
      lines.set(object.key, count);
    }
    return { pieces, lines };
  }

  private async insertBatch(
    plains: ReadonlyArray<{ object: ObjectRef; plain: Buffer; gzip: boolean }>,
    staged: { pieces: Array<StagedFile & { bytes: number }>; lines: Map<string, number> },
    now: Date,
    guarded: boolean,
    onChunk?: (bytesDone: number, bytesTotal: number) => void,
  ): Promise<IngestResult[]> {
    const c = this.connection;
    const keys = plains.map((p) => p.object.key);
    const totalBytes = staged.pieces.reduce((sum, p) => sum + p.bytes, 0);
    await c.run('BEGIN TRANSACTION');
    try {
      const before = await this.eventsPerObject(keys, true);
      let inserted = 0;
      let done = 0;
      for (const group of statementGroups(staged.pieces, this.chunkBytes)) {
        const reader = await c.runAndReadAll(insertStaged(group, guarded));
        inserted += Number(reader.getRows()[0]?.[0] ?? 0);
        const notEvents = await c.runAndReadAll(DELETE_NOT_EVENTS);
        inserted -= Number(notEvents.getRows()[0]?.[0] ?? 0);
        done += group.reduce((sum, p) => sum + p.bytes, 0);
        onChunk?.(done, totalBytes);
      }
      const lines = keys.map((key) => staged.lines.get(key) ?? 0);
      const [repeats] = await this.rows(repeatedIds(keys));
      if (Number(repeats?.n ?? 0) > 0) {
        const deleted = await c.runAndReadAll(deleteRepeats(keys));
        inserted -= Number(deleted.getRows()[0]?.[0] ?? 0);
      }
      const allNew = inserted === lines.reduce((a, b) => a + b, 0);
      const after = allNew ? undefined : await this.eventsPerObject(keys, false);
      const results: IngestResult[] = [];
      for (const [index, { object, gzip }] of plains.entries()) {
        const objectLines = lines[index] ?? 0;
        const newEvents = after ? (after.get(object.key) ?? 0) - (before.get(object.key) ?? 0) : objectLines;
        const result: IngestResult = {
          key: object.key,
          lines: objectLines,
          events: objectLines,
          newEvents,
          skipped: 0,
          skippedLines: [],
          gzip,
        };
        // Fewer new events than lines: repeated ids, or lines to skip (counted and named here).
        if (newEvents !== objectLines) {
          for (const piece of staged.pieces.filter((p) => p.key === object.key)) {
            for (const s of await this.rows(skippedLines(piece))) {
              result.skipped++;
              if (result.skippedLines.length < SKIPPED_DETAIL)
                result.skippedLines.push({ line: Number(s.line), reason: String(s.reason) });
            }
          }
          result.events = objectLines - result.skipped;
        }
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
        results.push(result);
      }
      await c.run('COMMIT');
      return results;
    } catch (error) {
      await c.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Stored events per object key. `onlyKnown`: only for keys ingested before (an object synced
   * again after it changed), so a first sync never scans the table for it.
   */
  private async eventsPerObject(keys: readonly string[], onlyKnown: boolean): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (keys.length === 0) return counts;
    const list = keys.map(sqlString).join(', ');
    if (onlyKnown) {
      const [known] = await this.rows(`SELECT count(*) AS n FROM ingested_objects WHERE key IN (${list})`);
      if (Number(known?.n ?? 0) === 0) return counts;
    }
    const rows = await this.rows(
      `SELECT sourceObject AS key, count(*) AS n FROM stored_events WHERE sourceObject IN (${list}) GROUP BY 1`,
    );
    for (const row of rows) counts.set(String(row.key), Number(row.n));
    return counts;
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

/** The plain bytes of an object: gunzipped when it starts with gzip's magic bytes. */
function decompress(object: ObjectRef, bytes: Buffer): { plain: Buffer; gzip: boolean } {
  if (!isGzip(bytes)) return { plain: bytes, gzip: false };
  try {
    return { plain: gunzipSync(bytes), gzip: true };
  } catch (error) {
    // A truncated gzip stream: keep what decompressed, the cut line is then reported as truncated.
    const plain = gunzipPartial(bytes);
    if (plain && plain.length > 0) return { plain, gzip: true };
    throw new CliError(`${object.key} is not a readable gzip file: ${(error as Error).message}`, {
      code: 'LOGS_OBJECT_UNREADABLE',
      exitCode: ExitCode.USAGE,
      fix: 'Check that object; the other objects are synced.',
    });
  }
}

/**
 * CRLF line ends as LF: DuckDB's line reader also ends a line at a CR, which would number the
 * lines after it wrong (a CR is never inside a JSON line: strings escape it).
 */
function withoutCarriageReturns(chunk: Buffer): Buffer {
  if (chunk.indexOf(13) === -1) return chunk;
  return Buffer.from(chunk.toString('latin1').replaceAll('\r\n', '\n'), 'latin1');
}

/** Newlines, and lines that are not blank (what DuckDB reads as lines), in a piece of NDJSON. */
export function countLines(buffer: Buffer): { newlines: number; nonBlank: number } {
  let newlines = 0;
  let nonBlank = 0;
  let start = 0;
  while (start < buffer.length) {
    const at = buffer.indexOf(10, start);
    const end = at === -1 ? buffer.length : at;
    if (!isBlank(buffer, start, end)) nonBlank++;
    if (at === -1) break;
    newlines++;
    start = at + 1;
  }
  return { newlines, nonBlank };
}

/** Whether bytes [start, end) are only whitespace (stops at the first other byte: a JSON line's first). */
function isBlank(buffer: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isSpace(buffer[i] ?? 0)) return false;
  return true;
}

/** The whitespace `NOT_BLANK` in schema.ts trims (the two must agree, or line counts would not add up). */
const isSpace = (byte: number) => byte === 32 || byte === 9 || byte === 13 || byte === 11 || byte === 12;

/** Consecutive staged pieces grouped into statements of about `size` bytes (at least one piece each). */
function statementGroups<T extends { bytes: number }>(pieces: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const piece of pieces) {
    if (current.length > 0 && bytes + piece.bytes > size) {
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
