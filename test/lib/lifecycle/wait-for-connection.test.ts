import { describe, expect, it } from 'vitest';
import {
  MAX_POLL_INTERVAL_MS,
  type PollEvent,
  waitForConnection,
} from '../../../src/lib/lifecycle/wait-for-connection.js';
import type { ExportConfiguration } from '../../../src/lib/tenant/types.js';

const DENIED =
  'Error testing access to S3 using AssumedRole arn:aws:iam::1:role/r - not authorized to perform: sts:AssumeRole';

/** A clock that only moves when the loop sleeps: every delay is observable, nothing really waits. */
function fakeTime() {
  let now = 1_000_000;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

function statuses(...list: Array<string | null>): () => Promise<ExportConfiguration> {
  let i = 0;
  return async () => {
    const status = list[Math.min(i, list.length - 1)];
    i++;
    return { id: 'cfg-1', interval: 'EVERY_2_HOURS', enabled: true, connectionStatus: status };
  };
}

describe('waitForConnection', () => {
  it('reads once and returns when no wait is asked (timeout 0)', async () => {
    const time = fakeTime();
    const result = await waitForConnection({ read: statuses(DENIED), timeoutMs: 0, intervalMs: 5000, ...time });
    expect(result).toMatchObject({ connected: false, attempts: 1, waitedMs: 0 });
    expect(time.sleeps).toEqual([]);
  });

  it('stops at the first SUCCESS', async () => {
    const time = fakeTime();
    const result = await waitForConnection({
      read: statuses(DENIED, DENIED, 'SUCCESS', DENIED),
      timeoutMs: 600_000,
      intervalMs: 5000,
      ...time,
    });
    expect(result).toMatchObject({ connected: true, attempts: 3, waitedMs: 15_000 });
    expect(result.configuration.connectionStatus).toBe('SUCCESS');
    expect(time.sleeps).toEqual([5000, 10_000]);
  });

  it('backs off exponentially from the interval, capped at 60 s', async () => {
    const time = fakeTime();
    await waitForConnection({ read: statuses(DENIED), timeoutMs: 10 * 60_000, intervalMs: 5000, ...time });
    expect(time.sleeps.slice(0, 6)).toEqual([5000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(Math.max(...time.sleeps)).toBe(MAX_POLL_INTERVAL_MS);
  });

  it('never sleeps past the deadline, and reads one last time at it', async () => {
    const time = fakeTime();
    const result = await waitForConnection({ read: statuses(DENIED), timeoutMs: 30_000, intervalMs: 5000, ...time });
    // 5 + 10 = 15 s, then only the 15 s that remain (not 20), then a final read at 30 s.
    expect(time.sleeps).toEqual([5000, 10_000, 15_000]);
    expect(result).toMatchObject({ connected: false, attempts: 4, waitedMs: 30_000 });
  });

  it('caps an interval larger than the maximum', async () => {
    const time = fakeTime();
    await waitForConnection({ read: statuses(DENIED, 'SUCCESS'), timeoutMs: 600_000, intervalMs: 300_000, ...time });
    expect(time.sleeps).toEqual([60_000]);
  });

  it('reports every read, flagging status changes', async () => {
    const time = fakeTime();
    const events: PollEvent[] = [];
    await waitForConnection({
      read: statuses(null, DENIED, DENIED, 'SUCCESS'),
      timeoutMs: 600_000,
      intervalMs: 1000,
      onRead: (e) => events.push(e),
      ...time,
    });
    expect(events.map((e) => [e.attempt, e.changed, e.elapsedMs])).toEqual([
      [1, true, 0],
      [2, true, 1000],
      [3, false, 3000],
      [4, true, 7000],
    ]);
  });

  it('lets a read failure through (the client has already retried what is worth retrying)', async () => {
    const time = fakeTime();
    let calls = 0;
    const read = async (): Promise<ExportConfiguration> => {
      calls++;
      if (calls === 2) throw new Error('tenant down');
      return { id: 'cfg-1', interval: 'EVERY_2_HOURS', enabled: true, connectionStatus: DENIED };
    };
    await expect(waitForConnection({ read, timeoutMs: 60_000, intervalMs: 1000, ...time })).rejects.toThrow(
      'tenant down',
    );
  });
});
