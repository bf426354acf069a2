import type { CommandIO } from '../../io/command-io.js';
import type { SandboxJob } from '../client.js';
import { resolveDataDir } from '../flags.js';

export interface JobsOptions {
  dataDir?: string;
  /** Only the jobs of this export configuration. */
  configId?: string;
  /** At most this many jobs (the newest). */
  limit: number;
}

/** `sandbox jobs [CONFIG_ID]`: the export jobs the sandbox ran (newest first), to find JOB_IDs. */
export async function runSandboxJobs(options: JobsOptions, io: CommandIO): Promise<SandboxJob[]> {
  const { requireRunningSandbox, sandboxDocuments, sandboxRequest } = await import('../client.js');
  const info = requireRunningSandbox(resolveDataDir(options.dataDir, io.env));
  const data = await sandboxRequest<{ sandboxExportJobs: SandboxJob[] }>(info, sandboxDocuments.exportJobs, {
    exportConfigurationId: options.configId ?? null,
  });
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
  io.note(jobsNote());
  return jobs;
}
