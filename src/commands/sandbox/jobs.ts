import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../../lib/cli/base-command.js';
import { SANDBOX_ONLY } from '../../lib/sandbox/constants.js';
import type { SandboxJob } from '../../lib/sandbox/client.js';
import { dataDirFlag, resolveDataDir } from '../../lib/sandbox/flags.js';

export default class Jobs extends BaseCommand<typeof Jobs> {
  static override summary = `${SANDBOX_ONLY} list the export jobs the sandbox ran, to find JOB_IDs.`;
  static override description = `Immuta documents getAllExportJobTasks(exportJobId) but no way to list jobs; the sandbox adds the sandboxExportJobs query for that. Newest first (--limit, default 20). Pass a job id to \`immuta audit exportConfig tasks JOB_ID\` to see its tasks.`;
  static override examples = [
    '<%= config.bin %> sandbox jobs',
    '<%= config.bin %> sandbox jobs 259fc41c-b502-418a-a8ff-d875335dbe9b',
    '<%= config.bin %> sandbox jobs --json | jq -r ".[0].id"   # the newest job',
  ];
  static override args = {
    config_id: Args.string({ description: 'Only the jobs of this export configuration.' }),
  };
  static override flags = {
    limit: Flags.integer({ summary: 'At most this many jobs (the newest).', default: 20, min: 1 }),
    'data-dir': dataDirFlag,
  };

  public async run(): Promise<SandboxJob[]> {
    const { requireRunningSandbox, sandboxDocuments, sandboxRequest } = await import('../../lib/sandbox/client.js');
    const info = requireRunningSandbox(resolveDataDir(this.flags['data-dir']));
    const data = await sandboxRequest<{ sandboxExportJobs: SandboxJob[] }>(info, sandboxDocuments.exportJobs, {
      exportConfigurationId: this.args.config_id ?? null,
    });
    const { jobsShownNote, newestJobs, scaleNote } = await import('../../lib/sandbox/listing.js');
    const { shown: jobs, total } = newestJobs(data.sandboxExportJobs, this.flags.limit);
    const { jobsNote, renderJobs } = await import('../../lib/sandbox/render.js');
    if (jobs.length === 0)
      this.note(
        `No export jobs yet${this.args.config_id ? ` for ${this.args.config_id}` : ''}: jobs run once per (scaled) interval for enabled configurations whose connection is SUCCESS.`,
      );
    else this.out(renderJobs(jobs, this.paint, Boolean(process.stdout.isTTY)));
    const shownNote = jobsShownNote(jobs.length, total);
    if (shownNote) this.note(shownNote);
    this.note(scaleNote(info.intervalScale));
    this.note(jobsNote());
    return jobs;
  }
}
