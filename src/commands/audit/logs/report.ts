import { Flags } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { configIdFlag, sandboxDirFlag, sourceFlag, storeFlag } from '../../../lib/logs/flags.js';
import type { ReportResult } from '../../../lib/report/run.js';

export default class Report extends BaseCommand<typeof Report> {
  static override summary = "Write the audit guide's dashboard as one self-contained HTML file (or PDF).";
  static override description =
    'Policy edits, access grants and removals, entitlement changes, query volume with failures, sensitive queries with their spikes, top actors and targets, and the latest high-risk permission changes, manual grants, new sensitive columns and configuration changes, in daily and weekly buckets of --tz. The file makes no network request when opened (Chart.js is inlined) and prints well. The period ends with the day of the latest event unless --until is given, so the same store and arguments give the same file (but its generated-at line).';
  static override examples = [
    '<%= config.bin %> audit logs report --source ./exported-logs --out report.html',
    '<%= config.bin %> audit logs report --store ./audit-store --since 90d --tz Europe/Berlin --out q1.html',
    '<%= config.bin %> audit logs report --source sandbox --format pdf --out report.pdf',
    '<%= config.bin %> audit logs report --store ./audit-store --out - > report.html',
  ];
  static override flags = {
    source: sourceFlag,
    'config-id': configIdFlag,
    store: storeFlag,
    'sandbox-dir': sandboxDirFlag,
    since: Flags.string({
      default: '30d',
      summary:
        'Start: an ISO date (midnight in --tz), or a duration back from the end of the period (30d: 30 days of --tz).',
      helpValue: 'WHEN',
    }),
    until: Flags.string({
      summary: 'End (exclusive): an ISO date (midnight in --tz). Default: the end of the latest event’s day.',
      helpValue: 'WHEN',
    }),
    tz: Flags.string({ default: 'UTC', summary: 'IANA time zone of the days and weeks.', helpValue: 'ZONE' }),
    out: Flags.string({
      required: true,
      summary: 'The file to write; - writes the HTML to standard output (the summary line then goes to stderr).',
      helpValue: 'FILE',
    }),
    format: Flags.string({ options: ['html', 'pdf'], default: 'html', summary: 'html, or pdf printed by Chromium.' }),
    'min-score': Flags.integer({ summary: 'Sensitive queries: score at least this (default 80).', helpValue: 'N' }),
    'business-hours': Flags.string({
      summary:
        'High-risk permission changes: business hours, Monday to Friday, start inclusive, end exclusive, in --tz (default 08:00-18:00).',
      helpValue: 'HH:MM-HH:MM',
    }),
    'spike-threshold': Flags.integer({
      min: 1,
      summary: 'Sensitive queries per day marked as a spike (default: mean + 2 standard deviations).',
      helpValue: 'N',
    }),
    browser: Flags.string({ summary: 'Chromium for --format pdf (default: CHROMIUM_PATH, /usr/bin/chromium).' }),
  };

  public async run(): Promise<ReportResult> {
    const { runReportCommand } = await import('../../../lib/report/report-command.js');
    const f = this.flags;
    return runReportCommand(
      {
        source: f.source,
        configId: f['config-id'],
        store: f.store,
        sandboxDir: f['sandbox-dir'],
        since: f.since,
        until: f.until,
        tz: f.tz,
        out: f.out,
        format: f.format as 'html' | 'pdf',
        minScore: f['min-score'],
        businessHours: f['business-hours'],
        spikeThreshold: f['spike-threshold'],
        browser: f.browser,
        version: this.config.version,
      },
      this.io,
    );
  }
}
