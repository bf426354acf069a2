import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMPACTION, LogStore, PACK_BYTES, PACK_OBJECT_BYTES, partsToMerge } from '../../../src/lib/logs/store.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { MAX_LINE_BYTES, READ_LINE_BYTES, lineReaderError, readablePiece } from '../../../src/lib/logs/ndjson-lines.js';
import { skippedLines } from '../../../src/lib/logs/schema.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { ndjson, uamEvent } from './events.js';

const event = (id: string, hour = 10) =>
  uamEvent({ id, at: `2026-01-05T${String(hour).padStart(2, '0')}:00:00.000Z`, event: 'TagApplied' });

describe('ingesting objects in batches', () => {
  let dir: string;
  let store: LogStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'logs-ingest-'));
    // Tiny statements, so one object is read in several pieces (line numbers must still be the object's).
    store = await LogStore.open(join(dir, 'store'), { chunkBytes: 2048 });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts per object in one batch: repeated ids go to the first object, bad lines are named by object line', async () => {
    const many = Array.from({ length: 20 }, (_, i) => event(`m-${i}`));
    const withProblems = [
      ndjson(many.slice(0, 12)),
      '   \t \r\n', // blank (spaces, a tab, CRLF): not a line
      '[1, 2]\n', // line 14: JSON but not an object
      `${JSON.stringify({ ...event('x'), id: '' })}\n`, // line 15: no id
      `${JSON.stringify({ ...event('y'), eventTimestamp: 'yesterday' })}\r\n`, // line 16
      ndjson(many.slice(12)),
      '{"id": "cut", "eventTi', // line 25: truncated
    ].join('');
    const results = await store.ingestMany([
      { object: { key: 'a.ndjson', etag: '1', size: 1 }, bytes: Buffer.from(ndjson([event('dup-1'), event('dup-2')])) },
      { object: { key: 'b.ndjson.gz', etag: '2', size: 2 }, bytes: gzipSync(withProblems) },
      { object: { key: 'c.ndjson', etag: '3', size: 3 }, bytes: Buffer.from(ndjson([event('dup-2'), event('c-1')])) },
    ]);
    expect(
      results.map(({ key, lines, events, newEvents, skipped, gzip }) => ({
        key,
        lines,
        events,
        newEvents,
        skipped,
        gzip,
      })),
    ).toEqual([
      { key: 'a.ndjson', lines: 2, events: 2, newEvents: 2, skipped: 0, gzip: false },
      { key: 'b.ndjson.gz', lines: 24, events: 20, newEvents: 20, skipped: 4, gzip: true },
      { key: 'c.ndjson', lines: 2, events: 2, newEvents: 1, skipped: 0, gzip: false },
    ]);
    expect(results[1]?.skippedLines).toEqual([
      { line: 14, reason: 'not a JSON object' },
      { line: 15, reason: 'no id' },
      { line: 16, reason: 'no valid eventTimestamp' },
      { line: 25, reason: 'not JSON (or a truncated line)' },
    ]);
    const owners = await store.rows(`SELECT sourceObject, count(*) AS n FROM events GROUP BY 1 ORDER BY 1`);
    expect(owners).toEqual([
      { sourceObject: 'a.ndjson', n: 2 },
      { sourceObject: 'b.ndjson.gz', n: 20 },
      { sourceObject: 'c.ndjson', n: 1 },
    ]);
    // Staging files are gone.
    expect(readdirSync(join(dir, 'store')).filter((name) => name.startsWith('staging'))).toEqual([]);
  });

  it('the objects staged together are read in one statement, wherever the statements of a batch are cut', async () => {
    // Statements of ~2 KB here: a 10 KB object is five pieces, the last one short (~1 KB), then two
    // objects of ~1.4 KB share a file; a statement cut between them would read that file twice.
    const events = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => event(`${prefix}-${i}`));
    const big = ndjson(events('x', 22));
    const small = (prefix: string) => ndjson(events(prefix, 3));
    expect(big.length).toBeGreaterThan(4096);
    expect(small('a').length).toBeLessThan(2048);
    const results = await store.ingestMany(
      [
        ['x.ndjson', big],
        ['y-a.ndjson', small('a')],
        ['y-b.ndjson', small('b')],
        ['y-c.ndjson', small('c')],
      ].map(([key, text]) => ({
        object: { key: key as string, etag: '1', size: 1 },
        bytes: Buffer.from(text as string),
      })),
    );
    expect(results.map((r) => [r.key, r.lines, r.newEvents, r.skipped])).toEqual([
      ['x.ndjson', 22, 22, 0],
      ['y-a.ndjson', 3, 3, 0],
      ['y-b.ndjson', 3, 3, 0],
      ['y-c.ndjson', 3, 3, 0],
    ]);
    expect(await store.rows('SELECT sourceObject, count(*) AS n FROM events GROUP BY 1 ORDER BY 1')).toEqual([
      { sourceObject: 'x.ndjson', n: 22 },
      { sourceObject: 'y-a.ndjson', n: 3 },
      { sourceObject: 'y-b.ndjson', n: 3 },
      { sourceObject: 'y-c.ndjson', n: 3 },
    ]);
  });

  it('a batch records each of its objects, whatever the characters of its key, with its counts', async () => {
    const keys = [`it's "quoted"\\back.ndjson`, 'ünïcødé/日本.ndjson', `${'k'.repeat(900)}.ndjson`, 'plain.ndjson'];
    const items = keys.map((key, i) => ({
      object: { key, etag: `"etag-${i}"`, size: 100 + i },
      bytes: Buffer.from(ndjson([event(`${i}-a`), event(`${i}-b`)]) + (i === 3 ? 'not json\n' : '')),
    }));
    await store.ingestMany(items, new Date('2026-02-01T00:00:00Z'));
    expect(await store.ingestedObjects()).toEqual(
      new Map(keys.map((key, i) => [key, { etag: `"etag-${i}"`, size: 100 + i }])),
    );
    expect(
      await store.rows(
        `SELECT key, lines, events, newEvents, skippedLines, ingestedAt FROM ingested_objects ORDER BY key`,
      ),
    ).toEqual(
      // In DuckDB's order (by bytes).
      [
        { key: keys[0], lines: 2, events: 2, newEvents: 2, skippedLines: 0 },
        { key: keys[2], lines: 2, events: 2, newEvents: 2, skippedLines: 0 },
        { key: 'plain.ndjson', lines: 3, events: 2, newEvents: 2, skippedLines: 1 },
        { key: keys[1], lines: 2, events: 2, newEvents: 2, skippedLines: 0 },
      ].map((row) => ({ ...row, ingestedAt: '2026-02-01T00:00:00.000Z' })),
    );
  });

  it('an object synced again after it changed counts only its new events', async () => {
    await store.ingest({ key: 'a.ndjson', etag: '1', size: 1 }, Buffer.from(ndjson([event('a-1'), event('a-2')])));
    const again = await store.ingest(
      { key: 'a.ndjson', etag: '2', size: 2 },
      Buffer.from(ndjson([event('a-1'), event('a-2'), event('a-3')])),
    );
    expect(again).toMatchObject({ lines: 3, events: 3, newEvents: 1, skipped: 0 });
    expect(await store.ingestedObjects()).toEqual(new Map([['a.ndjson', { etag: '2', size: 2 }]]));
  });

  it('an object of stored events only (a retried export) skips nothing; one beside it that skips a line still names it', async () => {
    await store.ingest({ key: 'first.ndjson', etag: '1', size: 1 }, Buffer.from(ndjson([event('r-1'), event('r-2')])));
    const again = Buffer.from(ndjson([event('r-1'), event('r-2')]));
    // Every line of the batch is a stored event: no line is skipped, and none is looked for.
    const [retried] = await store.ingestMany([{ object: { key: 'retried.ndjson', etag: '1', size: 1 }, bytes: again }]);
    expect(retried).toMatchObject({ lines: 2, events: 2, newEvents: 0, skipped: 0, skippedLines: [] });
    // Beside it, another log's line: never written to a part (it cannot be an event), still a skipped line.
    const [quiet, noisy] = await store.ingestMany([
      { object: { key: 'retried-2.ndjson', etag: '1', size: 1 }, bytes: again },
      {
        object: { key: 'other.ndjson', etag: '1', size: 1 },
        bytes: Buffer.from(`${ndjson([event('r-1'), event('new')])}{"level":"info"}\n`),
      },
    ]);
    expect(quiet).toMatchObject({ lines: 2, events: 2, newEvents: 0, skipped: 0, skippedLines: [] });
    expect(noisy).toMatchObject({
      lines: 3,
      events: 2,
      newEvents: 1,
      skipped: 1,
      skippedLines: [{ line: 3, reason: 'no id' }],
    });
  });

  it('an id twice in one object is stored once (a retried export repeats the same line)', async () => {
    const twice = event('twice');
    const result = await store.ingest(
      { key: 't.ndjson', etag: '1', size: 1 },
      Buffer.from(ndjson([twice, event('other'), twice])),
    );
    expect(result).toMatchObject({ lines: 3, events: 3, newEvents: 2, skipped: 0 });
    expect(await store.rows(`SELECT id FROM events ORDER BY id`)).toEqual([{ id: 'other' }, { id: 'twice' }]);
  });

  it('lines DuckDB cannot read (not UTF-8, a U+0001 byte, 4 MiB or longer) are skipped and named, the others stored', async () => {
    const line = (e: unknown) => Buffer.from(`${JSON.stringify(e)}\n`);
    // Valid JSON padded to an exact length with a long string field.
    const sized = (id: string, bytes: number) => {
      const bare = JSON.stringify({ ...event(id), pad: '' });
      return Buffer.from(`${JSON.stringify({ ...event(id), pad: 'p'.repeat(bytes - bare.length) })}\n`);
    };
    const latin1 = Buffer.from(`${JSON.stringify({ ...event('latin1'), actorName: 'Jos\u00e9' })}\n`, 'latin1');
    const bytes = Buffer.concat([
      line(event('u-1')), // line 1
      latin1, // line 2: é as one Latin-1 byte, not UTF-8
      Buffer.from(`${JSON.stringify(event('cut-at-u1'))}\u0001tail\n`), // line 3: valid JSON up to the U+0001
      sized('longest', MAX_LINE_BYTES - 1), // line 4: the longest line read
      sized('too-long', MAX_LINE_BYTES), // line 5
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xff, 0xfe, 0x0a]), // line 6: binary
      Buffer.from('{"id": "cut", "eventTi\n'), // line 7: not JSON (named by DuckDB)
      line(event('u-2')), // line 8
    ]);
    const result = await store.ingest({ key: 'mixed.ndjson', etag: '1', size: bytes.length }, bytes);
    expect(result).toMatchObject({ lines: 8, events: 3, newEvents: 3, skipped: 5 });
    expect(result.skippedLines).toEqual([
      { line: 2, reason: 'not UTF-8 text' },
      { line: 3, reason: 'not JSON (a U+0001 control character)' },
      { line: 5, reason: 'longer than 4 MiB (not read)' },
      { line: 6, reason: 'not UTF-8 text' },
      { line: 7, reason: 'not JSON (or a truncated line)' },
    ]);
    expect(await store.rows(`SELECT id, length(raw) AS bytes FROM events ORDER BY id`)).toEqual([
      { id: 'longest', bytes: MAX_LINE_BYTES - 1 },
      { id: 'u-1', bytes: line(event('u-1')).length - 1 },
      { id: 'u-2', bytes: line(event('u-2')).length - 1 },
    ]);
  });

  it('staging that fails half way (a full disk) removes the pieces it wrote', async () => {
    // The second piece cannot be written: a folder holds its name.
    mkdirSync(join(dir, 'store', 'staging-1.ndjson'));
    const many = ndjson(Array.from({ length: 30 }, (_, i) => event(`s-${i}`)));
    await expect(store.ingest({ key: 'a.ndjson', etag: '1', size: many.length }, Buffer.from(many))).rejects.toThrow(
      /EISDIR/,
    );
    expect(readdirSync(join(dir, 'store')).filter((name) => name.startsWith('staging'))).toEqual(['staging-1.ndjson']);
  });

  it('lines that are not events (another log, `{}`) are counted and named, not stored; an event with escaped keys is', async () => {
    const escaped = JSON.stringify(event('escaped-keys'))
      .replace('"eventTimestamp"', '"\\u0065ventTimestamp"')
      .replace('"id"', '"\\u0069d"');
    expect(JSON.parse(escaped)).toEqual(event('escaped-keys'));
    const junk = Array.from({ length: 30_000 }, (_, i) => (i % 2 ? '{}' : '{"level":"info","msg":"other log"}'));
    const text = [JSON.stringify(event('first')), ...junk, escaped, JSON.stringify(event('last'))].join('\n');
    const big = await LogStore.open(join(dir, 'default-pieces'));
    try {
      const result = await big.ingest({ key: 'mixed.ndjson', etag: '1', size: text.length }, Buffer.from(text));
      expect(result).toMatchObject({ lines: 30_003, events: 3, newEvents: 3, skipped: 30_000 });
      expect(result.skippedLines).toEqual([2, 3, 4, 5, 6].map((line) => ({ line, reason: 'no id' })));
      expect(await big.rows('SELECT id FROM events ORDER BY id')).toEqual([
        { id: 'escaped-keys' },
        { id: 'first' },
        { id: 'last' },
      ]);
      expect(await big.rows('SELECT count(*) AS n FROM stored_events')).toEqual([{ n: 3 }]);
    } finally {
      await big.close();
    }
  });

  it('an unreadable gzip object fails after the objects before it are stored, or is left out for onUnreadable', async () => {
    const good = (key: string, id: string) => ({
      object: { key, etag: '1', size: 1 },
      bytes: Buffer.from(ndjson([event(id)])),
    });
    const bad = { object: { key: 'bad.gz', etag: '2', size: 2 }, bytes: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]) };
    const error = await failure(store.ingestMany([good('a.ndjson', 'a-1'), bad]));
    expect(error.code).toBe('LOGS_OBJECT_UNREADABLE');
    expect([...(await store.ingestedObjects()).keys()]).toEqual(['a.ndjson']);
    const left: string[] = [];
    const results = await store.ingestMany([bad, good('c.ndjson', 'c-1')], new Date(), {
      onUnreadable: (key, e) => left.push(`${key}: ${e.code}`),
    });
    expect(results.map((r) => r.key)).toEqual(['c.ndjson']);
    expect(left).toEqual(['bad.gz: LOGS_OBJECT_UNREADABLE']);
    expect([...(await store.ingestedObjects()).keys()].sort()).toEqual(['a.ndjson', 'c.ndjson']);
  });

  it('a bare CR neither splits a line nor fails a pack (JSON whitespace stays valid, a raw CR in a string is not JSON); a BOM is not part of line 1', async () => {
    const withCr = JSON.stringify(event('cr-1')).replace(',', ',\r'); // CR between tokens: valid JSON
    const crInString = JSON.stringify({ ...event('cr-3'), actorName: 'a\rb' }).replace('a\\rb', 'a\rb');
    const small = `${withCr}\nold mac\rline\r\n${crInString}\n${JSON.stringify(event('cr-4'))}\r\n`;
    const big = [
      ...Array.from({ length: 15 }, (_, i) => JSON.stringify(event(`big-${i}`))),
      'text\rwith a CR', // line 16
      ...Array.from({ length: 15 }, (_, i) => JSON.stringify(event(`big-${15 + i}`))),
      '{"cut', // line 32: its number is right only if line 16 stayed one line
    ].join('\n');
    expect(small.length).toBeLessThan(2048); // packed: staged with others, read as two columns
    expect(big.length).toBeGreaterThan(2048); // a piece of its own
    const results = await store.ingestMany([
      { object: { key: 'big.ndjson', etag: '1', size: 1 }, bytes: Buffer.from(big) },
      { object: { key: 'bom.ndjson', etag: '1', size: 1 }, bytes: Buffer.from(`\ufeff${ndjson([event('bom-1')])}`) },
      { object: { key: 'small.ndjson', etag: '1', size: 1 }, bytes: Buffer.from(small) },
    ]);
    expect(results.map(({ key, lines, events, skippedLines }) => ({ key, lines, events, skippedLines }))).toEqual([
      {
        key: 'big.ndjson',
        lines: 32,
        events: 30,
        skippedLines: [
          { line: 16, reason: 'not JSON (or a truncated line)' },
          { line: 32, reason: 'not JSON (or a truncated line)' },
        ],
      },
      { key: 'bom.ndjson', lines: 1, events: 1, skippedLines: [] },
      {
        key: 'small.ndjson',
        lines: 4,
        events: 2,
        skippedLines: [
          { line: 2, reason: 'not JSON (or a truncated line)' },
          { line: 3, reason: 'not JSON (or a truncated line)' },
        ],
      },
    ]);
    // The CR between tokens is stored as a tab (whitespace either way); the BOM is not stored.
    expect(
      await store.rows(`SELECT id, raw::VARCHAR AS raw FROM events WHERE id IN ('cr-1', 'bom-1') ORDER BY id`),
    ).toEqual([
      { id: 'bom-1', raw: JSON.stringify(event('bom-1')) },
      { id: 'cr-1', raw: withCr.replace('\r', '\t') },
    ]);
  });

  it('a gzip object bigger than it may decompress in memory is staged as it decompresses: the same events and line numbers; a cut one keeps what came before the cut', async () => {
    const lines = [
      ...Array.from({ length: 40 }, (_, i) => JSON.stringify(event(`s-${i}`))),
      'not json', // line 41
      ...Array.from({ length: 40 }, (_, i) => JSON.stringify(event(`s-${40 + i}`))),
    ];
    const plain = `\ufeff${lines.join('\r\n')}\n`;
    const streamed = await LogStore.open(join(dir, 'streamed'), { chunkBytes: 2048, inMemoryBytes: 1024 });
    const inMemory = await LogStore.open(join(dir, 'in-memory'), { chunkBytes: 2048 });
    try {
      const item = { object: { key: 'big.gz', etag: '1', size: 1 }, bytes: gzipSync(plain) };
      const [a] = await streamed.ingestMany([item]);
      const [b] = await inMemory.ingestMany([item]);
      expect(a).toEqual(b);
      expect(a).toMatchObject({
        lines: 81,
        events: 80,
        gzip: true,
        skippedLines: [{ line: 41, reason: 'not JSON (or a truncated line)' }],
      });
      const all = 'SELECT id, raw::VARCHAR AS raw FROM events ORDER BY id';
      expect(await streamed.rows(all)).toEqual(await inMemory.rows(all));
      // Cut in the middle: the lines before the cut are kept, the cut one is a truncated line.
      const whole = gzipSync(plain);
      const [cut] = await streamed.ingestMany([
        { object: { key: 'cut.gz', etag: '1', size: 1 }, bytes: whole.subarray(0, Math.floor(whole.length * 0.6)) },
      ]);
      expect(cut?.lines).toBeGreaterThan(10);
      expect(cut?.skippedLines.at(-1)).toEqual({ line: cut?.lines, reason: 'not JSON (or a truncated line)' });
    } finally {
      await streamed.close();
      await inMemory.close();
    }
  });

  it('a streamed object that cannot be read (damaged, or over the limit once decompressed) is left out without its staged pieces; the others are stored', async () => {
    const big = ndjson(Array.from({ length: 60 }, (_, i) => event(`t-${i}`)));
    const streamed = await LogStore.open(join(dir, 'limited'), {
      chunkBytes: 2048,
      inMemoryBytes: 1024,
      maxObjectBytes: 4096,
    });
    try {
      const left: string[] = [];
      const results = await streamed.ingestMany(
        [
          { object: { key: 'a.ndjson', etag: '1', size: 1 }, bytes: Buffer.from(ndjson([event('a-1')])) },
          { object: { key: 'b-huge.gz', etag: '1', size: 1 }, bytes: gzipSync(big) },
          {
            object: { key: 'c-damaged.gz', etag: '1', size: 1 },
            bytes: Buffer.from([0x1f, 0x8b, 8, 0, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]),
          },
          {
            object: { key: 'd-opened.ndjson', etag: '1', size: 1 },
            open: async function* () {
              yield Buffer.from(ndjson([event('d-1')]));
            },
          },
        ],
        new Date(),
        { onUnreadable: (key, error) => left.push(`${key}: ${error.code}`) },
      );
      expect(results.map((r) => r.key)).toEqual(['a.ndjson', 'd-opened.ndjson']);
      expect(left).toEqual(['b-huge.gz: LOGS_OBJECT_TOO_LARGE', 'c-damaged.gz: LOGS_OBJECT_UNREADABLE']);
      expect(await streamed.rows('SELECT id FROM events ORDER BY id')).toEqual([{ id: 'a-1' }, { id: 'd-1' }]);
      expect(readdirSync(join(dir, 'limited')).filter((name) => name.startsWith('staging'))).toEqual([]);
      // Without onUnreadable, the call fails once the objects before it are stored.
      const error = await failure(
        streamed.ingestMany([
          { object: { key: 'e.ndjson', etag: '1', size: 1 }, bytes: Buffer.from(ndjson([event('e-1')])) },
          { object: { key: 'f-huge.gz', etag: '1', size: 1 }, bytes: gzipSync(big) },
        ]),
      );
      expect(error.code).toBe('LOGS_OBJECT_TOO_LARGE');
      expect([...(await streamed.ingestedObjects()).keys()].sort()).toEqual([
        'a.ndjson',
        'd-opened.ndjson',
        'e.ndjson',
      ]);
    } finally {
      await streamed.close();
    }
  });

  it('the events view derives the JSON columns and payload values from the stored line', async () => {
    const line = uamEvent({
      id: 'p',
      at: '2026-01-05T10:00:00.000Z',
      event: 'PermissionApplied',
      payload: { permission: { name: 'USER_ADMIN', nested: ['GOVERNANCE', 3] } },
      extra: { futureField: 'kept' },
    });
    await store.ingest({ key: 'p.ndjson', etag: '1', size: 1 }, Buffer.from(ndjson([line])));
    const [row] = await store.rows(
      `SELECT list_sort(payloadValues) AS v, auditPayload->>'$.permission.name' AS name, targets, relatedResources, raw->>'$.futureField' AS future FROM events`,
    );
    expect(row).toEqual({
      v: ['GOVERNANCE', 'PermissionAppliedAuditPayload', 'USER_ADMIN'],
      name: 'USER_ADMIN',
      targets: [],
      relatedResources: [],
      future: 'kept',
    });
  });

  it('targets and objectsAccessed are the exported JSON when an array or object, [] and NULL otherwise', async () => {
    const targets = [{ id: 'ds-1', name: 'Sales "EU"', type: 'DATASOURCE' }];
    const objectsAccessed = [{ id: 'ds-1', columns: [{ name: 'email', tags: ['PII'] }] }];
    const query = (id: string, init: Partial<Parameters<typeof uamEvent>[0]>) =>
      uamEvent({ id, at: '2026-01-05T10:00:00.000Z', event: 'Query', ...init });
    const lines = [
      query('full', { targets, payload: { objectsAccessed } }),
      query('odd', { extra: { targets: '[not json' }, payload: { objectsAccessed: 'text' } }),
      { ...query('none', {}), targets: undefined },
    ];
    await store.ingest({ key: 'q.ndjson', etag: '1', size: 1 }, Buffer.from(ndjson(lines)));
    const rows = await store.rows('SELECT id, targets, objectsAccessed, targetIds FROM events ORDER BY id');
    expect(rows).toEqual([
      { id: 'full', targets, objectsAccessed, targetIds: ['ds-1'] },
      { id: 'none', targets: [], objectsAccessed: null, targetIds: [] },
      { id: 'odd', targets: [], objectsAccessed: null, targetIds: [] },
    ]);
  });

  it('targetIds[i] and targetNames[i] are of one target: NULL where it has no id or name, never shifted', async () => {
    const targets = [
      { id: 'ds-1' }, // no name
      { name: 'Orders' }, // no id
      { id: 'ds-3', name: 'Sales, EU' },
      'not an object',
      { id: 7, name: { nested: true } },
    ];
    const line = uamEvent({ id: 't', at: '2026-01-05T10:00:00.000Z', event: 'TagApplied', targets: targets as never });
    await store.ingest({ key: 't.ndjson', etag: '1', size: 1 }, Buffer.from(ndjson([line])));
    const [row] = await store.rows('SELECT targetIds, targetNames FROM events');
    expect(row).toEqual({
      targetIds: ['ds-1', null, 'ds-3', null, '7'],
      targetNames: [null, 'Orders', 'Sales, EU', null, '{"nested":true}'],
    });
  });
});

