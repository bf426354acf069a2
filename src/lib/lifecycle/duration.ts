import { usageError } from '../errors/cli-error.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
// `ms` before `m`, so that "500ms" is not read as 500 minutes and a stray "s".
const PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|h|m|s))+$/;

/**
 * Parses `90s`, `10m`, `1h`, `1h30m`, `500ms` or plain seconds (`30`, `0.5`) into milliseconds.
 * A bad value is the user's to fix before anything is sent: exit 2 naming the flag.
 */
export function parseDuration(text: string, flag: string): number {
  const value = text.trim().toLowerCase();
  let ms: number | undefined;
  if (/^\d+(?:\.\d+)?$/.test(value)) ms = Number(value) * 1000;
  else if (WHOLE.test(value)) {
    ms = 0;
    for (const [, amount, unit] of value.matchAll(PART)) ms += Number(amount) * (UNIT_MS[unit ?? 's'] ?? 1000);
  }
  if (ms === undefined || !Number.isFinite(ms)) {
    throw usageError(
      `${flag} "${text}" is not a duration`,
      `Use a number with a unit, e.g. ${flag} 90s, 10m, 1h or 1h30m (a plain number means seconds).`,
    );
  }
  return Math.round(ms);
}

/** `850 ms`, `42s`, `3m 05s`, `1h 02m`: for progress lines and messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}
