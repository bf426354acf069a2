import type { ChalkInstance } from 'chalk';
import { renderConfigurationSummary, isConnected } from '../export-config/configuration-view.js';
import { immutaCli } from '../config/cli-prefix.js';
import { type ExportConfiguration, destinationKind } from '../tenant/types.js';
import { connectionHint } from './connection-hint.js';
import { type ConfigurationReader, explainMutationFailure } from '../tenant/find-configuration.js';

export interface ConfigurationMutator extends ConfigurationReader {
  mutateConfiguration(
    operation: 'enableExportConfiguration' | 'disableExportConfiguration',
    variables: { id: string },
  ): Promise<ExportConfiguration>;
}

export interface SetEnabledResult {
  configuration: ExportConfiguration;
  summary: (paint: ChalkInstance) => string;
  /** Next steps for stderr. */
  notes: string[];
}

/** enable/disable: one mutation (never retried), then what it means for the exports. */
export async function setEnabled(
  tenant: ConfigurationMutator,
  id: string,
  enabled: boolean,
  context: { profile?: string } = {},
): Promise<SetEnabledResult> {
  const configuration = await tenant
    .mutateConfiguration(enabled ? 'enableExportConfiguration' : 'disableExportConfiguration', { id })
    .catch((error: unknown) => explainMutationFailure(tenant, id, error));
  const notes: string[] = [];
  if (enabled && !isConnected(configuration)) {
    notes.push(
      `Enabled, but the connection is not SUCCESS: exports will fail until it is. ${connectionHint(configuration.connectionStatus, configuration.id, { ...context, adls: destinationKind(configuration) === 'adls:sasToken' })}`,
    );
  }
  if (!enabled)
    notes.push(
      `No audit logs are exported while it is disabled; resume with \`${immutaCli(context.profile)} audit exportConfig enable ${configuration.id}\`.`,
    );
  const verb = enabled ? 'Enabled' : 'Disabled';
  return {
    configuration,
    summary: (paint) =>
      `${verb} export configuration ${configuration.id}.\n${renderConfigurationSummary(configuration, paint)}`,
    notes,
  };
}
