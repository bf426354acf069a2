/**
 * `immuta audit logs sync SOURCE`: brings the exported objects of a source into the local store.
 * Incremental (an object already ingested with the same ETag and size is not downloaded again),
 * parallel downloads, objects ingested in batches (one transaction each) in key order, bad lines
 * reported on stderr per object, an object that cannot be read left out with a warning (tried again
 * next time) while the others sync; --strict makes either an error, after the rest is stored.
 */
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isProbeObject } from '../aws/probe-objects.js';
import { CliError, usageError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { ErrorCode } from '../errors/catalogue.js';
import type { CommandIO } from '../io/command-io.js';
import { escapeControl, escapeLine } from '../output/control-codes.js';
import { type ResolvedSource, type SourceSpec, defaultStoreDir, resolveSource } from './sources/resolve.js';
import { isUnreadableObject, objectTooLarge, plainSize } from './object-bytes.js';
import { CHUNK_BYTES, type IngestItem, type IngestResult, LogStore, type ObjectRef } from './store.js';
import { STORE_FILE } from './store-folder.js';
import { storeLockWait } from './store-lock.js';

export interface SyncOptions extends SourceSpec {
  /** The store folder; default one per source under the user's cache folder. */
  store?: string;
  /** Skipped lines, and objects that cannot be read, are an error (exit 2). */
  strict?: boolean;
  /** Parallel downloads (default 8). */
  concurrency?: number;
  /** Read an object over this many bytes as it is staged, where the source can (default STREAM_OBJECT_BYTES; tests lower it). */
  streamObjectBytes?: number;
}

export interface SyncResult {
  source: string;
  store: string;
  /** `testObjects`: objects written only to test the destination (see aws/probe-objects.ts), passed over. */
  objects: { listed: number; alreadySynced: number; ingested: number; testObjects: number };
  events: { read: number; new: number; total: number };
  bytes: number;
  skippedLines: number;
  /** Objects with skipped lines (the first few line numbers of each). */
  problems: Array<{ key: string; skipped: number; lines: Array<{ line: number; reason: string }> }>;
  /**
   * Objects that could not be read (damaged gzip, too large): left out, not recorded, so the next
   * sync tries them again; the objects after them are synced.
   */
  unreadableObjects: Array<{ key: string; code: ErrorCode; message: string; fix: string }>;
  seconds: number;
}

/** Where the store of a source lives: --store, or the per-source default. */
export function storeDirFor(options: { store?: string }, resolved: ResolvedSource | undefined, io: CommandIO): string {
  if (options.store) return resolve(io.cwd, options.store);
  if (!resolved) {
    throw usageError(
      'no store: give --source SOURCE (synced first) or --store DIR',
      'Give the folder `immuta audit logs sync SOURCE --store DIR` synced into (--store DIR), or the source itself (--source ./exported-logs, s3://bucket/prefix).',
    );
  }
  return defaultStoreDir(resolved.identity, io.env);
}

/**
 * Opens a source's store to sync into. The per-source store under the cache directory is this CLI's
 * own cache: one written by another version of it (LOGS_STORE_VERSION) is deleted and built again
 * from the source, with a note, where it said "delete that folder" after every upgrade; the other
 * files of its folder (a watch's state) are kept (othersInStore). A store the user named (--store)
 * is never deleted: that stays the error.
 */
export async function openStoreToSync(
  options: { store?: string },
  resolved: ResolvedSource,
  io: CommandIO,
): Promise<{ store: LogStore; dir: string }> {
  const dir = storeDirFor(options, resolved, io);
  try {
    return { store: await LogStore.open(dir, { lockWait: storeLockWait(io, dir) }), dir };
  } catch (error) {
    // Without --store, `dir` is the per-source folder under the cache (storeDirFor).
    if (options.store || !(error instanceof CliError) || error.code !== 'LOGS_STORE_VERSION') throw error;
    io.note(
      `The cached log store ${dir} was written by another version of this CLI: building it again from ${resolved.source.label}.`,
    );
    const kept = othersInStore(dir);
    rmSync(dir, { recursive: true, force: true });
    const store = await LogStore.open(dir, { lockWait: storeLockWait(io, dir) });
    for (const file of kept) writeFileSync(join(dir, file.name), file.data, { mode: file.mode });
    return { store, dir };
  }
}

/**
 * The files of a store's folder that are not the store's (its database, parts and staging): what
 * others keep beside it, such as `logs watch`'s state files (watch-*.json, in the store's folder by
 * default). A rebuild of the store keeps them: deleted, a watch started afresh, posting again what
 * it had posted (--since) or never posting the late events its look-back would have found.
 */
function othersInStore(dir: string): Array<{ name: string; data: Buffer; mode: number }> {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith(STORE_FILE) && !entry.name.startsWith('staging-'))
    .map((entry) => {
      const path = join(dir, entry.name);
      return { name: entry.name, data: readFileSync(path), mode: statSync(path).mode & 0o777 };
    });
}

