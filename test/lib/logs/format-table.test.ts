import { describe, expect, it } from 'vitest';
import { formatRows, TABLE_MEASURED_ROWS, writeRows } from '../../../src/lib/logs/format.js';
import type { Row } from '../../../src/lib/logs/rows.js';
import { renderTable, visibleLength } from '../../../src/lib/output/table.js';
import { fakeIO } from '../../helpers/fake-io.js';

const columns = ['id', 'actor', 'details'];
const row = (i: number, actor = `user-${i % 7}@example.com`): Row => ({
  id: `e-${String(i).padStart(6, '0')}`,
  actor,
  details: { n: i, note: 'a\tb\nc' },
});
const rowsOf = (n: number, at?: (i: number) => Row) => Array.from({ length: n }, (_, i) => (at ?? row)(i));

/** Rows in DuckDB-sized batches, as the store streams them. */
async function* inBatches(rows: readonly Row[], size = 2048): AsyncIterable<Row[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}

const written = async (rows: readonly Row[], tty: boolean) => {
  const io = fakeIO({ tty });
  const count = await writeRows(columns, inBatches(rows), 'table', io);
  return { count, text: io.stdout() };
};

describe('table output', () => {
  it('streamed, it is the bytes of the whole table for an answer it can measure, on a terminal and piped', async () => {
    for (const tty of [true, false]) {
      for (const n of [0, 1, 3000, TABLE_MEASURED_ROWS]) {
        const rows = rowsOf(n);
        const { count, text } = await written(rows, tty);
        expect(count).toBe(n);
        expect(text).toBe(formatRows(columns, rows, 'table', tty));
      }
    }
  });

  it('a cell stays on its line: tabs and line breaks are spaces, also when it is cut to 60 characters', () => {
    const long = `${'x'.repeat(30)}\n${'y'.repeat(40)}`;
    const text = formatRows(['id', 'note'], [{ id: 'a', note: long }], 'table', true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`a   ${'x'.repeat(30)} ${'y'.repeat(28)}…`);
  });

  it("a value's control codes are escaped in its cell, colour sequences too (a colour terminal's stream keeps those)", () => {
    const rows = [{ id: 'a', actor: 'mallory\u001b[30;40mhidden\u001b]0;title\u0007@example.com' }];
    for (const format of ['table', 'csv'] as const) {
      const text = formatRows(['id', 'actor'], rows, format, true);
      expect(text).not.toContain('\u001b');
      expect(text).toContain('mallory\\u001b[30;40mhidden\\u001b]0;title\\u0007@example.com');
    }
  });

  it('a longer answer on a terminal: every row, one header, the widths of the first rows, a wider cell cut to them', async () => {
    const n = TABLE_MEASURED_ROWS + 5000;
    const wide = n - 2; // after the measured rows (whole batches up to TABLE_MEASURED_ROWS or more)
    const rows = rowsOf(n, (i) => (i === wide ? row(i, 'someone.with.a.much.longer.name@example.com') : row(i)));
    const { count, text } = await written(rows, true);
    const lines = text.trimEnd().split('\n');
    expect(count).toBe(n);
    expect(lines).toHaveLength(n + 1);
    expect(lines.filter((line) => line.startsWith('ID '))).toHaveLength(1);
    // Columns start where the header's do, before and after the measured rows.
    const detailsAt = (lines[0] ?? '').indexOf('DETAILS');
    for (const i of [1, TABLE_MEASURED_ROWS, TABLE_MEASURED_ROWS + 1, wide + 1, n]) {
      expect(lines[i]?.indexOf('{"n":')).toBe(detailsAt);
    }
    const cut = lines[wide + 1] ?? '';
    expect(cut).toMatch(/^e-014998 {2}someone\.with\.a\.mu… {2}\{"n":14998,/);
    expect(cut.indexOf('…') + 3).toBe(detailsAt);
  });

  it('measuredRows: 1 aligns on the first batch; a later number wider than its column is not cut, text is', async () => {
    const io = fakeIO({ tty: true });
    const rows: Row[] = [
      { n: 7, who: 'ana', note: 'x' },
      { n: 12, who: 'bob', note: 'y' },
      { n: 123456, who: 'someone-longer', note: 'z' },
    ];
    await writeRows(['n', 'who', 'note'], inBatches(rows, 2), 'table', io, { measuredRows: 1 });
    expect(io.stdout().trimEnd().split('\n')).toEqual(['N   WHO  NOTE', '7   ana  x', '12  bob  y', '123456  so…  z']);
  });

  it('piped, a longer answer is every row tab-separated, nothing cut', async () => {
    const n = TABLE_MEASURED_ROWS + 3000;
    const rows = rowsOf(n, (i) => (i === n - 1 ? row(i, 'someone.with.a.much.longer.name@example.com') : row(i)));
    const { text } = await written(rows, false);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(n);
    expect(lines[n - 1]).toBe(
      `e-0${n - 1}\tsomeone.with.a.much.longer.name@example.com\t{"n":${n - 1},"note":"a\\tb\\nc"}`,
    );
  });

  it('renderTable measures 200,000 rows without overflowing the stack', () => {
    const rows = rowsOf(200_000);
    const text = renderTable(
      rows,
      columns.map((c) => ({ header: c, value: (r: Row) => String(r[c]) })),
      true,
    );
    expect(text.split('\n')).toHaveLength(200_001);
  });

  it('widths count terminal columns: an emoji or a CJK character two, a combining mark none', () => {
    expect(visibleLength('a😀b')).toBe(4);
    expect(visibleLength('漢字')).toBe(4);
    expect(visibleLength('e\u0301')).toBe(1);
    const text = formatRows(
      ['who', 'n'],
      [
        { who: '😀😀', n: 1 },
        { who: '漢字x', n: 2 },
        { who: 'abc', n: 3 },
      ],
      'table',
      true,
    );
    expect(text).toBe('WHO    N\n😀😀   1\n漢字x  2\nabc    3\n');
  });

  it('a cell cut at 60 columns never splits an emoji or a CJK character, and fits its column', () => {
    for (const fill of ['😀', '漢', '👩‍💻', 'e\u0301']) {
      const value = `x${fill.repeat(80)}`;
      const text = formatRows(['v', 'n'], [{ v: value, n: 1 }], 'table', true);
      const cell = (text.split('\n')[1] ?? '').replace(/ +1$/, '');
      expect(cell).not.toMatch(/[\ud800-\udfff](?![\udc00-\udfff])/u);
      expect(cell.endsWith('…')).toBe(true);
      expect(value.startsWith(cell.slice(0, -1))).toBe(true);
      expect(visibleLength(cell)).toBeLessThanOrEqual(60);
      expect(visibleLength(cell)).toBeGreaterThanOrEqual(59);
    }
  });
});
