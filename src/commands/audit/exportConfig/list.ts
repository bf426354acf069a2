import { BaseCommand } from '../../../lib/cli/base-command.js';
import { runList } from '../../../lib/lifecycle/list.js';

export default class List extends BaseCommand<typeof List> {
  static override summary = 'List the audit export configurations of the tenant, with their connection status.';
  static override description =
    'Sends getAllExportConfigurations. A table on a terminal, tab-separated rows when piped, one JSON array with --json.';
  static override examples = [
    '<%= config.bin %> audit exportConfig list',
    '<%= config.bin %> audit exportConfig list --json | jq -r ".[].id"',
  ];

  public async run() {
    return runList({}, this.io);
  }
}
