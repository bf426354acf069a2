import { BaseCommand } from '../../../lib/cli/base-command.js';
import { configurationIdArg } from '../../../lib/cli/shared-flags.js';
import { runSetEnabled } from '../../../lib/lifecycle/enable.js';

export default class Disable extends BaseCommand<typeof Disable> {
  static override summary = 'Pause exports of an export configuration without deleting it.';
  static override description =
    'Sends disableExportConfiguration and shows the configuration as the tenant answers it.';
  static override examples = ['<%= config.bin %> audit exportConfig disable 1a2b3c4d'];
  static override args = configurationIdArg;

  public async run() {
    return runSetEnabled({ id: this.args.id, enabled: false }, this.io);
  }
}
