import { usageError } from '../errors/cli-error.js';
import { wallClock } from '../util/wall-clock.js';

/**
 * Days and weeks in a time zone, as `YYYY-MM-DD` keys (weeks by their Monday, ISO 8601). Computed
 * with Intl, so an IANA zone with daylight saving time gets 23- and 25-hour days right.
 */
const DAY_MS = 86_400_000;

export function checkTimeZone(tz: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    throw usageError(
      `--tz "${tz}" is not a time zone`,
      'Use an IANA zone name such as UTC, Europe/Berlin or America/New_York.',
    );
  }
}

export function dayKey(at: number, tz: string): string {
  const p = wallClock(at, tz);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Quarter-hours: every time zone's offset today is a multiple of 15 minutes. */
const DAY_KEY_BUCKET_MS = 900_000;

/**
 * dayKey with a cache per quarter-hour (Intl per event was most of the time of a report over 800,000 events):
 * a quarter-hour whose first and last milliseconds fall on the same local day is that day; one a
 * day starts inside (an offset that is not a multiple of 15 minutes) is computed per event.
 */
export function dayKeyCache(tz: string): (at: number) => string {
  const cache = new Map<number, string | null>();
  return (at) => {
    const bucket = Math.floor(at / DAY_KEY_BUCKET_MS);
    let day = cache.get(bucket);
    if (day === undefined) {
      const first = dayKey(bucket * DAY_KEY_BUCKET_MS, tz);
      day = first === dayKey((bucket + 1) * DAY_KEY_BUCKET_MS - 1, tz) ? first : null;
      cache.set(bucket, day);
    }
    return day ?? dayKey(at, tz);
  };
}

function keyToUtc(key: string): number {
  const [y, m, d] = key.split('-').map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

function utcToKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function nextDay(key: string): string {
  return utcToKey(keyToUtc(key) + DAY_MS);
}

/** The key `days` calendar days after (before, when negative) `key`: days, not 24-hour steps. */
export function addDays(key: string, days: number): string {
  return utcToKey(keyToUtc(key) + days * DAY_MS);
}

/** The Monday of the key's week. */
export function weekKey(day: string): string {
  const ms = keyToUtc(day);
  const sinceMonday = (new Date(ms).getUTCDay() + 6) % 7;
  return utcToKey(ms - sinceMonday * DAY_MS);
}

/** The instant local midnight starts the day `key` in `tz`. */
export function startOfDay(key: string, tz: string): number {
  return fromWallClock(keyToUtc(key), tz);
}

/**
 * The instant the clocks of `tz` show `wall` (a date and time given as if it were UTC milliseconds):
 * `--since 2026-01-05` in America/New_York is 05:00 UTC, not UTC midnight.
 */
export function fromWallClock(wall: number, tz: string): number {
  let at = wall;
  // Two passes settle the zone's offset (it may differ on either side of a DST change).
  for (let i = 0; i < 2; i++) at = wall - offsetAt(at, tz);
  if (at + offsetAt(at, tz) === wall) return at;
  // The clocks skip `wall` (it is in a DST gap; in America/Santiago or Havana the gap is midnight
  // itself, so a day started an hour early, on the day before): `wall` read with the offset from
  // before the change, which is moved forward by the gap (00:00 is 01:00, 02:30 is 03:30, as
  // Temporal's "compatible" does), the later of the two readings.
  return Math.max(wall - offsetAt(at - 12 * 3_600_000, tz), wall - offsetAt(at + 12 * 3_600_000, tz));
}

/** How far the clocks of `tz` are ahead of UTC at `at`, in milliseconds. */
function offsetAt(at: number, tz: string): number {
  const p = wallClock(at, tz);
  const local = Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  // wallClock has whole seconds: the milliseconds of `at` are carried over as they are.
  return local + (((at % 1000) + 1000) % 1000) - at;
}

/**
 * The most days a report covers (about ten years): every chart has a bar per day. A longer period
 * is refused (see the report's period) rather than cut here: cut, its later days, where the events
 * are, were left out and every chart and total read 0.
 */
export const MAX_REPORT_DAYS = 3700;

/** Every day key from the day of `since` to the day before `until` (exclusive end), in order. */
export function daysBetween(since: number, until: number, tz: string): string[] {
  const days: string[] = [];
  const last = dayKey(until - 1, tz);
  for (let key = dayKey(since, tz); key <= last && days.length < MAX_REPORT_DAYS; key = nextDay(key)) days.push(key);
  return days;
}

/** Date and time in the zone, `YYYY-MM-DD HH:MM:SS`. */
export function localTime(at: number, tz: string): string {
  const p = wallClock(at, tz);
  const two = (n: number | undefined) => String(n ?? 0).padStart(2, '0');
  return `${dayKey(at, tz)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
}
