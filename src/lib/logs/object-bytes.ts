/**
 * An exported object's bytes as a sync reads them: plain or gzip (told by its first bytes, not its
 * name), decompressed up to a limit, and the errors for an object that cannot be read. Such an
 * object is left out of the sync and reported (see sync.ts); it is tried again on the next one.
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { MAX_LINE_BYTES } from './ndjson-lines.js';

/**
 * The most bytes of one object (decompressed) a sync reads: an export object is a few MB, and a
 * plain object of up to 64 MB is held whole while it is staged. A bigger one is refused before it
 * is downloaded (by its listed size) or while it is decompressed, never read into memory whole.
 */
export const MAX_OBJECT_BYTES = 1024 * 1024 * 1024;

/** The codes of an object a sync leaves out (and reports) instead of stopping. */
const UNREADABLE_OBJECT_CODES = new Set(['LOGS_OBJECT_UNREADABLE', 'LOGS_OBJECT_TOO_LARGE']);

/** Whether `error` says one object cannot be read (the others can still be synced). */
export function isUnreadableObject(error: unknown): error is CliError {
  return error instanceof CliError && UNREADABLE_OBJECT_CODES.has(error.code);
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Deflate's best ratio is about 1032 to 1: a gzip whose recorded size is more than that many times
 * its own is damaged (its last bytes are not a size), and the size is not believed.
 */
const MOST_INFLATION = 1032;

/**
 * The size a gzip stream records at its end (modulo 2^32; the last member's, for several), when it
 * can be true of a stream this long; undefined when it cannot.
 */
function recordedSize(bytes: Buffer): number | undefined {
  if (bytes.length < 18) return undefined;
  const size = bytes.readUInt32LE(bytes.length - 4);
  return size <= bytes.length * MOST_INFLATION ? size : undefined;
}

/** About how many bytes an object is once decompressed (what a batch costs in memory and time). */
export function plainSize(bytes: Buffer): number {
  if (!isGzip(bytes)) return bytes.length;
  return Math.max(bytes.length, recordedSize(bytes) ?? 0);
}

/** The error for an object over `most` bytes (as listed, or once decompressed). */
export function objectTooLarge(key: string, most: number): CliError {
  const limit =
    most % 1024 ** 3 === 0
      ? `${most / 1024 ** 3} GiB`
      : most % 1024 ** 2 === 0
        ? `${most / 1024 ** 2} MiB`
        : `${most} bytes`;
  return new CliError(`${key} is over ${limit} (decompressed), more than a sync reads from one object`, {
    code: 'LOGS_OBJECT_TOO_LARGE',
    exitCode: ExitCode.USAGE,
    fix: `Split it into files under ${limit} at line ends (e.g. \`split -C 256M\`; gzip: \`zcat FILE | split -C 256M\`), or move it out of the source; the other objects are synced, this one is tried again on the next sync.`,
  });
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * An object's plain lines read as they decompress (or as they are read from the source), in pieces
 * that end at a line end, so that a big object is never held in memory whole: only one piece and the
 * compressed bytes (when they were downloaded) are. `gzip` is known once the first bytes are read.
 */
export class StreamedObject {
  gzip = false;

  constructor(
    private readonly key: string,
    private readonly input: () => AsyncIterable<Buffer> | Iterable<Buffer>,
    private readonly most: number,
  ) {}

  /**
   * The plain bytes in pieces of about `size` bytes, each ending at a newline (the last one may
   * not), without a UTF-8 byte order mark at the start. A gzip stream cut short, or followed by
   * garbage, ends where it breaks (the cut line is then a truncated line); one that yields nothing
   * is LOGS_OBJECT_UNREADABLE; more than `most` plain bytes is LOGS_OBJECT_TOO_LARGE.
   */
  async *pieces(size: number): AsyncGenerator<Buffer> {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    // Where in `pending` its last newline is (-1: none), and how long the line after it is so far.
    let lastNewline = -1;
    let openLine = 0;
    let total = 0;
    let started = false;
    for await (let chunk of this.plainChunks()) {
      total += chunk.length;
      if (total > this.most) throw objectTooLarge(this.key, this.most);
      if (!started) {
        started = true;
        chunk = withoutBom(chunk);
      }
      // A line past MAX_LINE_BYTES is skipped when it is read (see readablePiece): the rest of it is
      // not kept (a 1 GiB file without a newline would otherwise be held whole).
      if (openLine >= MAX_LINE_BYTES) {
        const newline = chunk.indexOf(10);
        if (newline === -1) continue;
        chunk = chunk.subarray(newline);
      }
      const last = chunk.lastIndexOf(10);
      if (last === -1) openLine += chunk.length;
      else {
        lastNewline = pendingBytes + last;
        openLine = chunk.length - last - 1;
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      // Cut at the last newline once there is enough; each byte is copied once (searching the whole
      // pending bytes again for every chunk of a long line was quadratic: 60 s for a 40 MB line).
      if (pendingBytes < size || lastNewline === -1) continue;
      const joined = Buffer.concat(pending, pendingBytes);
      yield joined.subarray(0, lastNewline + 1);
      const rest = joined.subarray(lastNewline + 1);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
      lastNewline = -1;
    }
    if (pendingBytes > 0) yield Buffer.concat(pending, pendingBytes);
  }

  /** The plain chunks: the input itself, or gunzipped when it starts with gzip's magic bytes. */
  private async *plainChunks(): AsyncGenerator<Buffer> {
    const input = (async function* (source: AsyncIterable<Buffer> | Iterable<Buffer>) {
      yield* source;
    })(this.input());
    try {
      yield* this.decoded(input);
    } finally {
      // An object left part way (too large, damaged, a failed write) closes its source now (a file
      // handle), not when it is collected.
      await input.return(undefined);
    }
  }

  private async *decoded(input: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
    const head: Buffer[] = [];
    let headBytes = 0;
    let done = false;
    while (headBytes < 2 && !done) {
      const next = await input.next();
      if (next.done) done = true;
      else {
        head.push(next.value);
        headBytes += next.value.length;
      }
    }
    const first = Buffer.concat(head, headBytes);
    this.gzip = isGzip(first);
    const rest = async function* (): AsyncGenerator<Buffer> {
      if (first.length > 0) yield first;
      for (;;) {
        const next = await input.next();
        if (next.done) return;
        yield next.value;
      }
    };
    if (!this.gzip) {
      yield* rest();
      return;
    }
    // A failure to read the source (a file gone, a network error) is its own error, not damage.
    let readError: unknown;
    const read = async function* (): AsyncGenerator<Buffer> {
      try {
        yield* rest();
      } catch (error) {
        readError = error;
        throw error;
      }
    };
    const gunzip = createGunzip();
    pipeline(Readable.from(read()), gunzip, () => undefined);
    let produced = 0;
    try {
      for await (const chunk of gunzip as AsyncIterable<Buffer>) {
        produced += chunk.length;
        yield chunk;
      }
    } catch (error) {
      if (readError !== undefined) throw readError;
      if (produced > 0) return; // cut short or trailing garbage: what decompressed is kept
      throw notReadableGzip(this.key, error);
    } finally {
      gunzip.destroy();
    }
  }
}

function notReadableGzip(key: string, error: unknown): CliError {
  return new CliError(`${key} is not a readable gzip file: ${(error as Error).message}`, {
    code: 'LOGS_OBJECT_UNREADABLE',
    exitCode: ExitCode.USAGE,
    fix: 'Check that object (e.g. `gzip -t`); the other objects are synced, this one is tried again on the next sync.',
  });
}

/**
 * The plain bytes of an object: gunzipped when it starts with gzip's magic bytes, without a UTF-8
 * byte order mark at its start (an editor's, which made the first line "not JSON"). A gzip object
 * over `inMemory` bytes once decompressed (or damaged) is read as a StreamedObject instead, so that
 * at most `inMemory` decompressed bytes are ever held at once: a 120 MB gzip of 820 MB took 2 GB.
 */
export async function decompress(
  key: string,
  bytes: Buffer,
  most: number,
  inMemory: number = most,
): Promise<{ plain: Buffer; gzip: boolean } | { streamed: StreamedObject; gzip: true }> {
  if (!isGzip(bytes)) {
    if (bytes.length > most) throw objectTooLarge(key, most);
    return { plain: withoutBom(bytes), gzip: false };
  }
  // A recorded size over the limit is checked by decompressing without keeping the bytes (a 25 MB
  // gzip of 3 GB: 3.5 s), rather than by staging up to the limit (11 s), or believed (a damaged
  // stream's last bytes are not a size: it was called too large).
  if ((recordedSize(bytes) ?? 0) > most && (await inflatesPast(bytes, most))) throw objectTooLarge(key, most);
  // The size gzip records, when whole, sends a big object to the stream before any work.
  if ((recordedSize(bytes) ?? 0) <= Math.min(most, inMemory)) {
    try {
      return { plain: withoutBom(gunzipSync(bytes, { maxOutputLength: Math.min(most, inMemory) })), gzip: true };
    } catch {
      // Bigger than it said (several members record only the last one's size), or damaged: streamed,
      // which counts the bytes against `most` and keeps what decompressed before a fault.
    }
  }
  return { streamed: new StreamedObject(key, () => [bytes], most), gzip: true };
}

function withoutBom(plain: Buffer): Buffer {
  return plain.subarray(0, 3).equals(UTF8_BOM) ? plain.subarray(3) : plain;
}

/** Whether a gzip stream decompresses to more than `most` bytes, counted as it streams (nothing kept). */
function inflatesPast(bytes: Buffer, most: number): Promise<boolean> {
  return new Promise((resolve) => {
    const gunzip = createGunzip();
    let total = 0;
    gunzip.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > most) {
        gunzip.destroy();
        resolve(true);
      }
    });
    gunzip.on('end', () => resolve(false));
    gunzip.on('error', () => resolve(false)); // damaged: staged as far as it reads, then reported
    gunzip.end(bytes);
  });
}
