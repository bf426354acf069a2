import { BaseCommand } from '../../../lib/cli/base-command.js';
import { configurationIdArg } from '../../../lib/cli/shared-flags.js';
import { runSetEnabled } from '../../../lib/lifecycle/enable.js';

export default class Enable extends BaseCommand<typeof Enable> {
  static override summary = 'Resume exports of a disabled export configuration.';
  static override description = 'Sends enableExportConfiguration and shows the configuration as the tenant answers it.';
  static override examples = ['<%= config.bin %> audit exportConfig enable 1a2b3c4d'];
  static override args = configurationIdArg;

  public async run() {
    return runSetEnabled({ id: this.args.id, enabled: true }, this.io);
  }
}
