/**
 * How many terminal columns a text takes, and a text cut to a number of columns. A terminal gives a
 * CJK character or an emoji two columns and a combining mark none, so counting code points put a
 * column of `漢字` or `😀` cells out of line with the header; and a cut by UTF-16 units (`slice`)
 * could leave half a surrogate pair (printed as U+FFFD) or a base letter without its accent.
 *
 * Cuts are by grapheme (what a reader sees as one character: an emoji with its modifiers and joiners,
 * a letter with its marks). Written here rather than taken from `string-width` (an ora dependency,
 * not ours): ~40 lines, and the all-ASCII cell, by far the most common, costs one regex test.
 */

/** Printable ASCII only: one column a character, no segmentation needed. */
const ASCII = /^[\u0020-\u007e]*$/;
/** Combining marks and format characters (zero-width joiner, variation selectors): no column. */
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
/** Emoji shown as pictures (or asked to be, with U+FE0F): two columns. */
const EMOJI = /\p{Emoji_Presentation}|\uFE0F/u;

let segmenter: Intl.Segmenter | undefined;
function graphemes(text: string): Iterable<{ segment: string }> {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return segmenter.segment(text);
}

/** East Asian Wide and Fullwidth blocks (Unicode's EastAsianWidth W/F, the ranges terminals use). */
function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    cp === 0x2329 ||
    cp === 0x232a ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xa960 && cp <= 0xa97f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe10 && cp <= 0xfe19) ||
    (cp >= 0xfe30 && cp <= 0xfe6f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}

/** The columns of one grapheme: 0, 1 or 2. */
function graphemeWidth(grapheme: string): number {
  if (EMOJI.test(grapheme)) return 2;
  const first = grapheme.codePointAt(0) ?? 0;
  if (ZERO_WIDTH.test(String.fromCodePoint(first))) return 0;
  return isWide(first) ? 2 : 1;
}

/** The terminal columns `text` takes (a text without control codes: they are escaped before). */
export function displayWidth(text: string): number {
  if (ASCII.test(text)) return text.length;
  let width = 0;
  for (const { segment } of graphemes(text)) width += graphemeWidth(segment);
  return width;
}

/** `text` in at most `width` columns: whole, or cut between graphemes with `…` as its last column. */
export function cutToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (ASCII.test(text)) return `${text.slice(0, Math.max(0, width - 1))}…`;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes(text)) {
    const w = graphemeWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}
