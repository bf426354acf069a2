import { describe, expect, it } from 'vitest';
import { dayKey, fromWallClock, localTime, startOfDay } from '../../../src/lib/report/calendar.js';

describe('report calendar', () => {
  it('a day starts on that day where DST begins at midnight (the clocks go from 23:59:59 to 01:00)', () => {
    for (const [tz, day] of [
      ['America/Santiago', '2010-10-10'],
      ['America/Havana', '2012-04-01'],
      ['America/Sao_Paulo', '2018-11-04'],
    ] as const) {
      const start = startOfDay(day, tz);
      expect(dayKey(start, tz)).toBe(day);
      expect(localTime(start, tz)).toBe(`${day} 01:00:00`);
      expect(dayKey(start - 1, tz)).not.toBe(day); // the first instant of the day
    }
  });

  it('a time the clocks skip moves forward by the gap; one they show twice is the first of the two', () => {
    const wall = (text: string) => Date.parse(`${text}Z`);
    // New York, 2026-03-08: 02:00 EST becomes 03:00 EDT.
    expect(localTime(fromWallClock(wall('2026-03-08T02:30:00'), 'America/New_York'), 'America/New_York')).toBe(
      '2026-03-08 03:30:00',
    );
    expect(new Date(fromWallClock(wall('2026-03-08T01:30:00.250'), 'America/New_York')).toISOString()).toBe(
      '2026-03-08T06:30:00.250Z',
    );
    // 2026-11-01: 01:30 happens twice (EDT, then EST).
    expect(new Date(fromWallClock(wall('2026-11-01T01:30:00'), 'America/New_York')).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(new Date(startOfDay('2026-01-05', 'America/New_York')).toISOString()).toBe('2026-01-05T05:00:00.000Z');
  });
});
