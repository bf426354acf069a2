import { BaseCommand } from '../../../lib/cli/base-command.js';
import { renderConfigurationTable } from '../../../lib/output/configuration-view.js';
import type { ExportConfiguration } from '../../../lib/tenant/types.js';

export default class List extends BaseCommand<typeof List> {
  static override summary = 'List the audit export configurations of the tenant, with their connection status.';
  static override description =
    'Sends getAllExportConfigurations. A table on a terminal, tab-separated rows when piped, one JSON array with --json.';
  static override examples = [
    '<%= config.bin %> audit exportConfig list',
    '<%= config.bin %> audit exportConfig list --json | jq -r ".[].id"',
  ];

  public async run(): Promise<ExportConfiguration[]> {
    const tenant = await this.tenant();
    const progress = await this.progress(`Reading export configurations from ${tenant.host}`);
    const configs = await tenant.listExportConfigurations();
    progress.stop();
    if (configs.length === 0) {
      this.note(
        'No export configurations yet: create one with `immuta audit exportConfig create:s3:accessKey ./exportConfig.json`.',
      );
    } else {
      this.out(renderConfigurationTable(configs, this.paint, Boolean(process.stdout.isTTY)));
    }
    return configs;
  }
}
