import { usageError } from '../errors/cli-error.js';

/** Node's timers (AbortSignal.timeout) refuse a longer delay (a signed 32-bit count of ms, about 24.8 days). */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** A whole number of milliseconds in [least, most] from `name`; unset or empty: `fallback`. */
export function millisecondsFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  range: { least: number; most: number; fallback: number },
  example: string,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return range.fallback;
  const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  if (value >= range.least && value <= range.most) return value;
  // JSON.stringify: a value with control characters is shown escaped, not interpreted by the terminal.
  const shown = JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw);
  throw usageError(
    `${name} must be a whole number of milliseconds from ${range.least} to ${range.most}, not ${shown}`,
    `Set e.g. ${name}=${example}, or unset it for the default of ${range.fallback} ms.`,
  );
}
