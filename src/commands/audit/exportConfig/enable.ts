import { Args } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { setEnabled } from '../../../lib/lifecycle/set-enabled.js';
import type { ExportConfiguration } from '../../../lib/tenant/types.js';

export default class Enable extends BaseCommand<typeof Enable> {
  static override summary = 'Resume exports of a disabled export configuration.';
  static override description = 'Sends enableExportConfiguration and shows the configuration as the tenant answers it.';
  static override examples = ['<%= config.bin %> audit exportConfig enable 1a2b3c4d'];
  static override args = {
    id: Args.string({
      required: true,
      description: 'The export configuration id (see `immuta audit exportConfig list`).',
    }),
  };

  public async run(): Promise<ExportConfiguration> {
    const tenant = await this.tenant();
    const progress = await this.progress(`Enabling export configuration ${this.args.id}`);
    const result = await setEnabled(tenant, this.args.id, true);
    progress.stop();
    this.out(result.summary(this.paint));
    for (const line of result.notes) this.note(line);
    return result.configuration;
  }
}