export async function runSync(options: SyncOptions, io: CommandIO): Promise<SyncResult> {
  const started = Date.now();
  const resolved = await resolveSource(withRetryNotes(options, io), io);
  const { store } = await openStoreToSync(options, resolved, io);
  const progress = await io.progress(`Listing ${resolved.source.label}`);
  try {
    const result = await syncInto(store, resolved, options, io, (text) => progress.update(text));
    progress.stop();
    result.seconds = Math.round((Date.now() - started) / 100) / 10;
    report(result, io);
    const [unreadable] = result.unreadableObjects;
    if (options.strict && unreadable) {
      throw new CliError(
        `${result.unreadableObjects.length} object(s) could not be read (--strict), the first: ${unreadable.message}`,
        {
          code: unreadable.code,
          exitCode: ExitCode.USAGE,
          fix: `${unreadable.fix} Drop --strict to sync the others without them.`,
          details: { unreadableObjects: result.unreadableObjects },
        },
      );
    }
    if (options.strict && result.skippedLines > 0) {
      throw new CliError(
        `${result.skippedLines} line(s) in ${result.problems.length} object(s) were not valid events (--strict)`,
        {
          code: 'LOGS_BAD_LINES',
          exitCode: ExitCode.USAGE,
          fix: 'The lines named above were skipped (the rest is stored); drop --strict to accept that.',
          details: { problems: result.problems },
        },
      );
    }
    return result;
  } catch (error) {
    progress.stop();
    throw error;
  } finally {
    resolved.source.close?.();
    await store.close();
  }
}

/** Retries are worth a line on stderr (a flaky network should be visible, not silent). */
export function withRetryNotes<T extends SourceSpec>(options: T, io: CommandIO): T {
  return {
    ...options,
    remote: {
      onRetry: (key: string, attempt: number, error: string) =>
        io.note(`Retrying ${escapeLine(key)} (attempt ${attempt + 1}): ${escapeControl(error)}`),
      ...options.remote,
    },
  };
}

/**
 * Syncs a resolved source into an open store (also used by `query --source`, `report`, `watch`).
 * Downloads run `concurrency` at a time; ingestion is sequential, in key order.
 */
export async function syncInto(
  store: LogStore,
  resolved: ResolvedSource,
  options: Pick<SyncOptions, 'concurrency' | 'streamObjectBytes'>,
  io: CommandIO,
  onProgress: (text: string) => void = () => undefined,
): Promise<SyncResult> {
  const signal = io.signal;
  resolved.source.exclude?.(store.dir);
  const all = await resolved.source.list(signal);
  const listed = all.filter((object) => !isProbeObject(object.key));
  const known = await store.ingestedObjects();
  const todo = listed.filter((object) => !LogStore.isKnown(known, object));
  const result: SyncResult = {
    source: resolved.source.label,
    store: store.dir,
    objects: {
      listed: listed.length,
      alreadySynced: listed.length - todo.length,
      ingested: 0,
      testObjects: all.length - listed.length,
    },
    events: { read: 0, new: 0, total: 0 },
    bytes: 0,
    skippedLines: 0,
    problems: [],
    unreadableObjects: [],
    seconds: 0,
  };
  const leaveOut = (key: string, error: CliError) =>
    result.unreadableObjects.push({ key, code: error.code, message: error.message, fix: error.fix ?? '' });
  const totalBytes = todo.reduce((sum, o) => sum + o.size, 0);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  // Start downloads ahead, ingest strictly in order. Ahead means at most `concurrency` objects and
  // AHEAD_BYTES (as listed) not yet ingested, so big objects cannot fill the memory while they wait.
  const downloads: Array<Promise<Buffer | 'streamed'> | undefined> = [];
  let next = 0;
  let aheadBytes = 0;
  const counted: number[] = [];
  const source = resolved.source;
  const streamAbove = options.streamObjectBytes ?? STREAM_OBJECT_BYTES;
  const streamed = (object: ObjectRef) => source.open !== undefined && object.size > streamAbove;
  const startAhead = (consumed: number) => {
    while (next < todo.length && next - consumed < concurrency && (next === consumed || aheadBytes < AHEAD_BYTES)) {
      const object = todo[next] as ObjectRef;
      // Bigger than an object may be once decompressed: refused when its turn comes, never downloaded.
      // A big one a source can stream is read when its turn comes, as it is staged.
      const tooLarge = object.size > store.maxObjectBytes;
      const downloaded = !tooLarge && !streamed(object);
      const pending: Promise<Buffer | 'streamed'> = tooLarge
        ? Promise.reject(objectTooLarge(object.key, store.maxObjectBytes))
        : downloaded
          ? source.read(object, signal)
          : Promise.resolve('streamed');
      pending.catch(() => undefined); // awaited below; avoid an unhandled rejection meanwhile
      downloads[next] = pending;
      // Only a download counts against AHEAD_BYTES; the same amount is taken back when its turn comes.
      counted[next] = downloaded ? object.size : 0;
      aheadBytes += counted[next] ?? 0;
      next++;
    }
  };
  startAhead(0);
  // Objects are ingested in batches (one transaction each: a batch commits whole objects or none),
  // in key order; fewer, bigger transactions are much faster than one per small object.
  let batch: IngestItem[] = [];
  let batchBytes = 0;
  let done = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    batchBytes = 0;
    const bytesOf = new Map(
      items.map((item) => [item.object.key, 'bytes' in item ? item.bytes.length : item.object.size]),
    );
    for (const ingested of await store.ingestMany(items, io.now(), { onUnreadable: leaveOut })) {
      account(result, ingested, bytesOf.get(ingested.key) ?? 0);
    }
    done += items.length;
    onProgress(
      `Synced ${done}/${todo.length} objects, ${mb(result.bytes)} of ${mb(totalBytes)} MB, ${result.events.new} new events`,
    );
  };
  for (let i = 0; i < todo.length; i++) {
    signal.throwIfAborted();
    const object = todo[i] as ObjectRef;
    let bytes: Buffer | 'streamed' | undefined;
    try {
      bytes = await (downloads[i] as Promise<Buffer | 'streamed'>);
    } catch (error) {
      if (isUnreadableObject(error)) {
        leaveOut(object.key, error);
        bytes = undefined;
      } else {
        // Keep the whole objects downloaded before the one that failed (or was waited on at Ctrl-C).
        await flush();
        throw error;
      }
    }
    downloads[i] = undefined; // let the bytes be collected
    aheadBytes -= counted[i] ?? 0;
    startAhead(i + 1);
    if (bytes === undefined) continue;
    if (bytes === 'streamed') {
      // A batch of its own: its pieces are its statements, and nothing else waits in memory meanwhile.
      await flush();
      batch.push({ object, open: () => (source.open as NonNullable<typeof source.open>)(object, signal) });
      await flush();
      continue;
    }
    batch.push({ object, bytes });
    batchBytes += plainSize(bytes);
    if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_OBJECTS) await flush();
  }
  await flush();
  if (todo.length > 0) {
    await store.compact(io.now());
    await store.checkpoint();
  }
  result.events.total = await store.eventCount();
  return result;
}

