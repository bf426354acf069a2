import { describe, expect, it } from 'vitest';
import { sqlErrorParts } from '../../../src/lib/logs/sql-error.js';

// DuckDB's own messages for these texts (1.5): the caret is under the column it means.
const caret = (prefix: string, snippet: string, at: number) =>
  `LINE ${prefix}: ${snippet}\n${' '.repeat(`LINE ${prefix}: `.length + at)}^`;

describe("sqlErrorParts: the cause, DuckDB's hint, and the line and column in the text as written", () => {
  it('a column on the second line', () => {
    const text = 'SELECT event,\n  actr FROM events';
    const message = `Binder Error: Referenced column "actr" not found in FROM clause!\nCandidate bindings: "actor", "actorIp"\n\n${caret('2', '  actr FROM events', 2)}`;
    expect(sqlErrorParts(message, text)).toEqual({
      cause: 'Binder Error: Referenced column "actr" not found in FROM clause!',
      hint: 'Candidate bindings: "actor", "actorIp"',
      location: { line: 2, column: 3 },
    });
  });

  it('a long line DuckDB cuts with "..." at both ends', () => {
    const text = `SELECT ${Array.from({ length: 30 }, (_, k) => `event AS e${k}`).join(', ')}, actr, ${Array.from({ length: 30 }, (_, k) => `event AS f${k}`).join(', ')} FROM events`;
    const snippet =
      '... e25, event AS e26, event AS e27, event AS e28, event AS e29, actr, event AS f0, event AS f1, event AS f2, event AS f3...';
    const message = `Binder Error: Referenced column "actr" not found in FROM clause!\nCandidate bindings: "actor"\n\n${caret('1', snippet, snippet.indexOf('actr'))}`;
    expect(sqlErrorParts(message, text).location).toEqual({ line: 1, column: text.indexOf('actr,') + 1 });
  });

  it('a snippet found twice in the line gives the line only; no text, no location; no hint, none', () => {
    const message = `Parser Error: syntax error at or near "FROM"\n\n${caret('1', 'SELECT (( FROM x', 10)}`;
    expect(sqlErrorParts(message, 'SELECT (( FROM x')).toEqual({
      cause: 'Parser Error: syntax error at or near "FROM"',
      location: { line: 1, column: 11 },
    });
    const twice = `Parser Error: x\n\n${caret('1', '...a b...', 4)}`;
    expect(sqlErrorParts(twice, 'a b a b').location).toEqual({ line: 1 });
    expect(sqlErrorParts(message)).toEqual({ cause: 'Parser Error: syntax error at or near "FROM"' });
    expect(sqlErrorParts('Conversion Error: no', 'SELECT 1')).toEqual({ cause: 'Conversion Error: no' });
    // A LINE past the text (the error was about other SQL): no location.
    expect(sqlErrorParts(`Parser Error: x\n\n${caret('3', 'y', 0)}`, 'SELECT 1').location).toBeUndefined();
  });
});
