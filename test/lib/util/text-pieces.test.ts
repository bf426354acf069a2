import { describe, expect, it } from 'vitest';
import { WRITE_PIECE_UNITS, textPieces } from '../../../src/lib/util/text-pieces.js';

describe('textPieces: long text written in pieces', () => {
  it('short text is one piece, the same string', () => {
    const text = 'x'.repeat(WRITE_PIECE_UNITS);
    expect([...textPieces(text)]).toEqual([text]);
    expect([...textPieces('')]).toEqual(['']);
  });

  it('long text: pieces of at most the size, together the text', () => {
    const text = Array.from({ length: 50_000 }, (_, i) => `{"n":${i}}\n`).join('');
    const pieces = [...textPieces(text)];
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.every((p) => p.length <= WRITE_PIECE_UNITS)).toBe(true);
    expect(pieces.join('')).toBe(text);
  });

  it('never between the halves of a surrogate pair: every piece is valid UTF-8 on its own', () => {
    for (const offset of [0, 1, 2]) {
      const text = `${'a'.repeat(10 - offset)}😀${'b'.repeat(5)}😀😀`;
      const pieces = [...textPieces(text, 10)];
      expect(pieces.join('')).toBe(text);
      const bytes = Buffer.concat(pieces.map((p) => Buffer.from(p)));
      expect(bytes.toString('utf8')).toBe(text);
      expect(bytes.includes(Buffer.from('\uFFFD'))).toBe(false);
    }
  });
});