function account(result: SyncResult, ingested: IngestResult, bytes: number): void {
  result.objects.ingested++;
  result.bytes += bytes;
  result.events.read += ingested.events;
  result.events.new += ingested.newEvents;
  result.skippedLines += ingested.skipped;
  if (ingested.skipped > 0) {
    result.problems.push({ key: ingested.key, skipped: ingested.skipped, lines: ingested.skippedLines });
  }
}

/**
 * A batch is ingested once it holds this many bytes (decompressed: one statement of the store) or
 * objects. Each statement has a fixed cost: measured on 5,000 objects of 10 KB (48 MB), while each
 * object was still staged in a file of its own, batches of 256 objects took 15-30% longer than
 * batches of 1,024, and their parts were small enough to be merged at the end (peak RSS ~430 MB
 * against ~300 MB).
 */
const BATCH_BYTES = CHUNK_BYTES;
const BATCH_OBJECTS = 1024;
/**
 * An object over this many bytes (as listed) is read as it is staged (every source can: a folder,
 * S3, ADLS), rather than downloaded ahead and held whole: an 820 MB file took 1.2 GB, a 289 MB
 * object from S3 1.1 GB.
 */
const STREAM_OBJECT_BYTES = 64 * 1024 * 1024;
/** Downloads are started ahead of ingestion up to this many bytes (one object at least). */
const AHEAD_BYTES = 64 * 1024 * 1024;

const mb = (bytes: number) => (bytes / 1_000_000).toFixed(1);

function report(result: SyncResult, io: CommandIO): void {
  for (const problem of result.problems) {
    const first = problem.lines.map((l) => `line ${l.line}: ${l.reason}`).join('; ');
    io.warn(
      `${escapeLine(problem.key)}: skipped ${problem.skipped} line(s) (${first}${problem.skipped > problem.lines.length ? '; ...' : ''})`,
    );
  }
  warnUnreadable(result, io);
  const o = result.objects;
  warnIfEmpty(result, io);
  const tests = o.testObjects > 0 ? `; ${o.testObjects} destination test object(s) passed over` : '';
  const left = result.unreadableObjects.length;
  const unread = left > 0 ? `; ${left} not readable, tried again on the next sync` : '';
  io.note(
    `Synced ${o.ingested} new object(s) of ${o.listed} (${o.alreadySynced} already synced${tests}${unread}): ${result.events.new} new event(s), ${result.events.total} in the store (${result.store}).`,
  );
}

/** Each object left out, with why and the fix (one line each). */
export function warnUnreadable(result: SyncResult, io: CommandIO): void {
  for (const object of result.unreadableObjects) {
    io.warn(`not synced: ${escapeLine(object.message)}. ${object.fix}`);
  }
}

/** Nothing to read is not an error (an export may not have written yet), but is rarely what was meant. */
export function warnIfEmpty(result: SyncResult, io: CommandIO): void {
  const o = result.objects;
  if (o.listed > 0) return;
  io.warn(
    `${escapeLine(result.source)} holds no exported objects${o.testObjects > 0 ? ' (only destination test objects)' : ''}: check the folder, bucket or prefix, or wait for the export's first write.`,
  );
}
