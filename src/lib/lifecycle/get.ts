import type { CommandIO } from '../io/command-io.js';
import { renderConfigurationSummary } from '../export-config/configuration-view.js';
import type { ExportConfiguration } from '../tenant/types.js';
import { findConfiguration } from '../tenant/find-configuration.js';

export interface GetOptions {
  id: string;
}

/** `audit exportConfig get ID`: one configuration with its whole connection status (exit 0 whatever it is). */
export async function runGet(options: GetOptions, io: CommandIO): Promise<ExportConfiguration> {
  const tenant = await io.tenant();
  const progress = await io.progress(`Reading export configuration ${options.id} from ${tenant.host}`);
  const configuration = await findConfiguration(tenant, options.id);
  progress.stop();
  io.out(renderConfigurationSummary(configuration, io.paint));
  return configuration;
}
