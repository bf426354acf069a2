import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../../src/lib/logs/store.js';
import { runSync } from '../../../src/lib/logs/sync.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { ndjson, uamEvent } from './events.js';

describe('audit logs sync from a folder', () => {
  let dir: string;
  let source: string;
  let store: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'logs-sync-'));
    source = join(dir, 'exported');
    store = join(dir, 'store');
    mkdirSync(join(source, '2026', '01', '05'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const a = uamEvent({
    id: 'a',
    at: '2026-01-05T10:00:00.000Z',
    event: 'TagApplied',
    extra: { futureField: { x: 1 } },
  });
  const b = uamEvent({ id: 'b', at: '2026-01-05T11:00:00.000Z', event: 'TagRemoved' });
  const c = uamEvent({ id: 'c', at: '2026-01-05T12:00:00+01:00', event: 'Query' });

  async function count(): Promise<number> {
    const s = await LogStore.open(store, { readOnly: true });
    try {
      const [row] = await s.rows('SELECT count(*) AS n FROM events');
      return Number(row?.n);
    } finally {
      await s.close();
    }
  }

  it('stores every event once, reads gzip by its bytes, keeps unknown fields, reports bad lines', async () => {
    writeFileSync(join(source, '2026', '01', '05', 'job-0.ndjson'), ndjson([a, b]));
    // The same event again (a retried export task), gzip without a .gz name, a truncated last line.
    const cut = JSON.stringify(c).slice(0, 40);
    writeFileSync(join(source, '2026', '01', '05', 'job-1.json'), gzipSync(`${ndjson([b, c])}not json at all\n${cut}`));
    const io = fakeIO();
    const result = await runSync({ source, store }, io);
    expect(result.objects).toEqual({ listed: 2, alreadySynced: 0, ingested: 2 });
    expect(result.events).toEqual({ read: 4, new: 3, total: 3 });
    expect(result.skippedLines).toBe(2);
    expect(result.problems).toEqual([
      {
        key: '2026/01/05/job-1.json',
        skipped: 2,
        lines: [
          { line: 3, reason: 'not JSON (or a truncated line)' },
          { line: 4, reason: 'not JSON (or a truncated line)' },
        ],
      },
    ]);
    expect(io.stderr()).toContain('2026/01/05/job-1.json: skipped 2 line(s) (line 3: not JSON');
    const s = await LogStore.open(store, { readOnly: true });
    const rows = await s.rows(
      `SELECT id, eventTimestamp, event, raw->'$.futureField' AS future, sourceObject FROM events ORDER BY eventTimestamp, id`,
    );
    await s.close();
    expect(rows).toEqual([
      {
        id: 'a',
        eventTimestamp: '2026-01-05T10:00:00.000Z',
        event: 'TagApplied',
        future: { x: 1 },
        sourceObject: '2026/01/05/job-0.ndjson',
      },
      {
        id: 'b',
        eventTimestamp: '2026-01-05T11:00:00.000Z',
        event: 'TagRemoved',
        future: null,
        sourceObject: '2026/01/05/job-0.ndjson',
      },
      {
        id: 'c',
        eventTimestamp: '2026-01-05T11:00:00.000Z',
        event: 'Query',
        future: null,
        sourceObject: '2026/01/05/job-1.json',
      },
    ]);
  });

  it('is incremental: nothing new reads nothing; a new object is the only one read', async () => {
    writeFileSync(join(source, '2026', '01', '05', 'job-0.ndjson'), ndjson([a]));
    await runSync({ source, store }, fakeIO());
    const again = await runSync({ source, store }, fakeIO());
    expect(again.objects).toEqual({ listed: 1, alreadySynced: 1, ingested: 0 });
    expect(again.bytes).toBe(0);
    writeFileSync(join(source, '2026', '01', '05', 'job-1.ndjson'), ndjson([b]));
    const third = await runSync({ source, store }, fakeIO());
    expect(third.objects).toEqual({ listed: 2, alreadySynced: 1, ingested: 1 });
    expect(third.events.total).toBe(2);
    expect(await count()).toBe(2);
  });

  it('--strict exits 2 after storing the good lines', async () => {
    writeFileSync(join(source, 'one.ndjson'), `${ndjson([a])}{"id":`);
    const io = fakeIO();
    const error = await failure(runSync({ source, store, strict: true }, io));
    expect(error.code).toBe('LOGS_BAD_LINES');
    expect(error.exitCode).toBe(2);
    expect(await count()).toBe(1);
  });

  it('a single file is a source too; a missing one is a usage error', async () => {
    const file = join(source, 'one.ndjson');
    writeFileSync(file, ndjson([a, b]));
    const result = await runSync({ source: file, store }, fakeIO());
    expect(result.events.total).toBe(2);
    const error = await failure(runSync({ source: join(dir, 'nope'), store }, fakeIO()));
    expect(error.code).toBe('LOGS_SOURCE_NOT_FOUND');
    expect(error.exitCode).toBe(2);
  });

  it('defaults the store to a folder per source under the cache folder', async () => {
    writeFileSync(join(source, 'one.ndjson'), ndjson([a]));
    const result = await runSync({ source }, fakeIO({ env: { XDG_CACHE_HOME: join(dir, 'cache') } }));
    expect(result.store.startsWith(join(dir, 'cache', 'immuta', 'logs'))).toBe(true);
    expect(result.store).toMatch(/exported-[0-9a-f]{10}$/);
  });
});
