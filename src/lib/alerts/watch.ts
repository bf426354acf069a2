import { CliError, usageError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { CommandIO } from '../io/command-io.js';
import { type WritableFile, checkedWritableFile, writeError } from '../io/writable-file.js';
import { escapeControl } from '../output/control-codes.js';
import { registerSecret } from '../output/redact.js';
import { maskUrl } from '../util/mask-url.js';
import { bucketStart, parseMoment } from '../logs/period.js';
import { type DeliveryOptions, abortableSleep, deliver, refusedThisMessage } from './deliver.js';
import { originOf } from '../util/guarded-fetch.js';
import { type AlertFormat, type Message, matchMessages, thresholdMessage } from './payload.js';
import type { AlertSource, EventRow, PresetInfo } from './source.js';
import {
  type WatchState,
  defaultStatePath,
  loadWatchState,
  lockWatchState,
  presetState,
  pruneState,
  saveWatchState,
  webhookFingerprint,
} from './state.js';

/**
 * `immuta audit logs watch`: sync, run the presets over what is new, post the matches. The first
 * run starts at --since (default: its own moment, so history is not replayed); every run queries a
 * look-back window and drops what the state file says was delivered, so events exported late (Immuta
 * exports every 2-24 h) are still posted, once. The state is written atomically after each accepted
 * delivery; a crash between the two may send that one message again (its event ids let a receiver
 * drop the repeat).
 */
export const DEFAULT_LOOKBACK_MS = 7 * 86_400_000;

export interface WatchOptions {
  presets: string[];
  webhook: string;
  format: AlertFormat;
  everyMs: number;
  once: boolean;
  since?: string;
  threshold?: number;
  windowMs: number;
  /** Default: a file per receiver, format and threshold in the store's folder. */
  statePath?: string;
  dryRun: boolean;
  /** How far back each run looks for late-arriving events (default 7 days). */
  lookbackMs?: number;
  /** Delivery tuning (tests shorten the timeout and back-off). */
  delivery?: Partial<Pick<DeliveryOptions, 'timeoutMs' | 'attempts' | 'backoffMs' | 'maxRetryAfterMs' | 'fetch'>>;
}

export interface WatchRunSummary {
  at: string;
  posted: Record<string, number>;
  messages: number;
  failure: string | null;
}

export interface WatchResult {
  runs: WatchRunSummary[];
  /** Default: a file per receiver, format and threshold in the store's folder. */
  statePath?: string;
  dryRun: boolean;
  /** With --dry-run: what would have been posted. */
  wouldPost?: Array<{ preset: string; eventIds: string[]; body: unknown }>;
}

function checkOptions(options: WatchOptions): void {
  if (options.presets.length === 0) {
    throw usageError(
      'at least one --preset is required',
      'e.g. --preset high-risk-permission-changes (see `immuta audit logs presets`).',
    );
  }
  if (options.threshold !== undefined && (!Number.isInteger(options.threshold) || options.threshold < 1)) {
    throw usageError('--threshold must be a whole number of at least 1', 'e.g. --threshold 10 --window 1h');
  }
}

function iso(value: string): string {
  const at = Date.parse(value.includes('T') || value.includes(' ') ? value.replace(' ', 'T') : value);
  return Number.isNaN(at) ? value : new Date(at).toISOString();
}

/**
 * Until when a preset may return the row again, which is how long its sent mark is kept (pruneState):
 * an event's time, or for a finding over a window (sensitive-query-spikes) the window's end. Kept
 * by the window's start, a spike's mark was forgotten once the look-back passed that start, and the
 * rest of its window, still looked at, posted it again.
 */
function foundUntil(row: EventRow): string {
  return iso(String(row.windowEnd ?? row.eventTimestamp));
}

/** The events in each --window, aligned as the presets' buckets are (bucketStart), by its start. */
function thresholdWindows(events: EventRow[], windowMs: number): Map<number, EventRow[]> {
  const windows = new Map<number, EventRow[]>();
  for (const event of events) {
    const start = bucketStart(Date.parse(iso(event.eventTimestamp)), windowMs);
    const list = windows.get(start) ?? [];
    list.push(event);
    windows.set(start, list);
  }
  return windows;
}

interface Planned {
  message: Message;
  /** Applied to the state once the message is accepted. */
  record(state: WatchState): void;
}

/**
 * Where a run starts looking: --since on the first run; afterwards the look-back before the last run
 * that delivered everything (not merely the last run: a receiver down for days loses nothing).
 */
function lookFrom(state: WatchState, options: WatchOptions): Date {
  const since = Date.parse(state.since);
  if (!state.complete) return new Date(since);
  return new Date(Math.max(since, Date.parse(state.complete) - (options.lookbackMs ?? DEFAULT_LOOKBACK_MS)));
}

async function plan(
  source: AlertSource,
  info: PresetInfo,
  state: WatchState,
  options: WatchOptions,
  now: Date,
): Promise<Planned[]> {
  const from = lookFrom(state, options);
  // The first run, started now, has nothing to look at yet.
  if (from.getTime() >= now.getTime()) return [];
  // A threshold window is counted whole (from its start, or from where watching started): counted
  // from the look-back, a --window longer than it (`--window 30d`) held only its last 7 days.
  const since =
    options.threshold === undefined
      ? from
      : new Date(Math.max(Date.parse(state.since), bucketStart(from.getTime(), options.windowMs)));
  const events = await source.events(info.name, { since, until: now });
  const seen = presetState(state, info.name);
  if (options.threshold === undefined) {
    const fresh = events.filter((e) => seen.sent[e.id] === undefined);
    return matchMessages(info, fresh, options.format).map((message) => ({
      message,
      record: (s) => {
        const sent = presetState(s, info.name).sent;
        const at = new Map(fresh.map((e) => [e.id, foundUntil(e)]));
        for (const id of message.eventIds) sent[id] = at.get(id) ?? now.toISOString();
      },
    }));
  }
  const planned: Planned[] = [];
  for (const [start, inWindow] of [...thresholdWindows(events, options.windowMs)].sort((a, b) => a[0] - b[0])) {
    const key = new Date(start).toISOString();
    if (inWindow.length < options.threshold || seen.alerted[key] !== undefined) continue;
    const hit = {
      threshold: options.threshold,
      count: inWindow.length,
      windowStart: key,
      windowEnd: new Date(start + options.windowMs).toISOString(),
    };
    planned.push({
      message: thresholdMessage(info, hit, inWindow, options.format),
      record: (s) => {
        presetState(s, info.name).alerted[key] = hit.count;
      },
    });
  }
  return planned;
}

function resolveStatePath(options: WatchOptions, source: AlertSource): string {
  if (options.statePath) return options.statePath;
  const dir = source.storeDir?.();
  if (!dir) {
    throw usageError('no --state file and no store folder to keep it in', 'Give --state FILE (or --store DIR).');
  }
  return defaultStatePath(dir, options.webhook, options.format, options.threshold);
}

async function cycle(
  source: AlertSource,
  options: WatchOptions,
  io: CommandIO,
  result: WatchResult,
): Promise<WatchRunSummary> {
  await source.sync();
  result.statePath = resolveStatePath(options, source);
  // A folder, FIFO or device by that name is refused before it is read (a FIFO would never answer).
  const stateFile = { path: result.statePath, flag: '--state' };
  const statePath = await checkedWritableFile(stateFile);
  // Two watches on one state file (a cron run that outlasts its interval) would both post what is
  // new: the second is refused while the first holds the file (a dry run only reads it).
  const release = options.dryRun ? undefined : await lockWatchState(statePath);
  try {
    return await postNew(source, options, io, result, { path: statePath, file: stateFile });
  } finally {
    await release?.();
  }
}

/** One run's work once the state file is held: load it, post what is new, save after each delivery. */
async function postNew(
  source: AlertSource,
  options: WatchOptions,
  io: CommandIO,
  result: WatchResult,
  held: { path: string; file: WritableFile },
): Promise<WatchRunSummary> {
  const { path: statePath, file: stateFile } = held;
  const now = io.now();
  // Each preset once: a second turn of one reset its count in the summary to 0.
  const infos = [...new Set(options.presets)].map((name) => source.preset(name));
  const state: WatchState = (await loadWatchState(statePath, options.webhook)) ?? {
    version: 1,
    webhook: webhookFingerprint(options.webhook),
    since: (options.since ? parseMoment(options.since, '--since', now) : now).toISOString(),
    lastRun: null,
    complete: null,
    presets: {},
  };
  pruneState(state, lookFrom(state, options), options.windowMs);
  const summary: WatchRunSummary = { at: now.toISOString(), posted: {}, messages: 0, failure: null };
  // What the receiver said to each message it refused (see refusedThisMessage).
  const refused: string[] = [];
  const save = async () => {
    if (!options.dryRun)
      await saveWatchState(statePath, state).catch((error: unknown) => {
        throw writeError(stateFile, error);
      });
  };
  // The first run fixes `since` on disk at once: a later run must not take its own moment instead.
  state.lastRun = now.toISOString();
  await save();
  for (const info of infos) {
    summary.posted[info.name] = 0;
    for (const { message, record } of await plan(source, info, state, options, now)) {
      if (options.dryRun) {
        result.wouldPost ??= [];
        result.wouldPost.push({ preset: message.preset, eventIds: message.eventIds, body: message.body });
        io.out(`POST ${maskUrl(options.webhook)} (${message.preset}, ${message.eventIds.length} events)`);
        io.out(JSON.stringify(message.body, null, 2));
      } else {
        try {
          await deliver(message.body, {
            url: options.webhook,
            signal: io.signal,
            now: () => io.now(),
            ...options.delivery,
          });
        } catch (error) {
          // A message the receiver refuses for what it holds stopped every later message, run after
          // run. It is left unsent (posted again next run) and the others go on.
          if (!refusedThisMessage(error)) throw error;
          refused.push(String(error.details?.['failure'] ?? error.message));
          io.warn(
            `${info.name}: the receiver refused a message of ${message.eventIds.length} event${message.eventIds.length === 1 ? '' : 's'} (${escapeControl(String(error.details?.['failure']))}); it is posted again next run, the others go on`,
          );
          continue;
        }
        record(state);
        await save();
      }
      summary.messages++;
      summary.posted[info.name] = (summary.posted[info.name] ?? 0) + message.eventIds.length;
    }
  }
  // A refused message's events are not marked sent: later runs must still look back to them.
  if (refused.length === 0) state.complete = now.toISOString();
  await save();
  const total = Object.values(summary.posted).reduce((a, b) => a + b, 0);
  io.note(
    `${options.dryRun ? 'would post' : 'posted'} ${total} event${total === 1 ? '' : 's'} in ${summary.messages} message${summary.messages === 1 ? '' : 's'} (${Object.entries(
      summary.posted,
    )
      .map(([name, n]) => `${name}: ${n}`)
      .join(', ')})`,
  );
  if (refused.length > 0) {
    const n = refused.length;
    throw new CliError(
      `the webhook at ${originOf(options.webhook)} refused ${n} of ${n + summary.messages} message${n + summary.messages === 1 ? '' : 's'}: ${refused[0]}`,
      {
        code: 'WEBHOOK_DELIVERY_FAILED',
        exitCode: ExitCode.TENANT,
        fix: `The others were delivered and marked sent; the refused ${n === 1 ? 'one was' : 'ones were'} not, and ${n === 1 ? 'is' : 'are'} posted again on the next run. Check what the receiver said (a message too large or a payload it does not take).`,
        details: { receiver: originOf(options.webhook), refused },
      },
    );
  }
  return summary;
}

/**
 * A failure the next run of a loop may not have: a receiver, S3, ADLS or the tenant down or failing
 * (exit 5), or the store held by a sync of another process (cron's `logs sync` on the same store).
 * The loop died on the store being busy or S3 failing once, and then posted nothing more.
 */
function passing(error: unknown): error is CliError {
  return error instanceof CliError && (error.exitCode === ExitCode.TENANT || error.code === 'LOGS_STORE_BUSY');
}

export async function runWatch(
  options: WatchOptions,
  io: CommandIO,
  openSource: () => Promise<AlertSource>,
): Promise<WatchResult> {
  checkOptions(options);
  registerSecret(options.webhook);
  const result: WatchResult = { runs: [], statePath: options.statePath ?? '', dryRun: options.dryRun };
  const source = await openSource();
  try {
    for (;;) {
      try {
        result.runs.push(await cycle(source, options, io, result));
        // The loop's exit code is its last run's: a failure that passed (the store busy once, S3
        // down for a run) no longer makes a clean stop hours later exit 3 or 5.
        io.setExitCode(ExitCode.OK);
      } catch (error) {
        if (io.signal.aborted) break;
        // Looping, what may pass is retried next time; --once (cron, CI) reports it.
        if (options.once || !passing(error)) throw error;
        io.warn(`${escapeControl(error.message)} (retrying in the next run)`);
        io.setExitCode(error.exitCode);
        result.runs.push({ at: io.now().toISOString(), posted: {}, messages: 0, failure: error.message });
      }
      if (options.once || io.signal.aborted) break;
      await abortableSleep(options.everyMs, io.signal);
      if (io.signal.aborted) break;
    }
  } finally {
    await source.close();
  }
  if (io.signal.aborted) io.note('stopped');
  return result;
}
