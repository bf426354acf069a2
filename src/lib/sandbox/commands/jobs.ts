import { CliError } from '../../errors/cli-error.js';
import { ExitCode } from '../../errors/exit-codes.js';
import type { CommandIO } from '../../io/command-io.js';
import { nearestIds } from '../../tenant/find-configuration.js';
import type { SandboxJob } from '../client.js';
import { resolveDataDir } from '../flags.js';

export interface JobsOptions {
  dataDir?: string;
  /** Only the jobs of this export configuration. */
  configId?: string;
  /** At most this many jobs (the newest). */
  limit: number;
}

function unknownConfiguration(id: string, known: readonly string[]): CliError {
  const near = nearestIds(id, known);
  return new CliError(
    `the sandbox has no export configuration with id "${id}"${near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : ''}`,
    {
      code: 'NOT_FOUND',
      exitCode: ExitCode.USAGE,
      fix:
        known.length === 0
          ? 'Create one first (`immuta sandbox start` prints the create:s3:accessKey command).'
          : `Run \`immuta sandbox jobs\` without an id for the jobs of every configuration${known.length <= 5 ? ` (its ids: ${known.join(', ')})` : ''}.`,
      details: { id, known: known.length, ...(near.length > 0 ? { nearest: near } : {}) },
    },
  );
}

/** `sandbox jobs [CONFIG_ID]`: the export jobs the sandbox ran (newest first), to find JOB_IDs. */
export async function runSandboxJobs(options: JobsOptions, io: CommandIO): Promise<SandboxJob[]> {
  const { requireRunningSandbox, sandboxDocuments, sandboxRequest } = await import('../client.js');
  const info = requireRunningSandbox(resolveDataDir(options.dataDir, io.env), io.env);
  const data = await sandboxRequest<{ sandboxExportJobs: SandboxJob[] }>(info, sandboxDocuments.exportJobs, {
    exportConfigurationId: options.configId ?? null,
  });
  if (options.configId !== undefined && data.sandboxExportJobs.length === 0) {
    // No jobs for an id the sandbox does not have is a typo, not "no export jobs yet".
    const ids = await sandboxRequest<{ getAllExportConfigurations: Array<{ id: string }> }>(
      info,
      sandboxDocuments.configurationIds,
    );
    const known = ids.getAllExportConfigurations.map((c) => c.id);
    if (!known.includes(options.configId)) throw unknownConfiguration(options.configId, known);
  }
  const { jobsShownNote, newestJobs, scaleNote } = await import('../listing.js');
  const { shown: jobs, total } = newestJobs(data.sandboxExportJobs, options.limit);
  const { jobsNote, renderJobs } = await import('../render.js');
  if (jobs.length === 0)
    io.note(
      `No export jobs yet${options.configId ? ` for ${options.configId}` : ''}: jobs run once per (scaled) interval for enabled configurations whose connection is SUCCESS.`,
    );
  else io.out(renderJobs(jobs, io.paint, Boolean(io.stdoutIsTTY)));
  const shownNote = jobsShownNote(jobs.length, total);
  if (shownNote) io.note(shownNote);
  io.note(scaleNote(info.intervalScale));
  const { sandboxCli } = await import('../profile-of.js');
  io.note(jobsNote(await sandboxCli(info.dataDir, io.globals.configFile)));
  return jobs;
}
