import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PRESETS } from '../../../src/lib/logs/presets/definitions.js';
import type { QueryFilters } from '../../../src/lib/logs/filters.js';
import { slicesOf, streamPreset } from '../../../src/lib/logs/presets/run.js';
import type { Row } from '../../../src/lib/logs/rows.js';
import { LogStore } from '../../../src/lib/logs/store.js';
import { ndjson, uamEvent } from './events.js';
import { syncFixture } from './fixture.js';

const H = 3_600_000;
const at = (hours: number) => new Date(hours * H);

describe('slicesOf: a window cut at hour starts into slices of at most N events', () => {
  const hours = [
    { hour: 0, events: 2 },
    { hour: 1 * H, events: 1 },
    { hour: 3 * H, events: 5 },
    { hour: 4 * H, events: 1 },
    { hour: 5 * H, events: 1 },
  ];

  it('cuts before the hour that would make a slice too big; an hour bigger than N is a slice of its own', () => {
    expect(slicesOf(hours, 3, { since: undefined, until: undefined })).toEqual([
      { since: undefined, until: at(3) },
      { since: at(3), until: at(4) },
      { since: at(4), until: undefined },
    ]);
    expect(slicesOf(hours, 100, { since: at(-1), until: at(6) })).toEqual([{ since: at(-1), until: at(6) }]);
  });

  it('the slices start at --since and end at --until, and follow one another', () => {
    const window = { since: new Date(1_000), until: new Date(5 * H + 1_000) };
    const slices = slicesOf(hours, 1, window);
    expect(slices[0]?.since).toBe(window.since);
    expect(slices.at(-1)?.until).toBe(window.until);
    for (let i = 1; i < slices.length; i++) expect(slices[i]?.since).toEqual(slices[i - 1]?.until);
    expect(slices).toHaveLength(5);
    expect(slicesOf([], 1, window)).toEqual([window]);
  });
});

/**
 * Event presets whose scope is big are read in time slices, so DuckDB never sorts a whole long
 * answer: with slices of any size, the answer must be the same rows in the same order.
 */
