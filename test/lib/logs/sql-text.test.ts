import { describe, expect, it } from 'vitest';
import { readOnlyAthenaSql } from '../../../src/lib/logs/athena/engine.js';
import { codeOnly, withoutTerminator } from '../../../src/lib/logs/sql-text.js';

describe('withoutTerminator', () => {
  it('drops a final ; and the comments or blanks after it (a query pasted from a .sql file)', () => {
    expect(withoutTerminator('  SELECT 1;  ')).toBe('SELECT 1');
    expect(withoutTerminator('SELECT 1; -- the count')).toBe('SELECT 1');
    expect(withoutTerminator('SELECT 1;\n/* end */\n-- bye\n')).toBe('SELECT 1');
  });

  it('keeps a ; that is not code, and text after a ; that is (a second statement is refused later)', () => {
    expect(withoutTerminator("SELECT ';' AS a")).toBe("SELECT ';' AS a");
    expect(withoutTerminator('SELECT 1 AS "x;" -- ;')).toBe('SELECT 1 AS "x;" -- ;');
    expect(withoutTerminator("SELECT 'it''s;' AS a; ")).toBe("SELECT 'it''s;' AS a");
    expect(withoutTerminator('SELECT 1; SELECT 2')).toBe('SELECT 1; SELECT 2');
    expect(withoutTerminator("SELECT 'open")).toBe("SELECT 'open");
  });

  it('codeOnly blanks strings, identifiers and comments; undefined when one is not closed', () => {
    expect(codeOnly(`SELECT 'a;b', "c;d" -- e;\nFROM t /* ; */`)).toBe(`SELECT '', ""  \nFROM t  `);
    expect(codeOnly('SELECT /* open')).toBeUndefined();
  });

  it('Athena takes a query with a final ; and a comment after it', () => {
    expect(readOnlyAthenaSql('SELECT 1; -- note')).toBe('SELECT 1');
  });
});
