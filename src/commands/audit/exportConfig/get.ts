import { BaseCommand } from '../../../lib/cli/base-command.js';
import { configurationIdArg } from '../../../lib/cli/shared-flags.js';
import { runGet } from '../../../lib/lifecycle/get.js';

export default class Get extends BaseCommand<typeof Get> {
  static override summary = 'Show one export configuration, with its whole connection status.';
  static override description =
    'Reads getAllExportConfigurations and shows the one with this id. Exits 0 whatever the connection status (use `test` to judge it); exits 2 when no configuration has this id.';
  static override examples = [
    '<%= config.bin %> audit exportConfig get 1a2b3c4d',
    '<%= config.bin %> audit exportConfig get 1a2b3c4d --json | jq -r .connectionStatus',
  ];
  static override args = configurationIdArg;

  public async run() {
    return runGet({ id: this.args.id }, this.io);
  }
}