describe('event presets read in time slices', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-slices-'));
  let store: LogStore;
  const WHOLE = { since: '2000-01-01', until: '2100-01-01' };

  beforeAll(async () => {
    store = await LogStore.open(await syncFixture(dir), { readOnly: true });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const read = async (name: string, sliceEvents: number, filters: QueryFilters = WHOLE) => {
    const { columns, batches } = await streamPreset(store, name, filters, sliceEvents);
    const rows: Row[] = [];
    for await (const batch of batches) rows.push(...batch);
    return { columns, rows };
  };

  it('every event preset: slices of 1, 2, 3 and 5 events give the answer of one query', async () => {
    const events = PRESETS.filter((p) => p.kind === 'events');
    expect(events.length).toBeGreaterThan(10);
    for (const preset of events) {
      const whole = await read(preset.name, 1_000_000);
      for (const sliceEvents of [1, 2, 3, 5]) {
        expect(await read(preset.name, sliceEvents), `${preset.name}, slices of ${sliceEvents}`).toEqual(whole);
      }
    }
  });

  /** The preset queries the store ran (not the count of events per hour that decides the slices). */
  const presetQueries = (stream: { mock: { calls: unknown[][] } }) =>
    stream.mock.calls.map((call) => String(call[0])).filter((sql) => sql.startsWith('WITH scoped AS'));

  it('one query per slice, each over its own part of the window', async () => {
    const stream = vi.spyOn(store, 'stream');
    try {
      const window = { since: '2026-01-05T08:30:00Z', until: '2026-01-14T00:00:00Z' };
      const whole = await read('query-trail', 1_000_000, window);
      expect(presetQueries(stream)).toHaveLength(1);
      stream.mockClear();
      expect(await read('query-trail', 1, window)).toEqual(whole);
      const ranges = presetQueries(stream).map((sql) =>
        [...sql.matchAll(/eventTimestamp ([<>]=?) '([^']+)'/g)].map((m) => `${m[1]} ${m[2]}`),
      );
      expect(ranges.length).toBeGreaterThan(2);
      expect(ranges[0]?.[0]).toBe('>= 2026-01-05T08:30:00.000Z');
      expect(ranges.at(-1)?.at(-1)).toBe('< 2026-01-14T00:00:00.000Z');
      for (let i = 1; i < ranges.length; i++) {
        expect(ranges[i]?.[0]?.replace('>=', '<')).toBe(ranges[i - 1]?.at(-1));
      }
    } finally {
      stream.mockRestore();
    }
  });

  it('--limit is one query (DuckDB keeps only the first rows), and so is an aggregate preset', async () => {
    const stream = vi.spyOn(store, 'stream');
    try {
      await read('query-trail', 1, { ...WHOLE, limit: 2 });
      await read('sensitive-query-spikes', 1);
      expect(presetQueries(stream)).toHaveLength(2);
    } finally {
      stream.mockRestore();
    }
  });
});

/** The store's events per hour, which decide the slices: right after every kind of sync, and for older stores. */
describe('event_hours: the stored events per hour', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-hours-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const counted = (store: LogStore) =>
    store.rows(
      `SELECT epoch_ms(hour) AS hour, event, action, sum(n)::BIGINT AS n FROM event_hours GROUP BY ALL ORDER BY ALL`,
    );
  const actual = (store: LogStore) =>
    store.rows(
      `SELECT epoch_ms(date_trunc('hour', eventTimestamp)) AS hour, event, action, count(*)::BIGINT AS n FROM events GROUP BY ALL ORDER BY ALL`,
    );

  it('match the stored events after syncs with repeats, skipped lines, ids stored already and a compaction', async () => {
    const store = await LogStore.open(await syncFixture(dir, 'synced'));
    try {
      expect((await actual(store)).length).toBeGreaterThan(10);
      expect(await counted(store)).toEqual(await actual(store));
      // Objects that repeat stored events and add new ones, one sync each (small parts), then merged.
      const again = (i: number) =>
        ndjson([
          uamEvent({ id: 'q-80', at: '2026-01-07T09:00:00.000Z', event: 'Query' }),
          uamEvent({
            id: `new-${i}`,
            at: `2026-01-20T${String(i % 24).padStart(2, '0')}:30:00.000Z`,
            event: 'TagApplied',
          }),
        ]);
      for (let i = 0; i < 16; i++) {
        await store.ingest({ key: `again-${String(i).padStart(2, '0')}`, etag: '1', size: 1 }, Buffer.from(again(i)));
      }
      await store.compact();
      expect(await counted(store)).toEqual(await actual(store));
      const tags = await store.eventsPerHour("(event IN ('TagApplied'))", new Date('2026-01-20T05:59:00Z'), undefined);
      expect(tags.map((h) => new Date(h.hour).toISOString())[0]).toBe('2026-01-20T05:00:00.000Z');
      expect(tags.every((h) => h.events === 1)).toBe(true);
      expect(tags).toHaveLength(11);
    } finally {
      await store.close();
    }
  });

  it('a store synced before them is counted when next opened for writing; read-only, it is answered in one query', async () => {
    const storeDir = await syncFixture(dir, 'older');
    const writable = await LogStore.open(storeDir);
    await writable.rows('DROP TABLE event_hours');
    await writable.close();

    const readOnly = await LogStore.open(storeDir, { readOnly: true });
    try {
      expect(await readOnly.eventsPerHour('TRUE', undefined, undefined)).toEqual([]);
      const { batches } = await streamPreset(readOnly, 'query-trail', { since: '2000-01-01' }, 1);
      const rows: Row[] = [];
      for await (const batch of batches) rows.push(...batch);
      expect(rows.length).toBeGreaterThan(10);
    } finally {
      await readOnly.close();
    }

    const reopened = await LogStore.open(storeDir);
    try {
      expect(await counted(reopened)).toEqual(await actual(reopened));
    } finally {
      await reopened.close();
    }
  });
});