describe('the store on disk: Parquet parts named by committed rows', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'logs-parts-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const partsOf = (storeDir: string) => readdirSync(join(storeDir, 'parts')).sort();

  it('a part no committed row names (a sync killed after writing it) is never read, and is deleted on the next open', async () => {
    const storeDir = join(dir, 'store');
    let store = await LogStore.open(storeDir);
    await store.ingest({ key: 'a.ndjson', etag: '1', size: 1 }, Buffer.from(ndjson([event('a-1')])));
    expect(partsOf(storeDir)).toEqual(['part-000001.parquet']);
    await store.close();
    // What a kill between writing a part and committing its rows leaves: a file and no row.
    writeFileSync(join(storeDir, 'parts', 'part-000002.parquet'), 'half written');
    writeFileSync(join(storeDir, 'staging-0.ndjson'), 'half staged');
    mkdirSync(join(storeDir, 'staging-parts', 'queryEvents=true'), { recursive: true });
    writeFileSync(join(storeDir, 'staging-parts', 'queryEvents=true', 'data_0.parquet'), 'half split');
    // Folders by those names (made by hand): a sync failed on them (EISDIR), every time.
    mkdirSync(join(storeDir, 'staging-1.ndjson', 'inside'), { recursive: true });
    mkdirSync(join(storeDir, 'parts', 'part-000003.parquet'));
    const reader = await LogStore.open(storeDir, { readOnly: true });
    expect(await reader.rows('SELECT id FROM events')).toEqual([{ id: 'a-1' }]);
    await reader.close();
    store = await LogStore.open(storeDir);
    expect(partsOf(storeDir)).toEqual(['part-000001.parquet']);
    expect(readdirSync(storeDir).filter((name) => name.startsWith('staging'))).toEqual([]);
    await store.ingest({ key: 'b.ndjson', etag: '1', size: 1 }, Buffer.from(ndjson([event('b-1'), event('a-1')])));
    expect(partsOf(storeDir)).toEqual(['part-000001.parquet', 'part-000002.parquet']);
    expect(await store.rows('SELECT id FROM events ORDER BY id')).toEqual([{ id: 'a-1' }, { id: 'b-1' }]);
    expect(await store.eventCount()).toBe(2);
    await store.close();
  });

  it('a folder that is not a store is refused for writing, never cleaned; only its own part files are leftovers', async () => {
    // A project folder that happens to have a `parts` folder: opening it as a store would have deleted its files.
    const project = join(dir, 'project');
    mkdirSync(join(project, 'parts'), { recursive: true });
    writeFileSync(join(project, 'parts', 'engine.step'), 'mine');
    writeFileSync(join(project, 'README'), 'mine');
    const refused = await failure(LogStore.open(project));
    expect(refused).toMatchObject({ code: 'LOGS_STORE_UNREADABLE', exitCode: 2 });
    expect(refused.message).toBe(
      `cannot use ${project} as a log store: it holds other files (README, parts), not a log store`,
    );
    expect(readdirSync(join(project, 'parts'))).toEqual(['engine.step']);
    const file = join(project, 'README');
    for (const path of [file, join(file, 'store')])
      expect((await failure(LogStore.open(path))).message).toBe(
        `cannot use ${path} as a log store: it, or a folder above it, is a file`,
      );
    // Empty but for hidden files is a new store; in a store, a file of `parts` that is not a part stays.
    const fresh = join(dir, 'fresh');
    mkdirSync(fresh);
    writeFileSync(join(fresh, '.DS_Store'), '');
    const store = await LogStore.open(fresh);
    await store.close();
    writeFileSync(join(fresh, 'parts', 'notes.txt'), 'mine');
    await (await LogStore.open(fresh)).close();
    expect(partsOf(fresh)).toEqual(['notes.txt']);
  });

  it('an object with no new event writes no part', async () => {
    const store = await LogStore.open(join(dir, 'store'));
    await store.ingest({ key: 'a.ndjson', etag: '1', size: 1 }, Buffer.from(ndjson([event('a-1')])));
    const again = await store.ingest({ key: 'a.ndjson', etag: '2', size: 2 }, Buffer.from(ndjson([event('a-1')])));
    expect(again).toMatchObject({ events: 1, newEvents: 0 });
    expect(partsOf(join(dir, 'store'))).toEqual(['part-000001.parquet']);
    await store.close();
  });

  it('a part is rewritten without lines that are not events and ids stored already', async () => {
    const storeDir = join(dir, 'store');
    const store = await LogStore.open(storeDir);
    await store.ingest({ key: 'a.ndjson', etag: '1', size: 1 }, Buffer.from(ndjson([event('old')])));
    const result = await store.ingest(
      { key: 'b.ndjson', etag: '1', size: 1 },
      Buffer.from(`${ndjson([event('old'), event('new')])}{"id": "no-timestamp"}\n`),
    );
    expect(result).toMatchObject({ lines: 3, events: 2, newEvents: 1, skipped: 1 });
    expect(partsOf(storeDir)).toEqual(['part-000001.parquet', 'part-000002.parquet']);
    expect(
      await store.rows(`SELECT id FROM read_parquet('${join(storeDir, 'parts', 'part-000002.parquet')}')`),
    ).toEqual([{ id: 'new' }]);
    expect(await store.rows(`SELECT name, events FROM parts ORDER BY name`)).toEqual([
      { name: 'part-000001.parquet', events: 1 },
      { name: 'part-000002.parquet', events: 1 },
    ]);
    await store.close();
  });

  it('compaction merges 16 small parts into one with the same events', async () => {
    const storeDir = join(dir, 'store');
    const store = await LogStore.open(storeDir);
    for (let i = 0; i < 16; i++) {
      await store.ingest(
        { key: `o-${String(i).padStart(2, '0')}.ndjson`, etag: '1', size: 1 },
        Buffer.from(ndjson([event(`e-${i}`, i % 24), event(`f-${i}`, (i + 5) % 24)])),
      );
    }
    expect(partsOf(storeDir)).toHaveLength(16);
    const before = await store.rows('SELECT id, eventTimestamp, raw, sourceObject FROM events ORDER BY id');
    await store.compact();
    expect(partsOf(storeDir)).toEqual(['part-000017.parquet']);
    expect(await store.rows('SELECT id, eventTimestamp, raw, sourceObject FROM events ORDER BY id')).toEqual(before);
    expect(await store.rows('SELECT name, events FROM parts')).toEqual([{ name: 'part-000017.parquet', events: 32 }]);
    // Ids stay known: the same object again adds nothing.
    const again = await store.ingest(
      { key: 'o-00.ndjson', etag: '2', size: 2 },
      Buffer.from(ndjson([event('e-0', 0)])),
    );
    expect(again.newEvents).toBe(0);
    await store.close();
  });

  it('partsToMerge: small parts once there are 16; in a store of more than 128 parts, the 8 oldest of the lowest size tier', () => {
    const MB = 1024 * 1024;
    const part = (n: number, bytes: number, events = 100_000) => ({
      name: `part-${String(n).padStart(6, '0')}.parquet`,
      events,
      bytes,
    });
    // A busy tenant: every 5-minute sync writes two parts too big to be small (here ~3 MB and ~5 MB).
    const busy = Array.from({ length: 130 }, (_, i) => part(i + 1, (i % 2 ? 5 : 3) * MB));
    expect(partsToMerge(busy)).toEqual({ names: busy.slice(0, 8).map((p) => p.name), small: false });
    // At most 128 parts (the bench's 1 GB synced once is ~60): nothing, a second sync costs what its objects do.
    expect(partsToMerge(busy.slice(0, 128)).names).toEqual([]);
    // The lowest tier first: parts under 2 MB (but with too many events to be small) before those of 2-8 MB.
    const mixed = [...busy, ...Array.from({ length: 8 }, (_, i) => part(200 + i, MB))];
    expect(partsToMerge(mixed).names).toEqual(mixed.slice(130).map((p) => p.name));
    // Parts of 16 MB or more are never merged again; no tier with 8 parts: nothing.
    const big = Array.from({ length: 140 }, (_, i) => part(i + 1, i < 7 ? 3 * MB : 20 * MB));
    expect(partsToMerge(big).names).toEqual([]);
    // Small parts (fewer than 2048 events and 2 MB) as before: all of them, once there are 16.
    const small = Array.from({ length: 16 }, (_, i) => part(300 + i, 10_000, 40));
    expect(partsToMerge([...busy.slice(0, 3), ...small])).toEqual({ names: small.map((p) => p.name), small: true });
    expect(partsToMerge([...busy.slice(0, 3), ...small.slice(1)]).names).toEqual([]);
    expect(COMPACTION).toMatchObject({ smallPartsToMerge: 16, manyParts: 128, partsPerMerge: 8 });
  });

  it('a store of more parts than manyParts merges its oldest parts of a size tier, one merge per compaction, the same events', async () => {
    const storeDir = join(dir, 'store');
    // Thresholds lowered: parts are never small here, 4 parts are many, 3 merge into one.
    const open = () =>
      LogStore.open(storeDir, { compaction: { smallPartsToMerge: 1000, manyParts: 4, partsPerMerge: 3 } });
    let store = await open();
    for (let i = 0; i < 6; i++) {
      await store.ingest(
        { key: `o-${i}.ndjson`, etag: '1', size: 1 },
        Buffer.from(ndjson([event(`e-${i}`, i), event(`f-${i}`, (i + 7) % 24)])),
      );
    }
    expect(partsOf(storeDir)).toHaveLength(6);
    const events = 'SELECT id, eventTimestamp, raw, sourceObject FROM events ORDER BY id';
    const hours = 'SELECT hour, event, action, sum(n) AS n FROM event_hours GROUP BY ALL ORDER BY ALL';
    const before = { events: await store.rows(events), hours: await store.rows(hours) };
    await store.compact();
    expect(partsOf(storeDir)).toEqual([
      'part-000004.parquet',
      'part-000005.parquet',
      'part-000006.parquet',
      'part-000007.parquet',
    ]);
    expect(await store.rows('SELECT name, events FROM parts WHERE name = $n', { n: 'part-000007.parquet' })).toEqual([
      { name: 'part-000007.parquet', events: 6 },
    ]);
    expect({ events: await store.rows(events), hours: await store.rows(hours) }).toEqual(before);
    // Rows in order, part after part (each part sorted already): not sorted again as one.
    const merged = join(storeDir, 'parts', 'part-000007.parquet');
    expect((await store.rows(`SELECT id FROM read_parquet('${merged}')`)).map((r) => r.id)).toEqual([
      'e-0',
      'f-0',
      'e-1',
      'f-1',
      'e-2',
      'f-2',
    ]);
    // 4 parts are not more than manyParts: nothing more to merge.
    await store.compact();
    expect(partsOf(storeDir)).toHaveLength(4);
    await store.close();
    // Opened again, ids stay known: the same object again adds nothing.
    store = await open();
    const again = await store.ingest({ key: 'o-0.ndjson', etag: '2', size: 2 }, Buffer.from(ndjson([event('e-0', 0)])));
    expect(again.newEvents).toBe(0);
    expect(await store.rows('SELECT count(*) AS n FROM events')).toEqual([{ n: 12 }]);
    await store.close();
  });

  it('a store whose first sync was killed before its tables, or before its version row, is empty to read and synced into as new', async () => {
    for (const made of ['', 'CREATE TABLE store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)']) {
      const storeDir = join(dir, `half-${made ? 'meta' : 'none'}`);
      mkdirSync(storeDir);
      const db = await DuckDBInstance.create(join(storeDir, 'events.duckdb'));
      const c = await db.connect();
      if (made) await c.run(made);
      c.closeSync();
      db.closeSync();
      // It was "written by another version of this CLI" (delete it), or a Catalog Error.
      const error = await failure(LogStore.open(storeDir, { readOnly: true }));
      expect(error).toMatchObject({ code: 'LOGS_STORE_EMPTY', exitCode: 2 });
      expect(error.message).toBe(`no log store in ${storeDir}: its first sync did not finish`);
      const writer = await LogStore.open(storeDir);
      await writer.ingest({ key: 'a.ndjson', etag: '1', size: 1 }, Buffer.from(ndjson([event('a')])));
      await writer.close();
      const reader = await LogStore.open(storeDir, { readOnly: true });
      expect(await reader.rows('SELECT id FROM events')).toEqual([{ id: 'a' }]);
      await reader.close();
    }
  });

  it('a part file gone or damaged (a clean-up of old files, a copy cut short) is LOGS_STORE_UNREADABLE, for reading, syncing and compacting', async () => {
    const storeDir = join(dir, 'store');
    const store = await LogStore.open(storeDir);
    for (let i = 0; i < 16; i++)
      await store.ingest({ key: `o-${i}.ndjson`, etag: '1', size: 1 }, Buffer.from(ndjson([event(`e-${i}`, i)])));
    await store.close();
    const copy = (name: string) => {
      cpSync(storeDir, join(dir, name), { recursive: true });
      return join(dir, name);
    };
    const unreadable = async (promise: Promise<unknown>, why: RegExp) => {
      const error = await failure(promise);
      expect(error.code, error.message).toBe('LOGS_STORE_UNREADABLE');
      expect(error.message).toMatch(why);
      expect(error.fix).toMatch(/delete it and sync again/);
    };
    // It was "unexpected failure: IO Error: No files found that match the pattern", with DuckDB's SQL.
    const gone = copy('gone');
    rmSync(join(gone, 'parts', 'part-000003.parquet'));
    await unreadable(
      LogStore.open(gone, { readOnly: true }),
      /1 of its 16 part files is gone \(part-000003\.parquet\)$/,
    );
    await unreadable(LogStore.open(gone), /part-000003\.parquet/);
    // A damaged part is found when it is read: by a query, or by the compaction that merges it.
    const cut = copy('cut');
    truncateSync(join(cut, 'parts', 'part-000016.parquet'), 100);
    const reader = await LogStore.open(cut, { readOnly: true });
    try {
      await unreadable(reader.rows('SELECT count(*) AS n FROM events'), /part-000016\.parquet is damaged or gone: /);
      await unreadable(reader.tableByValue('SELECT max(raw) AS n FROM events'), /part-000016\.parquet/);
    } finally {
      await reader.close();
    }
    const writer = await LogStore.open(cut);
    try {
      await unreadable(writer.compact(), /part-000016\.parquet is damaged or gone: /);
    } finally {
      await writer.close();
    }
    // A store with no part yet needs no parts folder (a first sync killed before it made one).
    const empty = join(dir, 'empty');
    await (await LogStore.open(empty)).close();
    rmSync(join(empty, 'parts'), { recursive: true });
    const none = await LogStore.open(empty, { readOnly: true });
    expect(await none.eventCount()).toBe(0);
    await none.close();
  });

  it('QUERY events and the others go to separate parts, the others sorted by (event, eventTimestamp)', async () => {
    const storeDir = join(dir, 'store');
    const store = await LogStore.open(storeDir);
    const at = (hour: number) => `2026-01-05T${String(hour).padStart(2, '0')}:00:00.000Z`;
    await store.ingest(
      { key: 'mixed.ndjson', etag: '1', size: 1 },
      Buffer.from(
        ndjson([
          uamEvent({ id: 'q1', at: at(9), event: 'Query' }),
          uamEvent({ id: 't3', at: at(12), event: 'TagRemoved' }),
          uamEvent({ id: 't1', at: at(11), event: 'TagApplied' }),
          uamEvent({ id: 'q2', at: at(8), event: 'Query' }),
          uamEvent({ id: 't2', at: at(10), event: 'TagApplied' }),
        ]) +
          // The split reads the text `"action":"QUERY"`: a QUERY event written with spaces goes to the
          // sorted part, another event that holds the text to the QUERY part; both are still found.
          `${JSON.stringify(uamEvent({ id: 'q3', at: at(7), event: 'Query' }), null, 1).replace(/\n/g, '')}\n` +
          `${JSON.stringify(uamEvent({ id: 't4', at: at(13), event: 'TagApplied', payload: { note: { action: 'QUERY' } } }))}\n`,
      ),
    );
    const parts = partsOf(storeDir);
    expect(parts).toHaveLength(2);
    const inOrder = async (part: string) =>
      (
        await store.rows(
          `SELECT id FROM read_parquet('${join(storeDir, 'parts', part)}', hive_partitioning = false, file_row_number = true) ORDER BY file_row_number`,
        )
      ).map((r) => r.id);
    const contents = await Promise.all(parts.map(inOrder));
    expect(contents.find((ids) => ids.includes('q1'))?.sort()).toEqual(['q1', 'q2', 't4']);
    expect(contents.find((ids) => ids.includes('t1'))).toEqual(['q3', 't2', 't1', 't3']);
    expect((await store.rows('SELECT count(*) AS n FROM events'))[0]?.n).toBe(7);
    expect(
      (await store.rows(`SELECT id FROM events WHERE action = 'QUERY' ORDER BY eventTimestamp`)).map((r) => r.id),
    ).toEqual(['q3', 'q2', 'q1']);
    await store.close();
  });

  it('a store in a folder named like a Hive partition (key=value) gets no extra column, through compaction', async () => {
    const storeDir = join(dir, 'env=prod', 'store');
    const store = await LogStore.open(storeDir);
    for (let i = 0; i < 8; i++) {
      await store.ingest(
        { key: `o-${i}.ndjson`, etag: '1', size: 1 },
        Buffer.from(
          ndjson([event(`e-${i}`, i), uamEvent({ id: `q-${i}`, at: '2026-01-05T10:00:00.000Z', event: 'Query' })]),
        ),
      );
    }
    await store.compact();
    expect(partsOf(storeDir)).toEqual(['part-000017.parquet']);
    const [row] = await store.rows('SELECT * FROM stored_events LIMIT 1');
    expect(Object.keys(row ?? {})).not.toContain('env');
    await store.ingest(
      { key: 'late.ndjson', etag: '1', size: 1 },
      Buffer.from(ndjson([uamEvent({ id: 'late', at: '2026-01-06T10:00:00.000Z', event: 'Query' })])),
    );
    expect((await store.rows('SELECT count(*) AS n FROM events'))[0]?.n).toBe(17);
    await store.close();
  });

  it('a small object of 100,000 one-byte lines is staged together with others, its lines counted and skipped', async () => {
    const tiny = '1\n'.repeat(100_000);
    expect(tiny.length).toBeLessThan(PACK_OBJECT_BYTES);
    const store = await LogStore.open(join(dir, 'store'));
    const [first, lines] = await store.ingestMany([
      { object: { key: 'a.ndjson', etag: '1', size: 1 }, bytes: Buffer.from(ndjson([event('a')])) },
      { object: { key: 'lines.ndjson', etag: '1', size: 1 }, bytes: Buffer.from(tiny) },
    ]);
    expect(first).toMatchObject({ lines: 1, newEvents: 1, skipped: 0 });
    expect(lines).toMatchObject({ lines: 100_000, events: 0, skipped: 100_000 });
    expect(lines?.skippedLines[0]).toEqual({ line: 1, reason: 'not a JSON object' });
    await store.close();
  });

  it('small objects staged together (several to a file, across files) keep their own events and line numbers, beside a big one', async () => {
    const store = await LogStore.open(join(dir, 'store'));
    const padded = (id: string) => ({ ...event(id), padding: 'x'.repeat(2000) });
    // 30 objects of ~220 KB (packed: three staged files, the second closed at ~4 MB), a big one
    // (~530 KB, a file of its own) after the 10th, CRLF ends, blank lines, lines that are not events
    // at known places, and a last line without a newline.
    const items: Array<{ object: { key: string; etag: string; size: number }; bytes: Buffer }> = [];
    for (let o = 0; o < 30; o++) {
      const lines = Array.from({ length: 100 }, (_, i) => JSON.stringify(padded(`s${o}-${i}`)));
      if (o === 3 || o === 12) lines.splice(1, 0, 'not json'); // line 2 (12 shares its file with 16)
      if (o === 16 || o === 29) lines.splice(50, 0, '', '{"level":"info"}'); // line 52 (51 is blank)
      const text = o === 7 ? `\n${lines.join('\r\n')}` : lines.join('\n') + (o === 29 ? '' : '\n');
      items.push({
        object: { key: `small-${String(o).padStart(2, '0')}.ndjson`, etag: '1', size: 1 },
        bytes: Buffer.from(text),
      });
      if (o === 9) {
        const big = Array.from({ length: 240 }, (_, i) => JSON.stringify(padded(`big-${i}`)));
        big.splice(239, 0, '[1]'); // line 240
        items.push({
          object: { key: 'small-09-big.ndjson', etag: '1', size: 1 },
          bytes: Buffer.from(`${big.join('\n')}\n`),
        });
      }
    }
    // What the test is about: the small ones are packed, the big one is not, and one pack fills up.
    const sizes = items.map((item) => item.bytes.length);
    expect(Math.max(...sizes.filter((_, i) => i !== 10))).toBeLessThan(PACK_OBJECT_BYTES);
    expect(sizes[10]).toBeGreaterThan(PACK_OBJECT_BYTES);
    expect(sizes.slice(11).reduce((sum, n) => sum + n, 0)).toBeGreaterThan(PACK_BYTES);
    const results = await store.ingestMany(items);
    const byKey = new Map(results.map((r) => [r.key, r]));
    const oneSkipped = (line: number, reason: string, lines = 101) => ({
      lines,
      newEvents: lines - 1,
      skipped: 1,
      skippedLines: [{ line, reason }],
    });
    const expected = {
      'small-03.ndjson': oneSkipped(2, 'not JSON (or a truncated line)'),
      'small-12.ndjson': oneSkipped(2, 'not JSON (or a truncated line)'),
      'small-16.ndjson': oneSkipped(52, 'no id'),
      'small-29.ndjson': oneSkipped(52, 'no id'),
      'small-09-big.ndjson': oneSkipped(240, 'not a JSON object', 241),
    };
    for (const [key, counts] of Object.entries(expected)) expect(byKey.get(key), key).toMatchObject(counts);
    for (const key of ['small-00.ndjson', 'small-07.ndjson', 'small-10.ndjson', 'small-19.ndjson'])
      expect(byKey.get(key)).toMatchObject({ lines: 100, newEvents: 100, skipped: 0 });
    // Every event is stored under the object it came from (ids `s<object>-<n>` and `big-<n>`).
    const owners = await store.rows(
      `SELECT split_part(id, '-', 1) AS prefix, sourceObject, count(*) AS n FROM events GROUP BY ALL ORDER BY sourceObject`,
    );
    const small = (o: number) => ({
      prefix: `s${o}`,
      sourceObject: `small-${String(o).padStart(2, '0')}.ndjson`,
      n: 100,
    });
    // In DuckDB's order: `small-09-big` before `small-09.` (a hyphen is below a dot).
    expect(owners).toEqual([
      ...Array.from({ length: 9 }, (_, o) => small(o)),
      { prefix: 'big', sourceObject: 'small-09-big.ndjson', n: 240 },
      ...Array.from({ length: 21 }, (_, o) => small(o + 9)),
    ]);
    await store.close();
  });

  it('in a batch big enough to be read in parallel, the first copy of a repeated id is the one kept', async () => {
    const store = await LogStore.open(join(dir, 'store'));
    // ~3 MB per object: DuckDB reads these files with several threads, the order must still hold.
    const filler = (prefix: string) =>
      Array.from({ length: 2500 }, (_, i) => ({ ...event(`${prefix}-${i}`), padding: 'x'.repeat(1000) }));
    const first = [...filler('a'), { ...event('dup'), copy: 'first' }];
    const second = [{ ...event('dup'), copy: 'second' }, ...filler('b'), { ...event('dup'), copy: 'third' }];
    const results = await store.ingestMany([
      { object: { key: '1.ndjson', etag: '1', size: 1 }, bytes: Buffer.from(ndjson(first)) },
      { object: { key: '2.ndjson', etag: '1', size: 1 }, bytes: Buffer.from(ndjson(second)) },
    ]);
    expect(results.map((r) => r.newEvents)).toEqual([2501, 2500]);
    expect(await store.rows(`SELECT raw->>'$.copy' AS copy, sourceObject FROM events WHERE id = 'dup'`)).toEqual([
      { copy: 'first', sourceObject: '1.ndjson' },
    ]);
    await store.close();
  });
});

