import { Flags } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { configIdFlag, filterFlags, sandboxDirFlag, sourceFlag, storeFlag } from '../../../lib/logs/flags.js';
import type { WatchResult } from '../../../lib/alerts/watch.js';

export default class Watch extends BaseCommand<typeof Watch> {
  static override summary = 'Post new matches of presets to a webhook (Slack or any receiver), each event once.';
  static override description =
    'Syncs the source, runs the presets over what is new and posts the matches. The first run starts at --since (default: now, so history is not replayed); a state file (written atomically after each delivery) makes sure nothing is posted twice across runs and restarts. Deliveries time out after 10 s and are retried with back-off on timeouts, 429 and 5xx; nothing counts as sent without a 2xx. --once is for cron and CI; without it, it runs every --every until Ctrl-C.';
  static override examples = [
    '<%= config.bin %> audit logs watch --source s3://audit-bucket/immuta --preset high-risk-permission-changes --webhook https://hooks.slack.com/services/T0/B0/XXX --once',
    '<%= config.bin %> audit logs watch --store ./audit-store --preset failed-queries --threshold 20 --window 1h --webhook https://alerts.example.com/immuta --format json --every 5m',
    '<%= config.bin %> audit logs watch --source sandbox --preset permission-changes --webhook http://127.0.0.1:9000/hook --dry-run --since 1d --once',
  ];
  /**
   * Looping, Ctrl-C or SIGTERM (a service manager's stop) ends the loop after what it is doing
   * (exit 0, "stopped"); --once is one command like any other (exit 130 at once).
   */
  static override stopsOnSignal = (flags: Record<string, unknown>) => !flags.once;
  static override flags = {
    source: sourceFlag,
    'config-id': configIdFlag,
    store: storeFlag,
    'sandbox-dir': sandboxDirFlag,
    preset: Flags.string({ required: true, multiple: true, summary: 'A preset to watch (repeat for several).' }),
    webhook: Flags.string({ required: true, summary: 'Where to post (a secret: shown masked).', helpValue: 'URL' }),
    format: Flags.string({ options: ['slack', 'json'], default: 'slack', summary: 'The body posted.' }),
    every: Flags.string({ default: '5m', summary: 'How often to look, without --once.', helpValue: 'DURATION' }),
    once: Flags.boolean({ summary: 'One run, then exit (cron, CI).' }),
    since: Flags.string({
      summary: 'First run only: post matches from this time (ISO, or a duration back such as 1d). Default: now.',
      helpValue: 'WHEN',
    }),
    threshold: Flags.integer({
      min: 1,
      summary: 'Post one alert when a --window holds this many matches, instead of one per event.',
      helpValue: 'N',
    }),
    window: Flags.string({ default: '1h', summary: 'The --threshold window.', helpValue: 'DURATION' }),
    state: Flags.string({
      summary: "What was sent (default: a file per receiver in the store's folder).",
      helpValue: 'FILE',
    }),
    'dry-run': Flags.boolean({ summary: 'Print what would be posted; send and record nothing.' }),
    tz: Flags.string({ summary: 'IANA time zone of the business hours (default UTC).', helpValue: 'ZONE' }),
    'business-hours': filterFlags['business-hours'],
    'min-score': Flags.integer({ summary: 'Sensitive queries: score at least this (default 80).', helpValue: 'N' }),
  };

  public async run(): Promise<WatchResult> {
    const { runWatchCommand } = await import('../../../lib/alerts/watch-command.js');
    const f = this.flags;
    return runWatchCommand(
      {
        source: f.source,
        configId: f['config-id'],
        store: f.store,
        sandboxDir: f['sandbox-dir'],
        presets: f.preset,
        webhook: f.webhook,
        format: f.format as 'slack' | 'json',
        every: f.every,
        once: f.once,
        since: f.since,
        threshold: f.threshold,
        window: f.window,
        state: f.state,
        dryRun: f['dry-run'],
        tz: f.tz,
        businessHours: f['business-hours'],
        minScore: f['min-score'],
      },
      this.io,
    );
  }
}
