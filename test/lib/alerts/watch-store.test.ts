import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { logsAlertSource } from '../../../src/lib/alerts/logs-source.js';
import { runWatchCommand } from '../../../src/lib/alerts/watch-command.js';
import { runWatch } from '../../../src/lib/alerts/watch.js';
import { runPreset } from '../../../src/lib/logs/presets/run.js';
import { LogStore } from '../../../src/lib/logs/store.js';
import { generateEvents } from '../../../src/lib/sandbox/events/generator.js';
import { toNdjson } from '../../../src/lib/sandbox/events/ndjson.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { type Receiver, startReceiver } from '../../helpers/receiver.js';
import { ndjson, uamEvent } from '../logs/events.js';

/**
 * `logs watch` end to end over the real store: exported objects land in a folder between runs, the
 * receiver fails, times out and rate-limits, and every matching event reaches it exactly once.
 */
const T = Date.parse('2026-04-06T12:00:00Z');
const hours = (h: number) => new Date(T + h * 3_600_000);

let dir: string;
let receiver: Receiver;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'immuta-watch-store-'));
  mkdirSync(join(dir, 'exported'));
  receiver = await startReceiver();
});
afterEach(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

function exportObject(name: string, from: number, to: number): void {
  const events = generateEvents({
    seed: name,
    count: 120,
    from: hours(from),
    to: hours(to),
    tenantId: 't.example.com',
  });
  writeFileSync(join(dir, 'exported', `${name}.ndjson`), toNdjson(events));
}

const watch = (now: Date) =>
  runWatchCommand(
    {
      source: join(dir, 'exported'),
      store: join(dir, 'store'),
      presets: ['permission-changes', 'configuration-changes'],
      webhook: receiver.url,
      format: 'json',
      every: '5m',
      once: true,
      window: '1h',
      dryRun: false,
      delivery: { timeoutMs: 500, backoffMs: 10 },
    },
    fakeIO({ now, cwd: dir }),
  );

describe('logs watch over the store', () => {
  it('posts every matching event exactly once over three runs with new objects in between', async () => {
    exportObject('history', -24, -1);
    await watch(hours(0));
    expect(receiver.requests).toHaveLength(0);

    exportObject('one', 0, 1);
    receiver.script.push('fail', 'hang', { status: 429, retryAfter: '0' });
    await watch(hours(1));

    exportObject('two', 1, 2);
    receiver.fallback = 'fail';
    const error = await failure(watch(hours(2)));
    expect(error.code).toBe('WEBHOOK_DELIVERY_FAILED');

    receiver.fallback = 'ok';
    exportObject('three', 2, 3);
    await watch(hours(3));

    const store = await LogStore.open(join(dir, 'store'), { readOnly: true });
    const expected: string[] = [];
    try {
      for (const preset of ['permission-changes', 'configuration-changes']) {
        const { rows } = await runPreset(store, preset, {
          since: hours(0).toISOString(),
          until: hours(3).toISOString(),
        });
        expected.push(...rows.map((r) => String(r.id)));
      }
    } finally {
      await store.close();
    }
    const posted = (receiver.accepted as Array<{ events: Array<{ id: string }> }>).flatMap((b) =>
      b.events.map((e) => e.id),
    );
    expect(expected.length).toBeGreaterThan(5);
    expect(posted.sort()).toEqual(expected.sort());
  }, 60_000);

  it('posts a spike once, also when the look-back has passed its window start but not its end', async () => {
    // 30 sensitive queries of one actor, one every 2 minutes from 10:00: one spike, hour 10:00. The
    // second run looks back from 10:05, so it sees 27 of them: the same finding, not a new one.
    const queries = Array.from({ length: 30 }, (_, i) =>
      uamEvent({
        id: `q-${i}`,
        at: new Date(Date.parse('2026-03-02T10:00:00Z') + i * 120_000).toISOString(),
        event: 'Query',
        actor: 'ana@example.com',
        targets: [{ id: 'ds-1', name: 'Customers' }],
        payload: { securityProfile: { sensitivity: { score: 90 } } },
      }),
    );
    writeFileSync(join(dir, 'exported', 'queries.ndjson'), ndjson(queries));
    const selection = { source: join(dir, 'exported'), store: join(dir, 'store') };
    const options = {
      presets: ['sensitive-query-spikes'],
      webhook: receiver.url,
      format: 'json' as const,
      everyMs: 60_000,
      once: true,
      windowMs: 3_600_000,
      statePath: join(dir, 'state.json'),
      dryRun: false,
      since: '2026-03-02T09:00:00Z',
      lookbackMs: 3_600_000,
      delivery: { timeoutMs: 500, backoffMs: 10 },
    };
    for (const now of ['2026-03-02T11:05:00Z', '2026-03-02T11:40:00Z', '2026-03-02T12:10:00Z']) {
      const io = fakeIO({ now: new Date(now), cwd: dir });
      await runWatch(options, io, async () => logsAlertSource(selection, io));
    }
    const posted = (receiver.accepted as Array<{ events: Array<{ id: string; queries: number }> }>).flatMap(
      (b) => b.events,
    );
    expect(posted).toEqual([
      expect.objectContaining({ id: 'sensitive-query-spikes:ana@example.com|2026-03-02T10:00:00.000Z', queries: 30 }),
    ]);
  });

  it('a source with no objects yet is said on the first sync of a watch, not on every one', async () => {
    const io = fakeIO({ now: hours(0), cwd: dir });
    const source = logsAlertSource({ source: join(dir, 'exported'), store: join(dir, 'store') }, io);
    await source.sync();
    await source.sync();
    expect(io.stderr().match(/holds no exported objects/g)).toHaveLength(1);
  });
});
