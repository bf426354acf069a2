import { Args, Flags } from '@oclif/core';
import { SANDBOX_ONLY } from '../../lib/sandbox/constants.js';
import { dataDirFlag } from '../../lib/cli/sandbox-flags.js';
import { BaseCommand } from '../../lib/cli/base-command.js';
import { runSandboxJobs } from '../../lib/sandbox/commands/jobs.js';

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

  public async run() {
    return runSandboxJobs(
      { dataDir: this.flags['data-dir'], configId: this.args.config_id, limit: this.flags.limit },
      this.io,
    );
  }
}
