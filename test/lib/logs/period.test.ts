import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortableSleep } from '../../../src/lib/alerts/deliver.js';
import { resolveFilters } from '../../../src/lib/logs/filters.js';
import { MAX_SPAN_MS, parseMoment, parseSpan, spanMs } from '../../../src/lib/logs/period.js';
import { failure } from '../../helpers/expect-cli-error.js';

const now = new Date('2026-03-02T09:00:00Z');

describe('durations and moments at their limits', () => {
  it('takes up to 10,000 years; longer is a usage error naming the flag (it was a bug: an invalid date, a DuckDB interval out of range)', async () => {
    expect(spanMs('520000w')).toBe(MAX_SPAN_MS);
    expect(parseMoment('520000w', '--since', now).getUTCFullYear()).toBe(-7940);
    for (const [run, flag] of [
      [() => parseSpan('520000w1s', '--window'), '--window'],
      [() => parseMoment('99999999999999d', '--since', now), '--since'],
      [() => resolveFilters({ since: '99999999999999d', now }), '--since'],
    ] as Array<[() => unknown, string]>) {
      const error = await failure(Promise.resolve().then(() => run()));
      expect(error).toMatchObject({ code: 'LOGS_BAD_FILTER', exitCode: 2 });
      expect(error.message).toMatch(new RegExp(`^${flag} ".+" is longer than 10,000 years$`));
    }
  });

  it('--limit is a safe integer (a bigger one failed in DuckDB as a bug)', async () => {
    expect(resolveFilters({ limit: Number.MAX_SAFE_INTEGER, now }).limit).toBe(Number.MAX_SAFE_INTEGER);
    const error = await failure(Promise.resolve().then(() => resolveFilters({ limit: 1e20, now })));
    expect(error).toMatchObject({ code: 'LOGS_BAD_FILTER', exitCode: 2 });
  });
});

describe('abortableSleep', () => {
  afterEach(() => vi.useRealTimers());

  it('waits longer than a Node timer can (--every 30d), in steps', async () => {
    vi.useFakeTimers();
    let woke = false;
    void abortableSleep(30 * 86_400_000, new AbortController().signal).then(() => {
      woke = true;
    });
    await vi.advanceTimersByTimeAsync(25 * 86_400_000);
    expect(woke).toBe(false);
    await vi.advanceTimersByTimeAsync(5 * 86_400_000);
    expect(woke).toBe(true);
  });
});
