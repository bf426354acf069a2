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

  it('a duration of zero (--since 0d, --window 0h) is named as such, not as "neither a date nor a duration"', async () => {
    for (const [run, flag] of [
      [() => resolveFilters({ since: '0d', now }), '--since'],
      [() => resolveFilters({ window: '0h', now }), '--window'],
      [() => parseSpan('0m', '--every'), '--every'],
    ] as Array<[() => unknown, string]>) {
      const error = await failure(Promise.resolve().then(() => run()));
      expect(error).toMatchObject({ code: 'LOGS_BAD_FILTER', exitCode: 2 });
      expect(error.message).toBe(
        `${flag} "${flag === '--since' ? '0d' : flag === '--window' ? '0h' : '0m'}" is a duration of zero`,
      );
    }
  });

  it('--limit is a safe integer (a bigger one failed in DuckDB as a bug)', async () => {
    expect(resolveFilters({ limit: Number.MAX_SAFE_INTEGER, now }).limit).toBe(Number.MAX_SAFE_INTEGER);
    const error = await failure(Promise.resolve().then(() => resolveFilters({ limit: 1e20, now })));
    expect(error).toMatchObject({ code: 'LOGS_BAD_FILTER', exitCode: 2 });
  });
});

describe('dates that are not on the calendar, and filters given empty', () => {
  it('a day past the end of its month or a time past 23:59:59 is refused, not rolled over into the next', async () => {
    expect(parseMoment('2028-02-29', '--since', now).toISOString()).toBe('2028-02-29T00:00:00.000Z');
    expect(parseMoment('2026-01-31T23:59:59Z', '--until', now).toISOString()).toBe('2026-01-31T23:59:59.000Z');
    for (const [text, message, fix] of [
      [
        '2026-02-30',
        '--since "2026-02-30" is not a date on the calendar',
        '2026-02 has 28 days; give a day from 01 to 28.',
      ],
      [
        '2026-04-31T10:00:00Z',
        '--since "2026-04-31T10:00:00Z" is not a date on the calendar',
        '2026-04 has 30 days; give a day from 01 to 30.',
      ],
      ['2026-01-05T24:30', '--since "2026-01-05T24:30" is not a time of day', expect.stringMatching(/hours 00-23/)],
      ['2026-13-01', '--since "2026-13-01" is not a date on the calendar', expect.stringMatching(/months 01-12/)],
    ] as const) {
      for (const run of [() => parseMoment(text, '--since', now), () => resolveFilters({ since: text, now })]) {
        const error = await failure(Promise.resolve().then(() => run()));
        expect(error).toMatchObject({ code: 'LOGS_BAD_FILTER', exitCode: 2, message, fix });
      }
    }
  });

  it('a list filter given with no value (an unset shell variable) is refused, not read as "every actor"', async () => {
    for (const [flag, value] of [
      ['actor', ''],
      ['actor', ' , '],
      ['event', ''],
      ['status', ','],
      ['target', ',,'],
    ] as const) {
      const error = await failure(Promise.resolve().then(() => resolveFilters({ [flag]: value, now })));
      expect(error).toMatchObject({
        code: 'LOGS_BAD_FILTER',
        exitCode: 2,
        message: `--${flag} "${value}" names nothing`,
      });
    }
    expect(resolveFilters({ actor: 'a@x, b@x', now }).actors).toEqual(['a@x', 'b@x']);
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
