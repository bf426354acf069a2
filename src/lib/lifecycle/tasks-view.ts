import type { ChalkInstance } from 'chalk';
import { type Column, renderTable } from '../output/table.js';
import type { ExportJobTask } from '../tenant/types.js';

export const TASK_FAILURE = 'FAILURE';

export function hasFailedTasks(tasks: readonly ExportJobTask[]): boolean {
  return tasks.some((task) => task.status === TASK_FAILURE);
}

function paintTaskStatus(text: string, status: string | null | undefined, paint: ChalkInstance): string {
  if (status === 'SUCCESS') return paint.green(text);
  if (status === TASK_FAILURE) return paint.red(text);
  return paint.yellow(text);
}

/** A table of an export job's tasks: status in colour, the failure reason whole (it is the point). */
export function renderTasksTable(tasks: readonly ExportJobTask[], paint: ChalkInstance, tty: boolean): string {
  const columns: Column<ExportJobTask>[] = [
    { header: 'id', value: (t) => t.id },
    {
      header: 'status',
      value: (t) => t.status ?? 'UNKNOWN',
      style: (text, t) => paintTaskStatus(text, t.status, paint),
    },
    { header: 'attempts', value: (t) => (t.attempts === null || t.attempts === undefined ? '-' : String(t.attempts)) },
    { header: 'start', value: (t) => t.startTimestamp ?? '-' },
    { header: 'end', value: (t) => t.endTimestamp ?? '-' },
    { header: 'offset', value: (t) => (t.offset === null || t.offset === undefined ? '-' : String(t.offset)) },
    { header: 'limit', value: (t) => (t.limit === null || t.limit === undefined ? '-' : String(t.limit)) },
    { header: 'failure reason', value: (t) => t.failureReason ?? '', style: (text) => (text ? paint.red(text) : text) },
  ];
  return renderTable(tasks, columns, tty);
}
