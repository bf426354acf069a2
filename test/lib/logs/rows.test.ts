import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PRESETS } from '../../../src/lib/logs/presets/definitions.js';
import { preparePresetQuery } from '../../../src/lib/logs/presets/run.js';
import { LogStore } from '../../../src/lib/logs/store.js';
import { syncFixture } from './fixture.js';

/** Answers are read as JSON text DuckDB writes; they must be exactly what reading value by value gives. */
describe('rows read as JSON text equal rows read value by value', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-rows-'));
  let store: LogStore;
  beforeAll(async () => {
    store = await LogStore.open(await syncFixture(dir), { readOnly: true });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The SQL texts the store ran during `run` (to see that the JSON path was taken). */
  const ranDuring = async (run: () => Promise<unknown>) => {
    const connection = (store as unknown as { connection: { stream: (sql: string) => Promise<unknown> } }).connection;
    const spy = vi.spyOn(connection, 'stream');
    try {
      await run();
      return spy.mock.calls.map((call) => String(call[0]));
    } finally {
      spy.mockRestore();
    }
  };
  const viaJsonText = (text: string) => text.startsWith('SELECT to_json({');
  const viaJson = (texts: string[]) => texts.some(viaJsonText);

  const same = async (sql: string, params?: Record<string, string | number | boolean | null>) => {
    const fast = await store.table(sql, params);
    const reference = await store.tableByValue(sql, params);
    expect(fast).toEqual(reference);
    return fast.rows;
  };

  it.each(PRESETS.map((p) => p.name))('%s', async (name) => {
    const { sql } = preparePresetQuery(name, { since: '2026-01-01', until: '2026-01-20', threshold: 1 });
    expect((await same(sql)).length).toBeGreaterThan(0);
    const texts = await ranDuring(() => store.rows(sql));
    expect(viaJson(texts)).toBe(true);
    expect(texts).toHaveLength(1); // and not read a second time
  });

  it('every column of the events view, with JSON, lists, timestamps and numbers', async () => {
    expect((await same('SELECT * FROM events ORDER BY eventTimestamp, id')).length).toBeGreaterThan(10);
  });

  it('takes named parameters, and a query that ends in a line comment', async () => {
    const [first] = await store.rows('SELECT id FROM events ORDER BY id LIMIT 1');
    const texts = await ranDuring(async () => {
      expect(
        await same('SELECT id, eventTimestamp FROM events WHERE id = $id', { id: String(first?.id) }),
      ).toHaveLength(1);
      expect(await same('SELECT count(*) AS n, min(id) AS first FROM events -- every event')).toHaveLength(1);
    });
    expect(texts.filter(viaJsonText)).toHaveLength(2); // one per query: both went the JSON way
  });

  it('reads an answer of one column value by value (a JSON text per row would only wrap each value)', async () => {
    const texts = await ranDuring(async () => {
      expect((await same('SELECT id FROM events ORDER BY id')).length).toBeGreaterThan(10);
      expect(await same(`SELECT 'NaN'::DOUBLE AS d`)).toEqual([{ d: 'NaN' }]);
    });
    expect(texts).toEqual(['SELECT id FROM events ORDER BY id', `SELECT 'NaN'::DOUBLE AS d`]);
  });

  it('keeps the order across chunks, and integers past 2^53 as text', async () => {
    const rows = await same(
      `SELECT i, i::HUGEINT * 9007199254740993 AS big, 'x' || i AS s, i % 2 = 0 AS even, i / 7 AS d
       FROM range(25000) t(i) ORDER BY i DESC`,
    );
    expect(rows[0]).toEqual({ i: 24999, big: '225170974169270084007', s: 'x24999', even: false, d: 24999 / 7 });
    expect(rows.at(-1)?.i).toBe(0);
  });

  it('NaN and infinite doubles, which JSON has not, come as the text the Node API gives', async () => {
    const texts = await ranDuring(() =>
      same(`SELECT 'NaN'::DOUBLE AS d, 'Infinity'::DOUBLE AS e, '-Infinity'::DOUBLE AS f, 2.5::DOUBLE AS g`),
    );
    expect(texts.filter(viaJsonText)).toHaveLength(1);
  });

  it('streams an answer a chunk at a time, bigger than the memory limit, in order', async () => {
    // 120,000 rows of 1 KB: 120 MB of JSON text against a 64 MB limit (an aggregate of the whole
    // answer, the previous way, ran out of memory here).
    const small = await LogStore.open(join(dir, 'store'), { readOnly: true, memoryLimit: '64MB' });
    try {
      const { columns, batches } = await small.stream(`SELECT i, repeat('x', 1000) AS pad FROM range(120000) t(i)`);
      expect(columns).toEqual(['i', 'pad']);
      let next = 0;
      let biggest = 0;
      for await (const batch of batches) {
        biggest = Math.max(biggest, batch.length);
        for (const row of batch) expect(row.i).toBe(next++);
      }
      expect(next).toBe(120000);
      expect(biggest).toBeLessThanOrEqual(2048);
    } finally {
      await small.close();
    }
  });

  it('queries run at the same time take turns on the connection (a second stream would end the first)', async () => {
    const sqlA = 'SELECT id FROM events ORDER BY id';
    const sqlB = 'SELECT i FROM range(5000) t(i)';
    const [a, b, c] = await Promise.all([store.rows(sqlA), store.rows(sqlB), store.tableByValue(sqlA)]);
    expect(a).toEqual(await store.rows(sqlA));
    expect(b).toHaveLength(5000);
    expect(c.rows).toEqual(a);
    // A stream left early gives the connection back.
    const { batches } = await store.stream(sqlB);
    for await (const batch of batches) if (batch.length > 0) break;
    expect(await store.rows('SELECT 1 AS one')).toEqual([{ one: 1 }]);
  });

  it('falls back to reading value by value for what JSON cannot hold or this path does not render', async () => {
    await same(`SELECT 1 AS a, 2 AS a`);
    await same(`SELECT DATE '2026-01-05' AS day, 1.5::DECIMAL(4, 2) AS amount, {'k': 1} AS s`);
    await same(`SELECT * FROM events WHERE false`);
    await same(`SELECT ['{"a": 1}'::JSON, '[2]'::JSON] AS jsonList`);
    await same(`SELECT [['x']] AS nested`);
    await same(
      `SELECT 'infinity'::TIMESTAMPTZ AS inf, TIMESTAMPTZ '0044-03-15 12:00:00+00' AS old, -0.0::DOUBLE AS z, 5e-324::DOUBLE AS tiny, 1.7976931348623157e308::DOUBLE AS huge`,
    );
    await same(`SELECT '{"n": 12345678901234567890, "f": 1.0, "s": "tab\\tquote\\"" }'::JSON AS j, NULL::JSON AS n`);
  });
});
