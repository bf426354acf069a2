import { Args } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { runTasks } from '../../../lib/lifecycle/tasks.js';

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

  public async run() {
    return runTasks({ jobId: this.args.job_id }, this.io);
  }
}
