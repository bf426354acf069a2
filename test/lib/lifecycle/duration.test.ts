import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/lib/lifecycle/duration.js';
import { CliError } from '../../../src/lib/errors/cli-error.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2m30s', 150_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['30', 30_000],
    ['0.25', 250],
    [' 10M ', 600_000],
    ['0', 0],
  ])('%s -> %d ms', (text, ms) => {
    expect(parseDuration(text, '--timeout')).toBe(ms);
  });

  it.each(['', 'abc', '10x', '-5s', 'm10', '1h 30m', '10m5', 's'])('rejects %j with exit 2 naming the flag', (text) => {
    let error: unknown;
    try {
      parseDuration(text, '--interval');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect((error as CliError).message).toContain('--interval');
    expect((error as CliError).fix).toContain('10m');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [42_000, '42s'],
    [185_000, '3m 05s'],
    [3_720_000, '1h 02m'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
