import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreStatus } from '../../src/lib/logs/status.js';
import { runCommand } from '../helpers/run-command.js';
import { writeFixture } from '../lib/logs/fixture.js';
import { ndjson, uamEvent } from '../lib/logs/events.js';

describe('audit logs status', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-status-'));
  const source = join(dir, 'exported');
  const store = join(dir, 'store');
  const immuta = (args: string[]) => runCommand(['audit', 'logs', ...args], { env: { HOME: dir } });
  /** What the store holds, asked in SQL: what status must say without any. */
  let expected: { total: number; first: string; last: string; byEvent: Array<{ event: string; events: number }> };

  beforeAll(async () => {
    writeFixture(source);
    expect((await immuta(['sync', source, '--store', store])).exitCode).toBe(0);
    const sql = async (query: string) =>
      JSON.parse((await immuta(['sql', query, '--store', store, '--json'])).stdout) as Array<Record<string, unknown>>;
    const [span] = await sql('SELECT count(*) AS n, min(eventTimestamp) AS f, max(eventTimestamp) AS l FROM events');
    const byEvent = await sql('SELECT event, count(*) AS events FROM events GROUP BY 1 ORDER BY 2 DESC, 1');
    expected = {
      total: Number(span?.n),
      first: String(span?.f),
      last: String(span?.l),
      byEvent: byEvent.map((r) => ({ event: String(r.event), events: Number(r.events) })),
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--json: the events, their span and kinds, the objects (with skipped lines), the files', async () => {
    const result = await immuta(['status', '--store', store, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const status = JSON.parse(result.stdout) as StoreStatus;
    expect(status.store).toBe(store);
    expect(status.events).toEqual({ total: expected.total, first: expected.first, last: expected.last });
    expect(status.events.total).toBeGreaterThan(50);
    expect(status.byEvent).toEqual(expected.byEvent);
    // Three objects; the gzip one ends with a truncated line.
    expect(status.objects).toEqual({
      synced: 3,
      lastSyncedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) as unknown as string,
      withSkippedLines: 1,
      skippedLines: 1,
    });
    expect(status.parts.files).toBeGreaterThan(0);
    expect(status.parts.bytes).toBeGreaterThan(0);
    expect(status.databaseBytes).toBeGreaterThan(0);
  });

  it('human: one line each, the kinds of event most first', async () => {
    const result = await immuta(['status', '--store', store]);
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Log store ${store}`);
    expect(lines[1]).toBe(`  Events   ${expected.total}, from ${expected.first} to ${expected.last}`);
    expect(lines[2]).toMatch(/^ {2}Objects {2}3 synced, the last at \S+; 1 object had 1 skipped line$/);
    expect(lines[3]).toMatch(/^ {2}On disk {2}[\d.]+ MB: \d+ part files? \(\d+ kB\), the database file \([\d.]+ MB\)$/);
    expect(lines[4]).toBe('  By event');
    const [top] = expected.byEvent;
    expect(lines[5]).toMatch(new RegExp(`^ {4}${top?.event} +${top?.events}$`));
    // The fixture has more kinds than a terminal is shown (25): the rest are counted.
    expect(expected.byEvent.length).toBeGreaterThan(25);
    expect(lines).toHaveLength(5 + 25 + 1);
    expect(lines.at(-1)).toBe(`    and ${expected.byEvent.length - 25} more kinds (--json lists them all)`);
  });

  it('a store synced before it counted events per hour gives the same answer (counted from the parts)', async () => {
    const copy = join(dir, 'older');
    expect((await immuta(['sync', source, '--store', copy])).exitCode).toBe(0);
    const counted = JSON.parse((await immuta(['status', '--store', copy, '--json'])).stdout) as StoreStatus;
    const instance = await DuckDBInstance.create(join(copy, 'events.duckdb'));
    const connection = await instance.connect();
    await connection.run('DROP TABLE event_hours');
    connection.closeSync();
    instance.closeSync();
    const fromParts = JSON.parse((await immuta(['status', '--store', copy, '--json'])).stdout) as StoreStatus;
    expect(fromParts.byEvent).toEqual(counted.byEvent);
    expect(fromParts.byEvent).toEqual(expected.byEvent);
  });

  it('a folder with no store: exit 2 LOGS_STORE_EMPTY, with how to sync one', async () => {
    const result = await immuta(['status', '--store', join(dir, 'nothing-here')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('no log store in');
    expect(result.stderr).toContain('immuta audit logs sync SOURCE --store DIR');
  });

  it('--source: synced first, then described', async () => {
    const fresh = join(dir, 'fresh');
    const result = await immuta(['status', '--source', source, '--store', fresh, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as StoreStatus).events.total).toBe(expected.total);
  });
});

describe('audit logs status and filter notes, over exported names with newlines and control codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-status-hostile-'));
  const store = join(dir, 'store');
  const immuta = (args: string[]) => runCommand(['audit', 'logs', ...args], { env: { HOME: dir } });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('print each name on its own line, escaped (a newline in an event name started a forged line)', async () => {
    mkdirSync(join(dir, 'exported'));
    const evil = uamEvent({ id: 'e1', at: '2026-01-05T10:00:00.000Z', event: 'Evil\u001b[31mRED\nForged  9' });
    writeFileSync(join(dir, 'exported', 'a.ndjson'), ndjson([evil]));
    expect((await immuta(['sync', join(dir, 'exported'), '--store', store])).exitCode).toBe(0);
    const status = await immuta(['status', '--store', store]);
    expect(status.stdout).toContain('    Evil\\u001b[31mRED\\nForged  9  1\n');
    const note = await immuta(['query', 'query-trail', '--store', store, '--since', '2025-01-01', '--event', 'Nope']);
    expect(note.stderr).toContain('(it has Evil\\u001b[31mRED\\nForged  9).\n');
  });

  it('a file given as --store is LOGS_STORE_UNREADABLE (not "nothing synced yet"); no store at all names no other command', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a store');
    for (const command of [['status'], ['query', 'failed-queries'], ['sql', 'SELECT 1']]) {
      const result = await immuta([...command, '--store', file, '--json']);
      expect(result.exitCode).toBe(2);
      expect(JSON.parse(result.stdout)).toMatchObject({
        error: {
          code: 'LOGS_STORE_UNREADABLE',
          message: `cannot use ${file} as a log store: it is a file, not a folder`,
        },
      });
    }
    const none = await immuta(['status']);
    expect(none.exitCode).toBe(2);
    expect(none.stderr).not.toContain('query failed-queries');
    expect(none.stderr).toContain('--store DIR');
  });
});
