import { Args } from '@oclif/core';
import { BaseCommand, ExitCode } from '../../../lib/cli/base-command.js';
import { readJobTasks } from '../../../lib/lifecycle/job-tasks.js';
import { hasFailedTasks, renderTasksTable } from '../../../lib/lifecycle/tasks-view.js';
import type { ExportJobTask } from '../../../lib/tenant/types.js';

export default class Tasks extends BaseCommand<typeof Tasks> {
  static override summary = 'List the tasks of an export job, with their status and failure reason.';
  static override description =
    'Sends getAllExportJobTasks. A table on a terminal, tab-separated rows when piped, the JSON array with --json. Exits 3 when any task has status FAILURE (the output says why), 0 otherwise.';
  static override examples = [
    '<%= config.bin %> audit exportConfig tasks 9f8e7d6c',
    '<%= config.bin %> audit exportConfig tasks 9f8e7d6c --json | jq -r \'.[] | select(.status == "FAILURE") | .failureReason\'',
  ];
  static override args = {
    job_id: Args.string({ required: true, description: 'The export job id.' }),
  };

  public async run(): Promise<ExportJobTask[]> {
    const tenant = await this.tenant();
    const progress = await this.progress(`Reading the tasks of export job ${this.args.job_id}`);
    const tasks = await readJobTasks(tenant, this.args.job_id);
    progress.stop();
    if (tasks.length === 0) this.note(`Export job ${this.args.job_id} has no tasks (or no such job exists).`);
    else this.out(renderTasksTable(tasks, this.paint, Boolean(process.stdout.isTTY)));
    if (hasFailedTasks(tasks)) {
      const failed = tasks.filter((t) => t.status === 'FAILURE').length;
      this.note(
        `${failed} of ${tasks.length} tasks failed: see the failure reason; \`immuta audit exportConfig test ID\` checks the destination.`,
      );
      this.setExitCode(ExitCode.ACTION_NEEDED);
    }
    return tasks;
  }
}
