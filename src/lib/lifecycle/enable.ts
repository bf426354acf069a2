import type { CommandIO } from '../io/command-io.js';
import type { ExportConfiguration } from '../tenant/types.js';
import { setEnabled } from './set-enabled.js';

export interface SetEnabledOptions {
  id: string;
  enabled: boolean;
}

/** `audit exportConfig enable|disable ID`: the mutation, the configuration as answered, what it means. */
export async function runSetEnabled(options: SetEnabledOptions, io: CommandIO): Promise<ExportConfiguration> {
  const tenant = await io.tenant();
  const progress = await io.progress(
    `${options.enabled ? 'Enabling' : 'Disabling'} export configuration ${options.id}`,
  );
  const result = await setEnabled(tenant, options.id, options.enabled, { profile: io.globals.profile });
  progress.stop();
  io.out(result.summary(io.paint));
  for (const line of result.notes) io.note(line);
  return result.configuration;
}
