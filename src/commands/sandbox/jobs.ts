import { Args } from '@oclif/core';
import { BaseCommand } from '../../lib/cli/base-command.js';
import { SANDBOX_ONLY } from '../../lib/sandbox/constants.js';
import type { SandboxJob } from '../../lib/sandbox/client.js';
import { dataDirFlag, resolveDataDir } from '../../lib/sandbox/flags.js';

export default class Jobs extends BaseCommand<typeof Jobs> {
  static override summary = `${SANDBOX_ONLY} list the export jobs the sandbox ran, to find JOB_IDs.`;
  static override description = `Immuta documents getAllExportJobTasks(exportJobId) but no way to list jobs; the sandbox adds the sandboxExportJobs query for that. Oldest first. Pass a job id to \`immuta audit exportConfig tasks JOB_ID\` to see its tasks.`;
  static override examples = [
    '<%= config.bin %> sandbox jobs',
    '<%= config.bin %> sandbox jobs 259fc41c-b502-418a-a8ff-d875335dbe9b',
    '<%= config.bin %> sandbox jobs --json | jq -r ".[-1].id"',
  ];
  static override args = {
    config_id: Args.string({ description: 'Only the jobs of this export configuration.' }),
  };
  static override flags = { 'data-dir': dataDirFlag };

  public async run(): Promise<SandboxJob[]> {
    const { requireRunningSandbox, sandboxDocuments, sandboxRequest } = await import('../../lib/sandbox/client.js');
    const info = requireRunningSandbox(resolveDataDir(this.flags['data-dir']));
    const data = await sandboxRequest<{ sandboxExportJobs: SandboxJob[] }>(info, sandboxDocuments.exportJobs, {
      exportConfigurationId: this.args.config_id ?? null,
    });
    const jobs = data.sandboxExportJobs;
    const { jobsNote, renderJobs } = await import('../../lib/sandbox/render.js');
    if (jobs.length === 0)
      this.note(
        `No export jobs yet${this.args.config_id ? ` for ${this.args.config_id}` : ''}: jobs run once per (scaled) interval for enabled configurations whose connection is SUCCESS.`,
      );
    else this.out(renderJobs(jobs, this.paint, Boolean(process.stdout.isTTY)));
    this.note(jobsNote());
    return jobs;
  }
}
