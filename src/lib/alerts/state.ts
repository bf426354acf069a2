import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as z from 'zod'; // a namespace import: the bundle keeps only what is used (not zod's 60 locales)
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { writeFileAtomic } from '../util/atomic-write.js';

/**
 * What `logs watch` has delivered, so that nothing is posted twice across runs and restarts. Written
 * atomically after every accepted delivery. It never holds the webhook URL (a secret), only a hash
 * that tells one receiver's state from another's.
 */
/**
 * A moment as the state writes it (ISO). A hand-edited or damaged one ("garbage", "yesterday") is
 * the file being damaged: it failed later, as an Invalid Date, with an "unexpected failure" (exit 1).
 */
const Moment = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date-time');

const PresetStateSchema = z.object({
  /** Event id -> its eventTimestamp, for events delivered (kept while inside the look-back). */
  sent: z.record(z.string(), Moment).default({}),
  /** Threshold windows already alerted: window start (ISO) -> the count that was posted. */
  alerted: z.record(z.string(), z.number()).default({}),
});
export type PresetState = z.infer<typeof PresetStateSchema>;

export const WatchStateSchema = z.object({
  version: z.literal(1),
  /** sha256 of the webhook URL, first 16 hex digits. */
  webhook: z.string(),
  /** Where watching started: --since of the first run, or its moment. */
  since: Moment,
  lastRun: Moment.nullable(),
  /** The last run whose matches were all delivered: later runs look back from it. */
  complete: Moment.nullable().default(null),
  presets: z.record(z.string(), PresetStateSchema).default({}),
});
export type WatchState = z.infer<typeof WatchStateSchema>;

export function webhookFingerprint(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 16);
}

/** The default state file: one per receiver, format and threshold, next to the store. */
export function defaultStatePath(storeDir: string, url: string, format: string, threshold: number | undefined): string {
  const key = createHash('sha256')
    .update(`${url}\n${format}\n${threshold ?? ''}`)
    .digest('hex')
    .slice(0, 12);
  return join(storeDir, `watch-${key}.json`);
}

export async function loadWatchState(path: string, url: string): Promise<WatchState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // An empty file records nothing delivered (`touch state.json` to make it in advance):
  // a first run, not a damaged file. The state is never written empty (atomic writes).
  if (text.trim() === '') return undefined;
  let parsed: WatchState;
  try {
    parsed = WatchStateSchema.parse(JSON.parse(text));
  } catch {
    throw new CliError('the watch state file is damaged', {
      code: 'WATCH_STATE_INVALID',
      exitCode: ExitCode.USAGE,
      location: { file: path },
      fix: 'Move it away to start watching afresh (give --since to post what was missed), or pass another --state.',
    });
  }
  if (parsed.webhook !== webhookFingerprint(url)) {
    throw new CliError('the watch state file belongs to another --webhook', {
      code: 'WATCH_STATE_MISMATCH',
      exitCode: ExitCode.USAGE,
      location: { file: path },
      fix: 'Use one --state file per receiver (the default path already is).',
    });
  }
  return parsed;
}

export async function saveWatchState(path: string, state: WatchState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
}

export function presetState(state: WatchState, preset: string): PresetState {
  state.presets[preset] ??= { sent: {}, alerted: {} };
  return state.presets[preset];
}

/**
 * Forgets what is older than the look-back: those events are never queried again. A threshold
 * window is kept while any part of it is inside (it starts up to one window before the horizon).
 */
export function pruneState(state: WatchState, horizon: Date, windowMs: number): void {
  const edge = horizon.toISOString();
  const windowEdge = new Date(horizon.getTime() - windowMs).toISOString();
  for (const preset of Object.values(state.presets)) {
    preset.sent = Object.fromEntries(Object.entries(preset.sent).filter(([, at]) => at >= edge));
    preset.alerted = Object.fromEntries(Object.entries(preset.alerted).filter(([start]) => start > windowEdge));
  }
}

/**
 * Holds the state file for one run (a `<file>.lock` folder, proper-lockfile, kept fresh while the run
 * lasts; one left by a process that died is taken over after STALE_LOCK_MS). Held already: a
 * WATCH_STATE_BUSY error, before anything is posted. Returns the release.
 */
export async function lockWatchState(path: string): Promise<() => Promise<void>> {
  const lockfile = (await import('proper-lockfile')).default;
  try {
    return await lockfile.lock(path, {
      realpath: false,
      stale: STALE_LOCK_MS,
      update: STALE_LOCK_MS / 4,
      retries: 0,
      // Its mtime could not be refreshed (the folder went away): the run goes on; at worst a
      // second watch posts an event twice, which the default (throwing in a timer) would not save.
      onCompromised: () => undefined,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new CliError(`another \`watch\` is using the state file ${path}`, {
      code: 'WATCH_STATE_BUSY',
      exitCode: ExitCode.ACTION_NEEDED,
      fix: 'It posts what is new; nothing was posted by this run. Give a watch of its own another --state file.',
    });
  }
}

/** A lock not refreshed for this long belonged to a process that died. */
const STALE_LOCK_MS = 60_000;
