import type { CommandIO } from '../io/command-io.js';
import { renderConfigurationTable } from '../export-config/configuration-view.js';
import type { ExportConfiguration } from '../tenant/types.js';

/** `audit exportConfig list`: every configuration of the tenant; the array is the --json document. */
export async function runList(_options: Record<string, never>, io: CommandIO): Promise<ExportConfiguration[]> {
  const tenant = await io.tenant();
  const progress = await io.progress(`Reading export configurations from ${tenant.host}`);
  const configs = await tenant.listExportConfigurations();
  progress.stop();
  if (configs.length === 0) {
    io.note(
      'No export configurations yet: create one with `immuta audit exportConfig create:s3:accessKey ./exportConfig.json`.',
    );
  } else {
    io.out(renderConfigurationTable(configs, io.paint, Boolean(io.stdoutIsTTY)));
  }
  return configs;
}
