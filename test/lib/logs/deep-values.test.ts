import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEEP_VALUE, nestedDeeperThan, renderDeepSafe } from '../../../src/lib/logs/deep-values.js';
import { runSql } from '../../../src/lib/logs/sql.js';
import { runSync } from '../../../src/lib/logs/sync.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { runCommand } from '../../helpers/run-command.js';
import { ndjson, uamEvent } from './events.js';

/** A value nested `depth` levels, made without recursion (JSON.parse does not recurse either). */
const nested = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`) as unknown;

describe('JSON values nested too deep to print', () => {
  it('are measured without recursion, and replaced only when rendering fails on them', () => {
    expect(nestedDeeperThan(nested(200_000), 1000)).toBe(true);
    expect(nestedDeeperThan({ a: [{ b: [1] }] }, 4)).toBe(false);
    expect(nestedDeeperThan({ a: [{ b: [1] }] }, 3)).toBe(true);
    const rows = [
      { id: 'deep', v: nested(200_000) },
      { id: 'flat', v: { a: 1 } },
    ];
    let replaced = 0;
    const text = renderDeepSafe(
      rows,
      (shown) => shown.map((r) => JSON.stringify(r)).join('\n'),
      (n) => (replaced = n),
    );
    expect(text).toBe(`{"id":"deep","v":${JSON.stringify(DEEP_VALUE)}}\n{"id":"flat","v":{"a":1}}`);
    expect(replaced).toBe(1);
    // Rows that print are rendered once, untouched.
    let calls = 0;
    renderDeepSafe(
      [{ v: nested(10) }],
      () => calls++,
      () => expect.unreachable(),
    );
    expect(calls).toBe(1);
  });

  describe('audit logs sql over an exported line holding one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'logs-deep-'));
    const store = join(dir, 'store');
    beforeAll(async () => {
      mkdirSync(join(dir, 'exported'));
      // An array 200,000 deep in the payload: DuckDB stores it; JSON.stringify cannot print it.
      const deep = JSON.stringify(
        uamEvent({ id: 'deep', at: '2026-01-05T10:00:00.000Z', event: 'Query', payload: { x: 'DEEP' } }),
      ).replace('"DEEP"', `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
      const flat = uamEvent({ id: 'flat', at: '2026-01-05T11:00:00.000Z', event: 'TagApplied' });
      // A tag event whose target is nested as deep: what `watch --preset tag-changes` posts.
      const deepTarget = JSON.stringify({
        ...uamEvent({ id: 'deep-target', at: '2026-01-05T12:00:00.000Z', event: 'TagApplied' }),
        targets: [{ id: 'DEEP', name: 'x' }],
      }).replace('"DEEP"', `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
      writeFileSync(join(dir, 'exported', 'a.ndjson'), `${deep}\n${ndjson([flat])}${deepTarget}\n`);
      await runSync({ source: join(dir, 'exported'), store }, fakeIO());
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(['ndjson', 'json', 'csv', 'table'])(
      '--format %s prints the other rows and values, with a warning (it was an unexpected failure, exit 1)',
      async (format) => {
        const io = fakeIO();
        await runSql({ store, sql: 'SELECT id, raw FROM events ORDER BY id', format }, io);
        expect(io.stdout()).toContain(DEEP_VALUE);
        expect(io.stdout()).toContain('flat');
        expect(io.stderr()).toContain('2 value(s) nested deeper than 1000 levels are shown as');
      },
    );

    it('watch posts such a value as the placeholder, with a warning (every run failed, exit 1)', async () => {
      const watched = await runCommand(
        [
          'audit',
          'logs',
          'watch',
          '--store',
          store,
          '--preset',
          'tag-changes',
          '--since',
          '2026-01-01',
          '--webhook',
          'http://127.0.0.1:9/hook',
          '--once',
          '--dry-run',
          '--format',
          'json',
        ],
        { env: { HOME: dir } },
      );
      expect(watched.exitCode, watched.stderr).toBe(0);
      expect(watched.stdout).toContain(JSON.stringify(DEEP_VALUE));
      expect(watched.stderr).toContain('1 value(s) nested deeper than 1000 levels are posted as');
    });
  });
});
