import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { StreamedObject } from '../../../src/lib/logs/object-bytes.js';
import { MAX_LINE_BYTES } from '../../../src/lib/logs/ndjson-lines.js';
import { failure } from '../../helpers/expect-cli-error.js';

/** The bytes in chunks of 16 KB (what gunzip and file streams hand over), and whether the source was closed. */
function chunked(bytes: Buffer): { input: () => AsyncGenerator<Buffer>; closed: () => boolean } {
  let closed = false;
  return {
    input: async function* () {
      try {
        for (let at = 0; at < bytes.length; at += 16 * 1024) yield bytes.subarray(at, at + 16 * 1024);
      } finally {
        closed = true;
      }
    },
    closed: () => closed,
  };
}

async function allPieces(object: StreamedObject, size: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const piece of object.pieces(size)) out.push(piece);
  return out;
}

describe('StreamedObject', () => {
  it('keeps of a 40 MB line only what marks it too long (it was kept whole, and copied again for each chunk)', async () => {
    const long = Buffer.alloc(40 * 1024 * 1024, 0x61);
    const bytes = Buffer.concat([Buffer.from('{"a":1}\n'), long, Buffer.from('\n{"b":2}\n')]);
    const source = chunked(bytes);
    // Keeping the whole line, and copying it again for each 16 KB chunk, took minutes (quadratic).
    const pieces = await allPieces(new StreamedObject('k', source.input, 1 << 30), 1024 * 1024);
    const text = Buffer.concat(pieces).toString('latin1').split('\n');
    expect(text[0]).toBe('{"a":1}');
    expect(text[1]?.length).toBeGreaterThanOrEqual(MAX_LINE_BYTES); // still skipped as too long
    expect(text[1]?.length).toBeLessThan(MAX_LINE_BYTES + 64 * 1024);
    expect(text.slice(2)).toEqual(['{"b":2}', '']);
    for (const piece of pieces.slice(0, -1)) expect(piece.at(-1)).toBe(10); // every piece ends a line
  });

  it('cuts pieces at line ends, and keeps line numbers (newlines) intact', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `{"i":${i}}`);
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    for (const input of [chunked(bytes), chunked(gzipSync(bytes))]) {
      const pieces = await allPieces(new StreamedObject('k', input.input, 1 << 30), 4096);
      expect(pieces.length).toBeGreaterThan(2);
      for (const piece of pieces) expect(piece.at(-1)).toBe(10);
      expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
    }
  });

  it('closes its source when it is left part way: too large, or its reader stops', async () => {
    const bytes = Buffer.from(`${'{"x":1}\n'.repeat(20_000)}`);
    for (const data of [bytes, gzipSync(bytes)]) {
      const tooLarge = chunked(data);
      const error = await failure(allPieces(new StreamedObject('big', tooLarge.input, 50_000), 4096));
      expect(error.code).toBe('LOGS_OBJECT_TOO_LARGE');
      expect(tooLarge.closed()).toBe(true);
      const stopped = chunked(data);
      for await (const piece of new StreamedObject('k', stopped.input, 1 << 30).pieces(4096)) {
        expect(piece.length).toBeGreaterThan(0);
        break; // a failed write in staging, say
      }
      expect(stopped.closed()).toBe(true);
    }
  });
});
