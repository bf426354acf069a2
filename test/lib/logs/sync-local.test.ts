import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../../src/lib/logs/store.js';
import { runSync, syncInto } from '../../../src/lib/logs/sync.js';
import { runQuery } from '../../../src/lib/logs/query.js';
import { LocalSource } from '../../../src/lib/logs/sources/local.js';
import type { ResolvedSource } from '../../../src/lib/logs/sources/resolve.js';
import type { ObjectRef } from '../../../src/lib/logs/store.js';
import { connectionTestName, doctorProbeName, isProbeObject } from '../../../src/lib/aws/probe-objects.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { ndjson, uamEvent } from './events.js';

/** A folder source that records which objects it was asked to read (and to open, when it streams). */
function recordingSource(folder: string, options: { streams?: boolean } = {}) {
  const local = new LocalSource(folder);
  const reads: string[] = [];
  const opened: string[] = [];
  const source = {
    label: 'spy',
    list: (s: AbortSignal) => local.list(s),
    read: (o: ObjectRef) => {
      reads.push(o.key);
      return local.read(o);
    },
    ...(options.streams
      ? {
          open: (o: ObjectRef) => {
            opened.push(o.key);
            return local.open(o);
          },
        }
      : {}),
  };
  return { resolved: { source, identity: 'test' } as unknown as ResolvedSource, reads, opened };
}

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
    expect(result.objects).toEqual({ listed: 2, alreadySynced: 0, ingested: 2, testObjects: 0 });
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
    expect(again.objects).toEqual({ listed: 1, alreadySynced: 1, ingested: 0, testObjects: 0 });
    expect(again.bytes).toBe(0);
    writeFileSync(join(source, '2026', '01', '05', 'job-1.ndjson'), ndjson([b]));
    const third = await runSync({ source, store }, fakeIO());
    expect(third.objects).toEqual({ listed: 2, alreadySynced: 1, ingested: 1, testObjects: 0 });
    expect(third.events.total).toBe(2);
    expect(await count()).toBe(2);
  });

  it("the destination's test objects (doctor --probe's, the connection test's) are passed over, not read as logs", async () => {
    const day = join(source, '2026', '01', '05');
    writeFileSync(join(day, 'job-0.ndjson'), ndjson([a]));
    const at = new Date('2026-12-05T19:43:43.299Z');
    // What `doctor --probe` and the sandbox's connection test write, named by the same functions.
    const probe = join(day, doctorProbeName(at));
    const connectionTest = join(source, connectionTestName(at));
    expect(probe).toMatch(/_immuta-doctor-probe-20261205T194343Z\.txt$/);
    expect(connectionTest).toMatch(/immuta-audit-connection-test-2026-12-05T19-43-43-299Z\.txt$/);
    writeFileSync(probe, 'Immuta doctor probe. Safe to delete.\n');
    writeFileSync(connectionTest, 'Immuta audit export connection test. Safe to delete.\n');
    // A name that only looks like one is read as an object like any other.
    writeFileSync(join(day, 'immuta-audit-connection-test-notes.txt'), 'not an event\n');
    const io = fakeIO();
    const result = await runSync({ source, store }, io);
    expect(result.objects).toEqual({ listed: 2, alreadySynced: 0, ingested: 2, testObjects: 2 });
    expect(result.problems.map((p) => p.key)).toEqual(['2026/01/05/immuta-audit-connection-test-notes.txt']);
    expect(io.stderr()).toContain('(0 already synced; 2 destination test object(s) passed over)');
    expect(io.stderr()).not.toContain('_immuta-doctor-probe');
    expect(isProbeObject('s3-prefix/audit/_immuta-doctor-probe-20261205T194343Z.txt')).toBe(true);
    expect(isProbeObject('_immuta-doctor-probe-20261205T194343Z.txt.gz')).toBe(false);
  });

  it('a source with no objects is a warning, not an error', async () => {
    const io = fakeIO();
    const result = await runSync({ source, store }, io);
    expect(result.objects.listed).toBe(0);
    expect(io.stderr()).toContain(`${source} holds no exported objects: check the folder, bucket or prefix`);
    writeFileSync(join(source, connectionTestName(new Date('2026-12-05T19:43:43.299Z'))), 'test\n');
    // A reading command given the source syncs it first, and says the same.
    const query = fakeIO();
    await runQuery({ preset: 'failed-queries', source, store: join(dir, 'other-store') }, query);
    expect(query.stderr()).toContain(`${source} holds no exported objects`);
    const onlyTest = fakeIO();
    await runSync({ source, store }, onlyTest);
    expect(onlyTest.stderr()).toContain('holds no exported objects (only destination test objects)');
    writeFileSync(join(source, 'job-0.ndjson'), ndjson([a]));
    const some = fakeIO();
    await runSync({ source, store }, some);
    expect(some.stderr()).not.toContain('no exported objects');
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

  it('an object key is printed with its control codes escaped, also on a colour terminal', async () => {
    writeFileSync(join(source, 'red\u001b[31mkey.ndjson'), 'not json\n');
    const io = fakeIO({ colour: true });
    await runSync({ source, store }, io);
    expect(io.stderr()).toContain('red\\u001b[31mkey.ndjson: skipped 1 line(s)');
    expect(io.stderr()).not.toContain('\u001b');
  });

  it('a store inside the source folder is not read as objects of it', async () => {
    writeFileSync(join(source, 'one.ndjson'), ndjson([a, b]));
    const inside = join(source, 'store');
    for (const run of [1, 2]) {
      const io = fakeIO();
      const result = await runSync({ source, store: inside }, io);
      expect(result.objects).toEqual({ listed: 1, alreadySynced: run - 1, ingested: 2 - run, testObjects: 0 });
      expect(result.skippedLines).toBe(0);
      expect(io.stderr()).not.toContain('Warning');
    }
  });

  it('a FIFO or device is no source; one inside the folder is passed over', async () => {
    const fifo = join(source, 'pipe');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(join(source, 'one.ndjson'), ndjson([a]));
    for (const path of [fifo, '/dev/zero']) {
      const error = await failure(runSync({ source: path, store }, fakeIO()));
      expect(error.code).toBe('LOGS_SOURCE_UNREADABLE');
      expect(error.message).toBe(
        `cannot read ${path}: ${path === fifo ? 'a FIFO' : 'a device'}, not a file or folder of exported logs`,
      );
    }
    const result = await runSync({ source, store }, fakeIO());
    expect(result.objects).toEqual({ listed: 1, alreadySynced: 0, ingested: 1, testObjects: 0 });
  });

  it('a file gone, or turned into a FIFO, after it was listed fails the sync without waiting; the objects before it are stored', async () => {
    for (const name of ['1.ndjson', '2.ndjson', '3.ndjson'])
      writeFileSync(
        join(source, name),
        ndjson([uamEvent({ id: name, at: '2026-01-05T10:00:00.000Z', event: 'TagApplied' })]),
      );
    const local = new LocalSource(source);
    const listed = await local.list(new AbortController().signal);
    const store2 = await LogStore.open(store);
    try {
      // A source that lists what was there before, and reads what is there now.
      const stale = { label: 'stale', list: async () => listed, read: (o: ObjectRef) => local.read(o) };
      const resolved = { source: stale, identity: 'test' } as unknown as ResolvedSource;
      rmSync(join(source, '2.ndjson'));
      let error = await failure(syncInto(store2, resolved, { concurrency: 1 }, fakeIO()));
      expect(error.code).toBe('LOGS_SOURCE_UNREADABLE');
      expect(error.message).toBe(
        `cannot read ${join(source, '2.ndjson')}: it is gone (removed or renamed since it was listed)`,
      );
      expect([...(await store2.ingestedObjects()).keys()]).toEqual(['1.ndjson']);
      execFileSync('mkfifo', [join(source, '2.ndjson')]);
      error = await failure(syncInto(store2, resolved, {}, fakeIO()));
      expect(error.message).toBe(
        `cannot read ${join(source, '2.ndjson')}: a FIFO, not a file or folder of exported logs`,
      );
    } finally {
      await store2.close();
    }
  });

  it('an object over the size a sync reads is left out (by its listed size, never read, or while decompressed), the others synced, and tried again next time', async () => {
    const big = ndjson(
      Array.from({ length: 40 }, (_, i) =>
        uamEvent({ id: `big-${i}`, at: '2026-01-05T10:00:00.000Z', event: 'TagApplied' }),
      ),
    );
    writeFileSync(join(source, '1.ndjson'), ndjson([a]));
    writeFileSync(join(source, '2-plain.ndjson'), big);
    writeFileSync(join(source, '4.ndjson'), ndjson([c]));
    const { resolved, reads } = recordingSource(source);
    const limited = await LogStore.open(store, { maxObjectBytes: 4096 });
    try {
      const io = fakeIO();
      let result = await syncInto(limited, resolved, {}, io);
      expect(result.unreadableObjects).toEqual([
        {
          key: '2-plain.ndjson',
          code: 'LOGS_OBJECT_TOO_LARGE',
          message: '2-plain.ndjson is over 4096 bytes (decompressed), more than a sync reads from one object',
          fix: expect.stringMatching(/^Split it into files under 4096 bytes at line ends/),
        },
      ]);
      expect(reads).toEqual(['1.ndjson', '4.ndjson']); // never downloaded
      expect([...(await limited.ingestedObjects()).keys()]).toEqual(['1.ndjson', '4.ndjson']);
      // Small compressed, big once decompressed; a second gzip member makes the size gzip records small.
      rmSync(join(source, '2-plain.ndjson'));
      writeFileSync(join(source, '3.ndjson.gz'), Buffer.concat([gzipSync(big), gzipSync(ndjson([b]))]));
      result = await syncInto(limited, resolved, {}, io);
      expect(result.unreadableObjects.map((o) => o.message)).toEqual([
        '3.ndjson.gz is over 4096 bytes (decompressed), more than a sync reads from one object',
      ]);
      // Not recorded: the next sync reads it again (and says so again).
      result = await syncInto(limited, resolved, {}, io);
      expect(result.unreadableObjects.map((o) => o.key)).toEqual(['3.ndjson.gz']);
      expect([...(await limited.ingestedObjects()).keys()]).toEqual(['1.ndjson', '4.ndjson']);
    } finally {
      await limited.close();
    }
  });

  it('a file over the streaming size is read as it is staged (never downloaded ahead), with the same result', async () => {
    writeFileSync(join(source, '1.ndjson'), ndjson([a]));
    const many = Array.from({ length: 48 }, (_, i) =>
      uamEvent({
        id: `many-${i}-${(i * 7919).toString(36)}`,
        at: `2026-01-05T1${i % 10}:00:00.000Z`,
        event: 'TagApplied',
      }),
    );
    const bigGzip = gzipSync(ndjson([b, c, ...many]));
    writeFileSync(join(source, '2-big.ndjson.gz'), bigGzip);
    writeFileSync(join(source, '3.ndjson'), ndjson([c]));
    const { resolved, reads, opened } = recordingSource(source, { streams: true });
    const s = await LogStore.open(store);
    try {
      const result = await syncInto(s, resolved, { streamObjectBytes: bigGzip.length - 1 }, fakeIO());
      expect(opened).toEqual(['2-big.ndjson.gz']);
      expect(reads).toEqual(['1.ndjson', '3.ndjson']);
      expect(result.objects).toEqual({ listed: 3, alreadySynced: 0, ingested: 3, testObjects: 0 });
      expect(result.events).toEqual({ read: 52, new: 51, total: 51 });
      expect(await s.rows('SELECT sourceObject, count(*) AS n FROM events GROUP BY 1 ORDER BY 1')).toEqual([
        { sourceObject: '1.ndjson', n: 1 },
        { sourceObject: '2-big.ndjson.gz', n: 50 },
      ]);
    } finally {
      await s.close();
    }
  });

  it('a damaged gzip (cut short of its first line, or with trailing garbage whose last bytes read as a huge size) is reported as damaged, not as too large, the others synced; --strict fails after them', async () => {
    const whole = gzipSync(ndjson([a]));
    writeFileSync(join(source, '1-cut.gz'), whole.subarray(0, 12));
    // Its last four bytes, where gzip records the size, say 1.7 GB: more than ~200 bytes can inflate to.
    writeFileSync(join(source, '2-garbage.gz'), Buffer.concat([gzipSync(ndjson([b])), Buffer.from('trailinggarbage')]));
    writeFileSync(join(source, '3.ndjson'), ndjson([c]));
    const io = fakeIO();
    const result = await runSync({ source, store }, io);
    expect(result.unreadableObjects.map(({ key, code }) => ({ key, code }))).toEqual([
      { key: '1-cut.gz', code: 'LOGS_OBJECT_UNREADABLE' },
      { key: '2-garbage.gz', code: 'LOGS_OBJECT_UNREADABLE' },
    ]);
    expect(result.unreadableObjects[0]?.message).toMatch(/^1-cut\.gz is not a readable gzip file: /);
    expect(result.objects).toEqual({ listed: 3, alreadySynced: 0, ingested: 1, testObjects: 0 });
    expect(await count()).toBe(1);
    expect(io.stderr()).toMatch(
      /^Warning: not synced: 1-cut\.gz is not a readable gzip file: .*Check that object \(e\.g\. `gzip -t`\)/m,
    );
    expect(io.stderr()).toContain('(0 already synced; 2 not readable, tried again on the next sync)');
    const error = await failure(runSync({ source, store, strict: true }, fakeIO()));
    expect(error.code).toBe('LOGS_OBJECT_UNREADABLE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(
      /^2 object\(s\) could not be read \(--strict\), the first: 1-cut\.gz is not a readable gzip file/,
    );
  });

  it('a line DuckDB cannot extract within its memory limit (nested 10,000 deep: 70 KB) is a skipped line; the rest of its object and its batch are stored', async () => {
    // Extracting every payload string costs the payload's size times its depth: this line took
    // more than the 256 MB a sync may use, and failed every sync as an unexpected failure.
    // Spliced in as text: JSON.stringify recurses, and 10,000 levels exceed its stack.
    const heavy = JSON.stringify(
      uamEvent({ id: 'heavy', at: '2026-01-05T10:30:00.000Z', event: 'TagApplied', payload: { deep: 'DEEP' } }),
    ).replace('"DEEP"', `${'{"a":'.repeat(10_000)}"v"${'}'.repeat(10_000)}`);
    writeFileSync(join(source, '1.ndjson'), ndjson([a]));
    writeFileSync(join(source, '2.ndjson'), `${ndjson([b])}${heavy}\n${ndjson([c])}`.replace(/\n/g, '\r\n'));
    const io = fakeIO();
    const result = await runSync({ source, store }, io);
    expect(result.objects.ingested).toBe(2);
    expect(result.events.total).toBe(3);
    expect(result.problems).toEqual([
      {
        key: '2.ndjson',
        skipped: 1,
        lines: [
          {
            line: 2,
            reason: 'DuckDB cannot extract its fields within its memory limit (nested too deep, or too big)',
          },
        ],
      },
    ]);
    expect(io.stderr()).toContain('2.ndjson: skipped 1 line(s) (line 2: DuckDB cannot extract its fields');
    expect((await runSync({ source, store }, fakeIO())).objects.ingested).toBe(0);
  });

  it('an object read as it is staged (too big to hold while its heavy lines are searched for) is left out instead, the others stored', async () => {
    const heavy = JSON.stringify(
      uamEvent({ id: 'heavy', at: '2026-01-05T10:30:00.000Z', event: 'TagApplied', payload: { deep: 'DEEP' } }),
    ).replace('"DEEP"', `${'{"a":'.repeat(10_000)}"v"${'}'.repeat(10_000)}`);
    writeFileSync(join(source, '1.ndjson'), ndjson([a]));
    writeFileSync(join(source, '2.ndjson'), `${ndjson([b])}${heavy}\n`);
    const { resolved } = recordingSource(source, { streams: true });
    const opened = await LogStore.open(store);
    try {
      const result = await syncInto(opened, resolved, { streamObjectBytes: 1 }, fakeIO());
      expect(result.unreadableObjects).toEqual([
        expect.objectContaining({
          key: '2.ndjson',
          code: 'LOGS_OBJECT_UNREADABLE',
          message: expect.stringMatching(/^2\.ndjson cannot be read within DuckDB's memory limit: Out of Memory Error/),
        }),
      ]);
      expect([...(await opened.ingestedObjects()).keys()]).toEqual(['1.ndjson']);
    } finally {
      await opened.close();
    }
  });

  it('a file name with a newline or control codes stays on its warning line', async () => {
    writeFileSync(join(source, 'x\nWarning: fake\u001b[2J'), 'not json\n');
    const io = fakeIO();
    await runSync({ source, store }, io);
    expect(io.stderr()).toContain(
      'Warning: x\\nWarning: fake\\u001b[2J: skipped 1 line(s) (line 1: not JSON (or a truncated line))',
    );
  });

  it('defaults the store to a folder per source under the cache folder', async () => {
    writeFileSync(join(source, 'one.ndjson'), ndjson([a]));
    const result = await runSync({ source }, fakeIO({ env: { XDG_CACHE_HOME: join(dir, 'cache') } }));
    expect(result.store.startsWith(join(dir, 'cache', 'immuta', 'logs'))).toBe(true);
    expect(result.store).toMatch(/exported-[0-9a-f]{10}$/);
  });

  it('a cached store written by another version is built again from the source (with a note); a store named by --store stays an error', async () => {
    writeFileSync(join(source, 'one.ndjson'), ndjson([a, b]));
    const env = { XDG_CACHE_HOME: join(dir, 'cache') };
    const first = await runSync({ source }, fakeIO({ env }));
    await runSync({ source, store }, fakeIO());
    // As a store written by an older version of the CLI reads.
    for (const folder of [first.store, store]) {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = await DuckDBInstance.create(join(folder, 'events.duckdb'));
      const c = await db.connect();
      await c.run("UPDATE store_meta SET value = '1' WHERE key = 'schemaVersion'");
      c.closeSync();
      db.closeSync();
    }
    // What `logs watch` keeps beside the store by default: its state (what it posted).
    const watchState = join(first.store, 'watch-0123456789ab.json');
    writeFileSync(watchState, '{"version": 1}\n', { mode: 0o600 });
    const io = fakeIO({ env });
    const again = await runSync({ source }, io);
    expect(again.store).toBe(first.store);
    expect(again.events.new).toBe(2);
    expect(readFileSync(watchState, 'utf8')).toBe('{"version": 1}\n'); // kept: a watch does not start afresh
    expect(statSync(watchState).mode & 0o777).toBe(0o600);
    expect(io.stderr()).toContain(
      `The cached log store ${first.store} was written by another version of this CLI: building it again from`,
    );
    // Refused as it is: this version's tables were added to it first (a `parts` table that version dropped).
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const tables = async (sql?: string) => {
      const db = await DuckDBInstance.create(join(store, 'events.duckdb'));
      const c = await db.connect();
      if (sql) await c.run(sql);
      const names = (await c.runAndReadAll('SELECT table_name FROM duckdb_tables() ORDER BY 1')).getRows().flat();
      c.closeSync();
      db.closeSync();
      return names;
    };
    const before = await tables('DROP TABLE parts');
    const named = await failure(runSync({ source, store }, fakeIO()));
    expect(named.code).toBe('LOGS_STORE_VERSION');
    expect(readdirSync(join(store, 'parts')).length).toBeGreaterThan(0); // not deleted
    expect(await tables()).toEqual(before);
  });
});
