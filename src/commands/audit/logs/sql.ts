import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { engineFlags, engineOptions, stopsOnSignalForEngine } from '../../../lib/cli/engine-flags.js';
import { configIdFlag, formatFlag, sandboxDirFlag, sourceFlag, storeFlag } from '../../../lib/logs/flags.js';
import type { DocumentWritten } from '../../../lib/io/command-io.js';
import type { Row } from '../../../lib/logs/rows.js';

export default class Sql extends BaseCommand<typeof Sql> {
  static override summary =
    'Run your own read-only SQL over the `events` view of the log store (DuckDB), or on Amazon Athena (--engine athena).';
  static override description =
    'One row per event; the columns are listed in the README ("Audit logs"). The store is opened read-only, with file and network access switched off and the configuration locked. With --engine athena the statement (one SELECT or WITH) is sent to Athena as given, over the tables of `immuta audit logs athena-ddl`.';
  static override examples = [
    '<%= config.bin %> audit logs sql "SELECT event, count(*) AS n FROM events GROUP BY ALL ORDER BY n DESC" --store ./audit-store',
    "<%= config.bin %> audit logs sql \"SELECT actor, count(*) AS denied FROM events WHERE action = 'QUERY' AND actionStatus <> 'SUCCESS' GROUP BY actor ORDER BY denied DESC\" --source sandbox",
    '<%= config.bin %> audit logs sql "SELECT count(*) AS n FROM audit_events" --engine athena --workgroup audit --output-location s3://my-athena-results/immuta/',
  ];
  // --engine athena: Ctrl-C stops the Athena query (StopQueryExecution), then exits 130.
  static override stopsOnSignal = stopsOnSignalForEngine;
  static override args = {
    sql: Args.string({ required: true, description: 'A SELECT over `events`.' }),
  };
  static override flags = {
    source: sourceFlag,
    'config-id': configIdFlag,
    store: storeFlag,
    'sandbox-dir': sandboxDirFlag,
    format: formatFlag,
    ...engineFlags,
    limit: Flags.integer({ summary: 'At most this many rows (default 10000).', min: 1 }),
  };

  public async run(): Promise<Row[] | DocumentWritten> {
    const { runSql } = await import('../../../lib/logs/sql.js');
    const f = this.flags;
    return runSql(
      {
        sql: this.args.sql,
        source: f.source,
        configId: f['config-id'],
        store: f.store,
        sandboxDir: f['sandbox-dir'],
        format: f.format,
        ...engineOptions(f),
        limit: f.limit,
      },
      this.io,
    );
  }
}
