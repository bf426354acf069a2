/**
 * The wall-clock reading of an instant in an IANA time zone, with Intl (so daylight saving time is
 * right), one cached formatter per zone. Throws a RangeError for a zone Node does not know.
 */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, format);
  }
  return format;
}

export function wallClock(atMs: number, zone: string): WallClock {
  const out: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(atMs)))
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** Minutes east of UTC of `zone` at the instant `atMs`. */
export function zoneOffsetAt(atMs: number, zone: string): number {
  const w = wallClock(atMs, zone);
  const wall = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((wall - Math.floor(atMs / 1000) * 1000) / 60_000);
}
