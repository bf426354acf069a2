import type { SandboxJob, SandboxObjectRow } from './client.js';

/** `sandbox jobs`/`objects` show this many by default, newest first. */
export const DEFAULT_LIST_LIMIT = 20;

function time(value: string | null | undefined): number {
  const parsed = value ? Date.parse(value) : Number.NaN;
  return Number.isNaN(parsed) ? 0 : parsed;
}

/** Newest first (by start time, then id for a stable order), at most `limit`. */
export function newestJobs(jobs: readonly SandboxJob[], limit: number): { shown: SandboxJob[]; total: number } {
  const sorted = [...jobs].sort((a, b) => time(b.startTimestamp) - time(a.startTimestamp) || b.id.localeCompare(a.id));
  return { shown: sorted.slice(0, limit), total: jobs.length };
}

/**
 * The sandbox answers the newest `limit` objects oldest first; asked for one more than shown, it tells
 * whether more exist. Newest first, at most `limit`.
 */
export function newestObjects(
  rows: readonly SandboxObjectRow[],
  limit: number,
): { shown: SandboxObjectRow[]; more: boolean } {
  const sorted = [...rows].sort((a, b) => time(b.lastModified) - time(a.lastModified) || b.key.localeCompare(a.key));
  return { shown: sorted.slice(0, limit), more: rows.length > limit };
}

/** "20 of 204 jobs shown, newest first: --limit 204 shows all." (undefined when all are shown). */
export function jobsShownNote(shown: number, total: number): string | undefined {
  if (shown >= total) return undefined;
  return `${shown} of ${total} jobs shown, newest first: --limit ${total} shows all.`;
}

export function objectsShownNote(shown: number, more: boolean): string | undefined {
  if (!more) return undefined;
  return `The newest ${shown} objects shown; there are more: --limit N shows up to 1000 (or list the bucket with your S3 tools).`;
}

/** What the interval scale means for the exports, and how to change it (`sandbox start` and `jobs`). */
export function scaleNote(intervalScale: number): string {
  const twoHours = 2 * 60 * 60 * intervalScale;
  const twelve = 12 * 60 * 60 * intervalScale;
  const human = (seconds: number) =>
    seconds < 120
      ? `${Math.round(seconds)} s`
      : seconds < 7200
        ? `${Math.round(seconds / 60)} min`
        : `${Math.round(seconds / 3600)} h`;
  const change =
    intervalScale === 1
      ? 'start it with --interval-scale 0.001 for an export every few seconds (EVERY_2_HOURS about 7 s)'
      : 'restart it with another --interval-scale to change that';
  return `Interval scale ${intervalScale}: EVERY_2_HOURS exports every ${human(twoHours)}, EVERY_12_HOURS every ${human(twelve)}; ${change}.`;
}
