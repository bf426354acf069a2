import { CliError, usageError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * The longest duration taken: 10,000 years (520,000w). Longer ones went past what a JavaScript date
 * (about 275,000 years either way) or a DuckDB interval holds, and failed as a bug.
 */
export const MAX_SPAN_MS = 520_000 * 604_800_000;

/**
 * `90s`, `5m`, `1h`, `7d`, `2w` (and sums such as `1h30m`) in milliseconds, or undefined when the text
 * is not a duration; a LOGS_BAD_FILTER error naming `flag` when it is longer than MAX_SPAN_MS. The
 * one duration reader of the logs commands (filters, report, watch).
 */
export function spanMs(text: string, flag = 'the duration'): number | undefined {
  const value = text.trim().toLowerCase();
  if (!/^(\d+\s*(s|m|h|d|w))+$/.test(value)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)\s*(s|m|h|d|w)/g))
    ms += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  if (ms > MAX_SPAN_MS) {
    throw new CliError(`${flag} "${text}" is longer than 10,000 years`, {
      code: 'LOGS_BAD_FILTER',
      exitCode: ExitCode.USAGE,
      fix: `Give ${flag} in seconds to weeks up to 520000w (or, for a start, an ISO date such as 2000-01-01).`,
    });
  }
  if (ms === 0) {
    // A duration, but no span of time: "neither an ISO date nor a duration" would puzzle.
    throw new CliError(`${flag} "${text}" is a duration of zero`, {
      code: 'LOGS_BAD_FILTER',
      exitCode: ExitCode.USAGE,
      fix: `Give at least 1s (e.g. 7d), or leave ${flag} out.`,
    });
  }
  return ms;
}

/**
 * Where --window buckets are counted from: Monday 2000-01-03 00:00 UTC, DuckDB's time_bucket origin
 * (the Trino rendering uses it too). Hours and days start on the hour and at midnight UTC, weeks on
 * a Monday; counted from 1970-01-01 (a Thursday), `logs watch --window 7d` began its weeks on Thursdays.
 */
export const BUCKET_ORIGIN_MS = Date.UTC(2000, 0, 3);

/** The start of the --window bucket (of `windowMs`) that holds the instant `at` (epoch ms). */
export function bucketStart(at: number, windowMs: number): number {
  return BUCKET_ORIGIN_MS + Math.floor((at - BUCKET_ORIGIN_MS) / windowMs) * windowMs;
}

/**
 * An ISO date or date-time (`2026-01-31`, `2026-01-31T08:00:00Z`, `2026-01-31 08:00`), or a duration
 * back from `now` (`7d`, `12h`); undefined when it is neither. A date or a time without a zone is UTC.
 */
export function momentFrom(text: string, now: Date, flag?: string): Date | undefined {
  const value = text.trim();
  const span = spanMs(value, flag);
  if (span !== undefined) return new Date(now.getTime() - span);
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
  if (!iso.test(value)) return undefined;
  assertCalendarDate(value, flag);
  const dateTime = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value.replace(' ', 'T');
  const at = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(dateTime) ? dateTime : `${dateTime}Z`);
  return Number.isNaN(at) ? undefined : new Date(at);
}

/**
 * A date that is not on the calendar (2026-02-30, 2026-04-31) or a time past 23:59:59: Date.parse
 * rolls them over (2026-02-30 became 2026-03-02), which answered for a range nobody asked for.
 */
function assertCalendarDate(value: string, flag = 'the date'): void {
  const [, year, month, day, hour, minute, second] =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/i.exec(value) ?? [];
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  const dateOk = Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && Number(day) <= daysInMonth;
  const timeOk = Number(hour ?? 0) <= 23 && Number(minute ?? 0) <= 59 && Number(second ?? 0) <= 59;
  if (dateOk && timeOk) return;
  throw new CliError(`${flag} "${value}" is not a ${dateOk ? 'time of day' : 'date on the calendar'}`, {
    code: 'LOGS_BAD_FILTER',
    exitCode: ExitCode.USAGE,
    fix:
      Number(month) >= 1 && Number(month) <= 12 && !dateOk
        ? `${year}-${month} has ${daysInMonth} days; give a day from 01 to ${daysInMonth}.`
        : `Use e.g. ${flag} 2026-01-31 or ${flag} 2026-01-31T08:00:00Z (months 01-12, hours 00-23).`,
  });
}

/** spanMs, or a CliError naming the flag. */
export function parseSpan(text: string, flag: string): number {
  const ms = spanMs(text, flag);
  if (ms !== undefined) return ms;
  throw usageError(`${flag} "${text}" is not a duration`, `Use a number with a unit: ${flag} 30s, 5m, 1h, 7d or 2w.`);
}

/** momentFrom, or a CliError naming the flag. */
export function parseMoment(text: string, flag: string, now: Date): Date {
  const at = momentFrom(text, now, flag);
  if (at !== undefined) return at;
  throw usageError(
    `${flag} "${text}" is neither an ISO date nor a duration`,
    `Use e.g. ${flag} 2026-01-31, ${flag} 2026-01-31T08:00:00Z or ${flag} 7d.`,
  );
}
