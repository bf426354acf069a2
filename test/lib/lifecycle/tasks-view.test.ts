import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { hasFailedTasks, renderTasksTable } from '../../../src/lib/lifecycle/tasks-view.js';
import type { ExportJobTask } from '../../../src/lib/tenant/types.js';

const tasks: ExportJobTask[] = [
  {
    id: 't1',
    status: 'SUCCESS',
    attempts: 1,
    startTimestamp: '2026-01-01T00:00:00Z',
    endTimestamp: '2026-01-01T00:01:00Z',
    offset: 0,
    limit: 100,
    failureReason: null,
  },
  {
    id: 't2',
    status: 'FAILURE',
    attempts: 3,
    startTimestamp: '2026-01-01T00:00:00Z',
    endTimestamp: null,
    offset: 100,
    limit: 100,
    failureReason: 'Access Denied writing s3://b/p',
  },
];

describe('tasks view', () => {
  it('flags FAILURE tasks', () => {
    expect(hasFailedTasks(tasks)).toBe(true);
    expect(hasFailedTasks(tasks.slice(0, 1))).toBe(false);
    expect(hasFailedTasks([])).toBe(false);
  });

  it('prints tab-separated rows with the whole failure reason when piped', () => {
    const text = renderTasksTable(tasks, new Chalk({ level: 0 }), false);
    expect(text.split('\n')).toEqual([
      't1\tSUCCESS\t1\t2026-01-01T00:00:00Z\t2026-01-01T00:01:00Z\t0\t100\t',
      't2\tFAILURE\t3\t2026-01-01T00:00:00Z\t-\t100\t100\tAccess Denied writing s3://b/p',
    ]);
  });

  it('colours the status on a terminal: red for FAILURE, green for SUCCESS', () => {
    const text = renderTasksTable(tasks, new Chalk({ level: 1 }), true);
    expect(text.split('\n')[0]).toMatch(/^ID\s+STATUS\s+ATTEMPTS/);
    expect(text).toContain('\u001b[32mSUCCESS');
    expect(text).toContain('\u001b[31mFAILURE');
  });
});
