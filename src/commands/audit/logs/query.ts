import { Args } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { engineFlags, engineOptions, stopsOnSignalForEngine } from '../../../lib/cli/engine-flags.js';
import {
  configIdFlag,
  filterFlags,
  formatFlag,
  sandboxDirFlag,
  sourceFlag,
  storeFlag,
} from '../../../lib/logs/flags.js';
import type { DocumentWritten } from '../../../lib/io/command-io.js';
import type { Row } from '../../../lib/logs/rows.js';

export default class Query extends BaseCommand<typeof Query> {
  static override summary = "Answer one of the audit guide's questions (a preset) from the exported logs.";
  static override description =
    'Reads the local log store: --source SOURCE syncs it first (a folder, s3://bucket/prefix, abfss://filesystem@account.dfs.core.windows.net/path, sandbox; or --config-id ID), --store DIR alone reads what was synced there. Rows are sorted by time; event presets give one row per event (id, eventTimestamp, event, action, actionStatus, actor, targets, then the preset\'s columns). Table on a terminal, ndjson otherwise. With --engine athena the preset runs on Amazon Athena over the export prefix instead (README "Athena").';
  static override examples = [
    '<%= config.bin %> audit logs query failed-queries --source ./exported-logs --since 7d',
    '<%= config.bin %> audit logs query high-risk-permission-changes --store ./audit-store --tz Europe/Berlin --business-hours 08:00-18:00',
    '<%= config.bin %> audit logs query sensitive-query-spikes --source sandbox --window 1h --threshold 5 --format csv',
  ];
  // --engine athena: Ctrl-C stops the Athena query (StopQueryExecution), then exits 130.
  static override stopsOnSignal = stopsOnSignalForEngine;
  static override args = {
    preset: Args.string({ required: true, description: 'The preset (`immuta audit logs presets` lists them).' }),
  };
  static override flags = {
    source: sourceFlag,
    'config-id': configIdFlag,
    store: storeFlag,
    'sandbox-dir': sandboxDirFlag,
    format: formatFlag,
    ...engineFlags,
    ...filterFlags,
  };

  public async run(): Promise<Row[] | DocumentWritten> {
    const { runQuery } = await import('../../../lib/logs/query.js');
    const f = this.flags;
    return runQuery(
      {
        preset: this.args.preset,
        source: f.source,
        configId: f['config-id'],
        store: f.store,
        sandboxDir: f['sandbox-dir'],
        format: f.format,
        ...engineOptions(f),
        since: f.since,
        until: f.until,
        actor: f.actor,
        event: f.event,
        status: f.status,
        target: f.target,
        limit: f.limit,
        minScore: f['min-score'],
        threshold: f.threshold,
        window: f.window,
        tz: f.tz,
        businessHours: f['business-hours'],
      },
      this.io,
    );
  }
}
