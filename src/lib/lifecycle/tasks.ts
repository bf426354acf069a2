import { immutaCli } from '../config/cli-prefix.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { CommandIO } from '../io/command-io.js';
import type { ExportJobTask } from '../tenant/types.js';
import { readJobTasks } from './job-tasks.js';
import { hasFailedTasks, renderTasksTable } from './tasks-view.js';

export interface TasksOptions {
  jobId: string;
}

/** `audit exportConfig tasks JOB_ID`: the job's tasks; exit 3 when any failed. */
export async function runTasks(options: TasksOptions, io: CommandIO): Promise<ExportJobTask[]> {
  const tenant = await io.tenant();
  const progress = await io.progress(`Reading the tasks of export job ${options.jobId}`);
  const tasks = await readJobTasks(tenant, options.jobId);
  progress.stop();
  if (tasks.length === 0) io.note(`Export job ${options.jobId} has no tasks (or no such job exists).`);
  else io.out(renderTasksTable(tasks, io.paint, Boolean(io.stdoutIsTTY)));
  if (hasFailedTasks(tasks)) {
    const failed = tasks.filter((t) => t.status === 'FAILURE').length;
    io.note(
      `${failed} of ${tasks.length} tasks failed: see the failure reason; \`${immutaCli(io.globals.profile)} audit exportConfig test ID\` checks the destination.`,
    );
    io.setExitCode(ExitCode.ACTION_NEEDED);
  }
  return tasks;
}
