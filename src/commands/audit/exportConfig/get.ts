import { Args } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { findConfiguration } from '../../../lib/lifecycle/find-configuration.js';
import { renderConfigurationSummary } from '../../../lib/output/configuration-view.js';
import type { ExportConfiguration } from '../../../lib/tenant/types.js';

export default class Get extends BaseCommand<typeof Get> {
  static override summary = 'Show one export configuration, with its whole connection status.';
  static override description =
    'Reads getAllExportConfigurations and shows the one with this id. Exits 0 whatever the connection status (use `test` to judge it); exits 2 when no configuration has this id.';
  static override examples = [
    '<%= config.bin %> audit exportConfig get 1a2b3c4d',
    '<%= config.bin %> audit exportConfig get 1a2b3c4d --json | jq -r .connectionStatus',
  ];
  static override args = {
    id: Args.string({
      required: true,
      description: 'The export configuration id (see `immuta audit exportConfig list`).',
    }),
  };

  public async run(): Promise<ExportConfiguration> {
    const tenant = await this.tenant();
    const progress = await this.progress(`Reading export configuration ${this.args.id} from ${tenant.host}`);
    const configuration = await findConfiguration(tenant, this.args.id);
    progress.stop();
    this.out(renderConfigurationSummary(configuration, this.paint));
    return configuration;
  }
}
