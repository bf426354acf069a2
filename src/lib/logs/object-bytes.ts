/**
 * An exported object's bytes as a sync reads them: plain or gzip (told by its first bytes, not its
 * name), decompressed up to a limit, and the errors for an object that cannot be read. Such an
 * object is left out of the sync and reported (see sync.ts); it is tried again on the next one.
 */
import { createGunzip, gunzipSync } from 'node:zlib';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';

/**
 * The most bytes of one object (decompressed) a sync reads: an object is held in memory whole
 * while it is staged, and an export object is a few MB. A bigger one is refused before it is
 * downloaded (by its listed size) or while it is decompressed, never read into memory whole.
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
 * The plain bytes of an object: gunzipped when it starts with gzip's magic bytes, without a UTF-8
 * byte order mark at its start (an editor's, which made the first line "not JSON").
 */
export async function decompress(key: string, bytes: Buffer, most: number): Promise<{ plain: Buffer; gzip: boolean }> {
  if (!isGzip(bytes)) {
    if (bytes.length > most) throw objectTooLarge(key, most);
    return { plain: withoutBom(bytes), gzip: false };
  }
  // The size gzip records refuses most such objects before any work, when it is whole: a damaged
  // stream's last bytes are not a size (it is then reported as damaged, not as too large).
  const recorded = recordedSize(bytes);
  if (recorded !== undefined && recorded > most && (await inflatesPast(bytes, most))) throw objectTooLarge(key, most);
  try {
    // Stops at `most` bytes: a small object that inflates to gigabytes is refused, not decompressed.
    return { plain: withoutBom(gunzipSync(bytes, { maxOutputLength: most })), gzip: true };
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw objectTooLarge(key, most);
    // A truncated stream, or one with trailing garbage: keep what decompressed before the fault (the
    // cut line is then reported as truncated; garbage after a whole stream is ignored, as gzip does).
    const plain = await gunzipUntilFault(bytes, most);
    if (plain === 'too large') throw objectTooLarge(key, most);
    if (plain.length > 0) return { plain: withoutBom(plain), gzip: true };
    throw new CliError(`${key} is not a readable gzip file: ${(error as Error).message}`, {
      code: 'LOGS_OBJECT_UNREADABLE',
      exitCode: ExitCode.USAGE,
      fix: 'Check that object (e.g. `gzip -t`); the other objects are synced, this one is tried again on the next sync.',
    });
  }
}

function withoutBom(plain: Buffer): Buffer {
  return plain.subarray(0, 3).equals(UTF8_BOM) ? plain.subarray(3) : plain;
}

/**
 * Whether a gzip stream decompresses to more than `most` bytes, counted as it streams (nothing
 * kept): its recorded size said so, and it may be right (a whole stream) or not (a damaged one).
 */
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
    gunzip.on('error', () => resolve(false)); // damaged: decompress reports it
    gunzip.end(bytes);
  });
}

/** What a damaged gzip stream decompresses to before its fault, up to `most` bytes. */
function gunzipUntilFault(bytes: Buffer, most: number): Promise<Buffer | 'too large'> {
  return new Promise((resolve) => {
    const gunzip = createGunzip();
    const chunks: Buffer[] = [];
    let total = 0;
    gunzip.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > most) {
        gunzip.destroy();
        resolve('too large');
      }
      chunks.push(chunk);
    });
    const settle = () => resolve(Buffer.concat(chunks, total));
    gunzip.on('end', settle);
    gunzip.on('error', settle);
    gunzip.end(bytes);
  });
}
