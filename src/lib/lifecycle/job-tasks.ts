import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { ExportConfiguration, ExportJobTask } from '../tenant/types.js';

export interface JobTaskReader {
  getExportJobTasks(exportJobId: string): Promise<ExportJobTask[]>;
  listExportConfigurations(): Promise<ExportConfiguration[]>;
}

/**
 * getAllExportJobTasks for one job. A tenant that answers an unknown job id with a GraphQL error is
 * the user's input (exit 2 "not found"), not "the tenant answered with an error" (exit 5, with a fix
 * about a --dry-run `tasks` does not have). The API cannot list jobs, so no nearest ids: but an id
 * that is a configuration's is said to be one (the usual mix-up).
 */
export async function readJobTasks(tenant: JobTaskReader, jobId: string): Promise<ExportJobTask[]> {
  try {
    return await tenant.getExportJobTasks(jobId);
  } catch (error) {
    if (!(error instanceof CliError) || error.code !== 'TENANT_GRAPHQL_ERROR') throw error;
    const configurations = await tenant.listExportConfigurations().catch(() => [] as ExportConfiguration[]);
    const isConfiguration = configurations.some((config) => config.id === jobId);
    throw new CliError(
      `no export job with id "${jobId}"${isConfiguration ? ': that is the id of an export configuration, not of a job' : ''}`,
      {
        code: 'NOT_FOUND',
        exitCode: ExitCode.USAGE,
        fix: isConfiguration
          ? `\`tasks\` takes an export job id; \`immuta audit exportConfig get ${jobId}\` shows the configuration.`
          : 'Check the job id (the API cannot list jobs; on the sandbox, `immuta sandbox jobs` lists them).',
        details: { id: jobId, tenantSaid: error.message },
      },
    );
  }
}
