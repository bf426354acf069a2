/**
 * Terminal control codes in text we did not write (tenant messages, ids, bucket names, file names,
 * configuration keys and values) must not reach a terminal raw: ESC starts sequences that clear the
 * screen, move the cursor or (OSC) retitle the window, BEL and CR overwrite or hide what was printed,
 * and the C1 codes (U+0080-U+009F, e.g. U+009B, a one-character CSI) do the same on many terminals.
 * They are shown as visible escapes instead (`\u001b`, `\r`, `\u009b`), so nothing is lost either.
 *
 * Three entry points:
 * - `escapeControl(text)`: for one remote or user value, before it is painted or put into a message.
 * - `escapeLine(text)`: the same, and newlines and tabs too, for a value inside a one-line message
 *   (a file name with a newline would otherwise start a line that looks like one of ours).
 * - `escapeControlKeepingColour(text)`: for a whole line about to be written to a colour terminal: the
 *   SGR colour sequences our painter adds stay, every other control code is escaped.
 * - `escapeC1(text)`: for anything written at all (also `--json`): C1 codes become `\u00XX`, which is
 *   also their JSON escape, so JSON stays valid and parses to the same value.
 */

/**
 * C0 except tab and newline, DEL, C1, and the Unicode line/paragraph separators and bidi overrides.
 * A CR is kept only as part of CRLF (a line ending, e.g. CSV's): it cannot overwrite what was printed.
 * Also the invisible characters that disguise text without joining anything: the bidi marks (U+061C,
 * U+200E, U+200F reorder what follows them), the zero-width space, the word joiner and invisible
 * operators (U+2060-U+2064) and U+FEFF: `cfg-1` with one inside looks like `cfg-1` and is another
 * id. The zero-width (non-)joiners U+200C/U+200D stay: emoji sequences and several scripts need them.
 */
const CONTROL =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/**
 * What of CONTROL JSON.stringify leaves raw (it escapes C0 itself): a writer of JSON text escapes
 * these as `\u00XX` to keep its bytes the same as what `--out -` prints through the escaping stream.
 */
export const RAW_IN_JSON =
  /[\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

const C1 = /[\u0080-\u009f]/g;
/** An SGR sequence (colour and style): ESC [ params m. */
// eslint-disable-next-line no-control-regex -- as above
const SGR = /\u001b\[([0-9;]*)m/g;
/** The SGR parameters a painter (chalk, level 1) writes: styles, 16 colours, and their resets. Not 8 (hidden). */
const PAINTER_SGR = new Set([
  0, 1, 2, 3, 4, 7, 9, 21, 22, 23, 24, 27, 29, 39, 49, 30, 31, 32, 33, 34, 35, 36, 37, 40, 41, 42, 43, 44, 45, 46, 47,
  90, 91, 92, 93, 94, 95, 96, 97, 100, 101, 102, 103, 104, 105, 106, 107,
]);

const NAMED: Record<string, string> = {
  '\r': '\\r',
  '\n': '\\n',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
};

function visible(c: string): string {
  return NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Every control code in `text` as a visible escape (tab, newline and CRLF kept). */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, visible);
}

/** escapeControl, with newlines, tabs and every CR (CRLF too) as visible escapes as well. */
export function escapeLine(text: string): string {
  return escapeControl(text.replace(/[\r\n\t]/g, visible));
}

function isPainterSgr(params: string): boolean {
  return params === '' || params.split(';').every((p) => p !== '' && PAINTER_SGR.has(Number(p)));
}

/** Like escapeControl, but colour/style sequences of the kind our painter writes are kept. */
export function escapeControlKeepingColour(text: string): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(SGR)) {
    if (!isPainterSgr(match[1] ?? '')) continue;
    out += escapeControl(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + escapeControl(text.slice(last));
}

/** Escapes for a stream: colour kept when the stream is painted, every control code escaped otherwise. */
export function escapeForStream(text: string, colour: boolean): string {
  return colour ? escapeControlKeepingColour(text) : escapeControl(text);
}

/** C1 codes as `\u00XX` (valid inside JSON strings and visible in text). */
export function escapeC1(text: string): string {
  return text.replace(C1, visible);
}
