import { usageError } from '../errors/cli-error.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `90s`, `5m`, `1h`, `7d`, `2w` (and sums such as `1h30m`) in milliseconds; a CliError naming the flag otherwise. */
export function parseSpan(text: string, flag: string): number {
  const value = text.trim().toLowerCase();
  if (/^(\d+(s|m|h|d|w))+$/.test(value)) {
    let ms = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)(s|m|h|d|w)/g))
      ms += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
    if (ms > 0) return ms;
  }
  throw usageError(`${flag} "${text}" is not a duration`, `Use a number with a unit: ${flag} 30s, 5m, 1h, 7d or 2w.`);
}

/**
 * A moment given as an ISO date/time (`2026-01-31`, `2026-01-31T08:00:00Z`) or as a duration back
 * from now (`7d`, `12h`). A date without a zone is read as UTC.
 */
export function parseMoment(text: string, flag: string, now: Date): Date {
  const value = text.trim();
  if (/^\d+[smhdw]/i.test(value) && !/^\d{4}-/.test(value)) return new Date(now.getTime() - parseSpan(value, flag));
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const at = /^\d{4}-\d{2}-\d{2}T/.test(iso) ? Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : `${iso}Z`) : NaN;
  if (Number.isNaN(at)) {
    throw usageError(
      `${flag} "${text}" is neither an ISO date nor a duration`,
      `Use e.g. ${flag} 2026-01-31, ${flag} 2026-01-31T08:00:00Z or ${flag} 7d.`,
    );
  }
  return new Date(at);
}
