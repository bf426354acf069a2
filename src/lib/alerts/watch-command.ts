import { resolve } from 'node:path';
import type { CommandIO } from '../io/command-io.js';
import type { StoreSelection } from '../logs/read-store.js';
import { proxyFetch } from '../webhooks/proxy-fetch.js';
import { checkWebhookUrl } from '../webhooks/run.js';
import { parseMoment, parseSpan } from '../logs/period.js';
import { ignoredParamsWarning, requirePreset, resolvePresetFilters } from '../logs/presets/run.js';
import { logsAlertSource } from './logs-source.js';
import type { AlertFormat } from './payload.js';
import { type WatchOptions, type WatchResult, runWatch } from './watch.js';

/** `immuta audit logs watch` as the command gives it: flags as typed, parsed here. */
export interface WatchCommandOptions extends StoreSelection {
  presets: string[];
  webhook: string;
  format: AlertFormat;
  every: string;
  once: boolean;
  since?: string;
  threshold?: number;
  window: string;
  state?: string;
  dryRun: boolean;
  tz?: string;
  businessHours?: string;
  minScore?: number;
  /** Delivery tuning (tests shorten the 10 s timeout and the back-off). */
  delivery?: WatchOptions['delivery'];
}

export async function runWatchCommand(options: WatchCommandOptions, io: CommandIO): Promise<WatchResult> {
  const webhook = checkWebhookUrl(options.webhook, '--webhook');
  // Before the first sync, once (not every --every): a typo'd preset fails at once, and a preset
  // flag a watched preset does not read (`--tz` for failed-queries) is said, as `query` says it.
  // --threshold and --window are the watch's own (alert per window), never the preset's.
  // A preset named twice is watched once (its count was reset to 0 by its second turn).
  const presets = [...new Set(options.presets)];
  // --since is read only by a first run (the state file then says where watching started): checked
  // here, a typo in a cron line was taken without a word once the state file existed.
  if (options.since !== undefined) parseMoment(options.since, '--since', io.now());
  const filters = { tz: options.tz, businessHours: options.businessHours, minScore: options.minScore };
  for (const name of presets) {
    const preset = requirePreset(name);
    // A wrong value fails here, before any sync or post (and before the warning that it is ignored).
    resolvePresetFilters(preset, { ...filters, now: io.now() });
    const ignored = ignoredParamsWarning(preset, filters);
    if (ignored) io.warn(ignored);
  }
  const { source, configId, store, sandboxDir } = options;
  return runWatch(
    {
      presets,
      webhook,
      format: options.format,
      everyMs: parseSpan(options.every, '--every'),
      once: options.once,
      since: options.since,
      threshold: options.threshold,
      windowMs: parseSpan(options.window, '--window'),
      statePath: options.state === undefined ? undefined : resolve(io.cwd, options.state),
      dryRun: options.dryRun,
      // Through HTTPS_PROXY when one is set (a receiver such as Slack is outside).
      delivery: { fetch: await proxyFetch(io.env), ...options.delivery },
    },
    io,
    async () => logsAlertSource({ source, configId, store, sandboxDir }, io, filters),
  );
}
