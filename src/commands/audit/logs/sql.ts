import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { configIdFlag, formatFlag, sandboxDirFlag, sourceFlag, storeFlag } from '../../../lib/logs/flags.js';
import type { Row } from '../../../lib/logs/rows.js';

export default class Sql extends BaseCommand<typeof Sql> {
  static override summary = 'Run your own read-only SQL (DuckDB) over the `events` view of the log store.';
  static override description =
    'One row per event; the columns are listed in the README ("Audit logs"). The store is opened read-only, with file and network access switched off and the configuration locked.';
  static override examples = [
    '<%= config.bin %> audit logs sql "SELECT event, count(*) AS n FROM events GROUP BY ALL ORDER BY n DESC" --store ./audit-store',
    "<%= config.bin %> audit logs sql \"SELECT actor, count(*) AS denied FROM events WHERE action = 'QUERY' AND actionStatus <> 'SUCCESS' GROUP BY actor ORDER BY denied DESC\" --source sandbox",
  ];
  static override args = {
    sql: Args.string({ required: true, description: 'A SELECT over `events`.' }),
  };
  static override flags = {
    source: sourceFlag,
    'config-id': configIdFlag,
    store: storeFlag,
    'sandbox-dir': sandboxDirFlag,
    format: formatFlag,
    limit: Flags.integer({ summary: 'At most this many rows (default 10000).', min: 1 }),
  };

  public async run(): Promise<Row[]> {
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
        limit: f.limit,
      },
      this.io,
    );
  }
}
