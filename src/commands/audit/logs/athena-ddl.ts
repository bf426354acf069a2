import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import type { AthenaDdlResult } from '../../../lib/logs/athena-ddl.js';

export default class AthenaDdl extends BaseCommand<typeof AthenaDdl> {
  static override summary = 'Print the Athena DDL (CREATE EXTERNAL TABLE) over an export prefix, for --engine athena.';
  static override description =
    "Give the export prefix as s3://bucket/prefix, or --config-id ID to use the bucket and path of one of the tenant's export configurations. Prints CREATE DATABASE and CREATE EXTERNAL TABLE statements (OpenX JSON SerDe, malformed lines ignored, the documented top-level fields as string columns, a `dt` partition projected over the date folders, so no crawler or MSCK REPAIR is needed). Nothing is sent to AWS: run the statements in Athena. --layout is the date folder layout under the prefix (Java date format; default yyyy/MM/dd, as the sandbox writes).";
  static override examples = [
    '<%= config.bin %> audit logs athena-ddl s3://my-audit-bucket/immuta',
    '<%= config.bin %> audit logs athena-ddl --config-id 9f8e7d6c --database audit --table immuta_events',
    "<%= config.bin %> audit logs athena-ddl s3://my-audit-bucket/immuta --layout 'yyyy-MM-dd' --json",
  ];
  static override args = {
    source: Args.string({ description: 'The export prefix: s3://bucket/prefix.' }),
  };
  static override flags = {
    'config-id': Flags.string({
      summary: 'Use the destination (bucket, path) of this export configuration of the tenant.',
      helpValue: 'ID',
    }),
    database: Flags.string({ summary: 'The Athena database (default immuta_audit).', helpValue: 'NAME' }),
    table: Flags.string({ summary: 'The table (default audit_events).', helpValue: 'NAME' }),
    layout: Flags.string({
      summary: "The date folders under the prefix: yyyy, MM, dd (and HH) with / - _ or . (default 'yyyy/MM/dd').",
      helpValue: 'FORMAT',
    }),
  };

  public async run(): Promise<AthenaDdlResult> {
    const { runAthenaDdl } = await import('../../../lib/logs/athena-ddl.js');
    return runAthenaDdl(
      {
        source: this.args.source,
        configId: this.flags['config-id'],
        database: this.flags.database,
        table: this.flags.table,
        layout: this.flags.layout,
      },
      this.io,
    );
  }
}