/** Newlines and non-blank lines (what DuckDB reads as lines) of a piece, as staging counts them. */
const countLines = (piece: Buffer) => {
  const { newlines, nonBlank } = readablePiece(piece, 1);
  return { newlines, nonBlank };
};

describe('countLines', () => {
  it('counts newlines and the lines DuckDB reads (blank ones are whitespace only)', () => {
    expect(countLines(Buffer.from('{"a":1}\n\n  \t\r\n{"b":2}'))).toEqual({ newlines: 3, nonBlank: 2 });
    expect(countLines(Buffer.from(''))).toEqual({ newlines: 0, nonBlank: 0 });
    expect(countLines(Buffer.from('x\n'))).toEqual({ newlines: 1, nonBlank: 1 });
  });
});

describe('lineReaderError', () => {
  it("makes DuckDB's failure to read a staged file one line on its object, without the line's bytes", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'logs-reader-'));
    const file = join(folder, 'staging-7.ndjson');
    writeFileSync(file, `{}\n${'\u0007'.repeat(READ_LINE_BYTES + 10)}\n{}\n`);
    const db = await DuckDBInstance.create(':memory:');
    const connection = await db.connect();
    try {
      const thrown = await connection.run(skippedLines({ file, key: 'odd.ndjson', firstLine: 41 }, 5)).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(String(thrown)).toContain('\u0007\u0007'); // DuckDB's own message dumps the line
      const error = lineReaderError(thrown, [
        { file: file.replace('-7', '-1'), key: 'other.ndjson', firstLine: 1 },
        { file, key: 'odd.ndjson', firstLine: 41 },
      ]);
      expect(error?.code).toBe('LOGS_OBJECT_UNREADABLE');
      expect(error?.message).toMatch(
        /^odd\.ndjson \(from line 41\) cannot be read as lines: Maximum line size of \d+ bytes exceeded\. Actual Size:\d+ bytes\.$/,
      );
      expect(lineReaderError(new Error('Invalid Input Error: Malformed JSON'), [])).toBeUndefined();
    } finally {
      connection.closeSync();
      db.closeSync();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('readablePiece', () => {
  it('returns a readable piece itself, and a copy without the unreadable lines (kept as empty lines) otherwise', () => {
    const good = Buffer.from('{"a":1}\n\n{"b":"\u00e9"}\n');
    expect(readablePiece(good, 1, 5)).toEqual({ piece: good, newlines: 3, nonBlank: 2, blanked: 0, unreadable: [] });
    expect(readablePiece(good, 1).piece).toBe(good);
    const bad = Buffer.concat([
      Buffer.from('{"a":1}\n'),
      Buffer.from([0xc3, 0x28, 0x0a]),
      Buffer.from('x\u0001y\n{"b":2}'),
    ]);
    const staged = readablePiece(bad, 10, 1);
    expect(staged.piece.toString()).toBe('{"a":1}\n\n\n{"b":2}');
    expect(staged).toMatchObject({ newlines: 3, nonBlank: 4, blanked: 2 });
    // Only the first `keep` are named; all are counted.
    expect(staged.unreadable).toEqual([{ line: 11, reason: 'not UTF-8 text' }]);
    expect(bad.toString('latin1')).toContain('x\u0001y'); // the object's own bytes are not changed
  });

  it('blanks a line from MAX_LINE_BYTES bytes, anywhere in the piece', () => {
    const piece = (length: number, last: boolean) =>
      Buffer.concat([Buffer.from('{}\n'), Buffer.alloc(length, 0x61), Buffer.from(last ? '' : '\n{}\n')]);
    for (const last of [false, true]) {
      expect(readablePiece(piece(MAX_LINE_BYTES - 1, last), 1).blanked).toBe(0);
      expect(readablePiece(piece(MAX_LINE_BYTES, last), 1, 1).unreadable).toEqual([
        { line: 2, reason: 'longer than 4 MiB (not read)' },
      ]);
    }
  });
});
