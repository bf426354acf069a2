/**
 * The lines of an exported object, as the store stages them for DuckDB's line reader (READ_LINES in
 * schema.ts): cut into pieces at line ends, CRLF as LF, counted the way DuckDB reads them, and with
 * the lines that reader cannot read staged empty (and reported) instead of failing a whole sync.
 */
import { isUtf8 } from 'node:buffer';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';

/**
 * The longest line read: a longer one is skipped (and reported). DuckDB's line reader is given twice
 * as much (READ_LINE_BYTES), because it counts the empty lines just before a line into that line's
 * size (a line of 8 MiB - 1 after two empty lines failed an 8 MiB reader), and a line it finds too
 * long fails the whole statement.
 */
export const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** DuckDB's `max_line_size` (and `buffer_size`, which may not be smaller) for staged files. */
export const READ_LINE_BYTES = 2 * MAX_LINE_BYTES;

/** A line of a piece that DuckDB is not given, and why (reported as a skipped line). */
export interface UnreadableLine {
  line: number;
  reason: string;
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

/**
 * CRLF line ends as LF, and any other CR as a tab: DuckDB's line reader ends a line at a bare CR
 * too, which split the line, numbered the lines after it wrong and, in a pack, failed the whole
 * statement (the second half has no object number). A tab keeps the line's meaning: in JSON both
 * are whitespace between tokens, and both are invalid raw inside a string (the line is then not
 * JSON either way).
 */
export function withoutCarriageReturns(chunk: Buffer): Buffer {
  if (chunk.indexOf(13) === -1) return chunk;
  return Buffer.from(chunk.toString('latin1').replaceAll('\r\n', '\n').replaceAll('\r', '\t'), 'latin1');
}

/**
 * A piece (whole lines, LF ends) as DuckDB's line reader can read all of it, with its newlines and
 * its non-blank lines counted. A line the reader would fail the whole statement on (bytes that are
 * not UTF-8, or MAX_LINE_BYTES or more) or would cut short without a word (a U+0001 byte, the
 * reader's column delimiter, which JSON never holds unescaped) is staged empty: a blank line, which
 * DuckDB does not read and which keeps the numbers of the lines after it. Such lines still count
 * as lines, and are counted in `blanked`; the first `keep` come back in `unreadable` (numbered from
 * `firstLine`) to be reported as skipped. The piece is copied only when a line is blanked; checking
 * the whole piece first keeps the per-line checks off valid pieces (the usual case).
 */
export function readablePiece(
  piece: Buffer,
  firstLine: number,
  keep = 0,
): { piece: Buffer; newlines: number; nonBlank: number; blanked: number; unreadable: UnreadableLine[] } {
  const suspect = piece.indexOf(1) !== -1 || !isUtf8(piece);
  const unreadable: UnreadableLine[] = [];
  const kept: Buffer[] = [];
  let keptFrom = 0;
  let blanked = 0;
  let newlines = 0;
  let nonBlank = 0;
  let start = 0;
  while (start < piece.length) {
    const at = piece.indexOf(10, start);
    const end = at === -1 ? piece.length : at;
    if (!isBlank(piece, start, end)) {
      nonBlank++;
      const reason = end - start >= MAX_LINE_BYTES || suspect ? whyUnreadable(piece.subarray(start, end)) : undefined;
      if (reason) {
        kept.push(piece.subarray(keptFrom, start));
        keptFrom = end;
        if (++blanked <= keep) unreadable.push({ line: firstLine + newlines, reason });
      }
    }
    if (at === -1) break;
    newlines++;
    start = at + 1;
  }
  const out = blanked === 0 ? piece : Buffer.concat([...kept, piece.subarray(keptFrom)]);
  return { piece: out, newlines, nonBlank, blanked, unreadable };
}

function whyUnreadable(line: Buffer): string | undefined {
  if (line.length >= MAX_LINE_BYTES) return `longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB (not read)`;
  if (!isUtf8(line)) return 'not UTF-8 text';
  if (line.indexOf(1) !== -1) return 'not JSON (a U+0001 control character)';
  return undefined;
}

/** Whether bytes [start, end) are only whitespace (stops at the first other byte: a JSON line's first). */
export function isBlank(buffer: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isSpace(buffer[i] ?? 0)) return false;
  return true;
}

/** The whitespace `NOT_BLANK` in schema.ts trims (the two must agree, or line counts would not add up). */
const isSpace = (byte: number) => byte === 32 || byte === 9 || byte === 13 || byte === 11 || byte === 12;

/** DuckDB's line reader failing on a staged file (its message names the file, and dumps the line). */
export const LINE_READER_ERROR = /^Invalid Input Error: CSV Error/;

/**
 * A staged file DuckDB's line reader still failed on (staging blanks every line known to do that:
 * see readablePiece) as an error on the object it came from, in one line, without the dump of the
 * line's bytes DuckDB's message carries.
 */
export function lineReaderError(
  error: unknown,
  pieces: ReadonlyArray<{ file: string; key: string; firstLine: number }>,
): CliError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!LINE_READER_ERROR.test(message)) return undefined;
  const inFile = pieces.filter((p) => message.includes(`file = ${p.file}`));
  const [piece] = inFile;
  const where =
    inFile.length > 1
      ? `one of ${inFile.length} small objects staged together (${inFile[0]?.key} ... ${inFile.at(-1)?.key})`
      : piece
        ? `${piece.key} (from line ${piece.firstLine})`
        : 'an object of this batch';
  const reason = /^(.*(?:unicode|maximum line size|line size).*)$/im.exec(message)?.[1]?.trim();
  return new CliError(`${where} cannot be read as lines: ${reason ?? message.split('\n')[0]}`, {
    code: 'LOGS_OBJECT_UNREADABLE',
    exitCode: ExitCode.USAGE,
    fix: 'Check that object (the objects before it in this sync are stored; nothing of its batch is).',
    cause: error,
  });
}
