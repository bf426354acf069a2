import { BaseCommand } from '../../../lib/cli/base-command.js';
import { configIdFlag, sandboxDirFlag, sourceFlag, storeFlag } from '../../../lib/logs/flags.js';
import type { StoreStatus } from '../../../lib/logs/status.js';

export default class Status extends BaseCommand<typeof Status> {
  static override summary =
    'Show what a log store holds: its events and their time span, the events of each kind, the objects synced, its size.';
  static override description =
    'Reads the store only (opened read-only); with --source or --config-id the source is synced first, as for `query`. Exit 2 (LOGS_STORE_EMPTY) when nothing was synced into that folder.';
  static override examples = [
    '<%= config.bin %> audit logs status --store ./audit-store',
    '<%= config.bin %> audit logs status --source s3://my-audit-bucket/immuta/ --json | jq .events',
  ];
  static override flags = {
    source: sourceFlag,
    'config-id': configIdFlag,
    store: storeFlag,
    'sandbox-dir': sandboxDirFlag,
  };

  public async run(): Promise<StoreStatus> {
    const { runStatus } = await import('../../../lib/logs/status.js');
    const f = this.flags;
    return runStatus(
      { source: f.source, configId: f['config-id'], store: f.store, sandboxDir: f['sandbox-dir'] },
      this.io,
    );
  }
}
