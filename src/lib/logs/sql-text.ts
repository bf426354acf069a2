/**
 * The user's SQL text as both engines read it: what is code, and what is a string literal, a quoted
 * identifier or a comment (where a `;` or a keyword does not count).
 */

/**
 * Calls `code` with each character of `sql` that is code (with its index), skipping string
 * literals, quoted identifiers and comments (`''` and `""` inside are the escaped quote). Returns
 * false when a quote or a block comment is not closed.
 */
function scanCode(sql: string, code: (ch: string, index: number) => void, skipped: (text: string) => void): boolean {
  for (let i = 0; i < sql.length;) {
    const ch = sql[i] ?? '';
    const two = sql.slice(i, i + 2);
    if (two === '--') {
      const end = sql.indexOf('\n', i);
      skipped(' ');
      i = end < 0 ? sql.length : end;
    } else if (two === '/*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return false;
      skipped(' ');
      i = end + 2;
    } else if (ch === "'" || ch === '"') {
      // Scanning on from the next quote handles the doubled quote.
      let end = i + 1;
      for (;;) {
        end = sql.indexOf(ch, end);
        if (end < 0) return false;
        if (sql[end + 1] === ch) end += 2;
        else break;
      }
      skipped(ch === "'" ? "''" : '""');
      i = end + 1;
    } else {
      code(ch, i);
      i++;
    }
  }
  return true;
}

/**
 * The code of a statement, with string literals, quoted identifiers and comments blanked (so a `;`
 * or a keyword inside them does not count), or undefined when a quote or comment is not closed.
 */
export function codeOnly(sql: string): string | undefined {
  let out = '';
  const closed = scanCode(
    sql,
    (ch) => (out += ch),
    (text) => (out += text),
  );
  return closed ? out : undefined;
}

/**
 * The text trimmed, without a final `;` and the comments or blanks after it (`SELECT 1; -- why`):
 * the engines wrap the text in a query of their own, where that `;` is a syntax error. Any other
 * text is returned trimmed, as given (a second statement is refused later, as such).
 */
export function withoutTerminator(sql: string): string {
  let last = -1;
  let codeAfter = false;
  scanCode(
    sql,
    (ch, index) => {
      if (ch === ';') {
        last = index;
        codeAfter = false;
      } else if (!/\s/.test(ch)) codeAfter = true;
    },
    () => undefined,
  );
  return last >= 0 && !codeAfter ? sql.slice(0, last).trim() : sql.trim();
}
