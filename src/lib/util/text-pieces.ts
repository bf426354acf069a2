/**
 * Long text written in pieces of at most `maxUnits` UTF-16 units, never between the two halves of a
 * surrogate pair (each piece is encoded to UTF-8 on its own, where a lone half would become U+FFFD).
 *
 * Why: a stream turns each string written into a Buffer of its UTF-8 bytes. Past glibc's mmap
 * threshold (128 KiB unless raised by an earlier big free), every such Buffer is fresh memory from
 * the kernel, zeroed and faulted in: writing 376 MB of JSON as 1.7 MB strings took 0.8-0.9 s of
 * Buffer.from alone in one process and 0.2 s in another, depending on what DuckDB had freed before.
 * Pieces below the threshold come from memory malloc reuses.
 */
export const WRITE_PIECE_UNITS = 64 * 1024;

export function* textPieces(text: string, maxUnits: number = WRITE_PIECE_UNITS): Generator<string> {
  if (text.length <= maxUnits) {
    yield text;
    return;
  }
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + maxUnits, text.length);
    const unit = text.charCodeAt(end - 1);
    // Ends on the first half of a pair: leave it for the next piece.
    if (end < text.length && unit >= 0xd800 && unit <= 0xdbff && end - 1 > start) end--;
    yield text.slice(start, end);
    start = end;
  }
}
