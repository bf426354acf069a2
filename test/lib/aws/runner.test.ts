import { describe, expect, it } from 'vitest';
import { runLimited } from '../../../src/lib/aws/runner.js';

describe('runLimited', () => {
  it('never runs more than `limit` tasks at once and keeps input order', async () => {
    let running = 0;
    let peak = 0;
    const tasks = Array.from({ length: 7 }, (_, i) => ({
      name: `t${i}`,
      run: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return i;
      },
    }));
    const results = await runLimited(tasks, { limit: 3 });
    expect(peak).toBe(3);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : -1))).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('settles rejections and timeouts instead of throwing, and aborts the timed-out task', async () => {
    let aborted = false;
    const results = await runLimited(
      [
        { name: 'boom', run: async () => Promise.reject(new Error('boom')) },
        {
          name: 'hang',
          timeoutMs: 20,
          run: (signal) =>
            new Promise<number>((resolve) => {
              signal.addEventListener('abort', () => {
                aborted = true;
                resolve(0);
              });
            }),
        },
        { name: 'ok', run: async () => 1 },
      ],
      { timeoutMs: 10_000 },
    );
    expect(results[0]).toMatchObject({ status: 'rejected', timedOut: false });
    expect(results[1]).toMatchObject({ status: 'rejected', timedOut: true });
    expect(results[2]).toMatchObject({ status: 'fulfilled', value: 1 });
    expect(aborted).toBe(true);
  });
});
