import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { ExportConfiguration } from '../tenant/types.js';

/** The one thing `get`, `test` and `delete` need from the tenant client (an interface, for tests). */
export interface ConfigurationReader {
  listExportConfigurations(): Promise<ExportConfiguration[]>;
}

/**
 * The API has no single-get query: read them all and pick the id. A missing id is reported as
 * the user's input (exit 2), although the read itself was sent.
 */
export async function findConfiguration(tenant: ConfigurationReader, id: string): Promise<ExportConfiguration> {
  const all = await tenant.listExportConfigurations();
  const found = all.find((config) => config.id === id);
  if (found) return found;
  const close = all.filter((config) => config.id.toLowerCase() === id.trim().toLowerCase()).map((config) => config.id);
  throw new CliError(
    `no export configuration with id "${id}"${close.length > 0 ? ` (did you mean ${close.join(', ')}?)` : ''}`,
    {
      code: 'NOT_FOUND',
      exitCode: ExitCode.USAGE,
      fix: 'Run `immuta audit exportConfig list` to see the ids of this tenant (and check -p/--profile).',
      details: { id, known: all.length },
    },
  );
}
