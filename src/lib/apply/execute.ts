import { CliError } from '../errors/cli-error.js';
import { OPERATIONS } from '../export-config/kinds.js';
import type { CommandIO } from '../io/command-io.js';
import type { TenantClient } from '../tenant/client.js';
import type { ExportConfiguration } from '../tenant/types.js';
import type { ApplyPlan, PlanAction, PlannedAction } from './plan.js';

/** One action after it was applied (or found unchanged): the id and connection status the tenant answered. */
export type AppliedAction = PlanAction & { id: string; connectionStatus?: string | null; enabled?: boolean };

/** The part of the tenant client apply uses. */
export type ApplyTenant = Pick<TenantClient, 'mutateConfiguration' | 'deleteExportConfiguration'>;

const ORDER: Record<PlanAction['action'], number> = { create: 0, update: 1, delete: 2, unchanged: 3 };

/**
 * Sends the plan: creates, then updates, then deletes, one mutation at a time (mutations are never
 * retried). Unchanged configurations send nothing. When a mutation fails, the error says what was
 * already applied (`details.applied`), since those changes stay. Results come back in plan order.
 */
export async function executePlan(plan: ApplyPlan, tenant: ApplyTenant, io: CommandIO): Promise<AppliedAction[]> {
  const queue = plan.steps.map((step, index) => ({ step, index }));
  queue.sort((a, b) => ORDER[a.step.action.action] - ORDER[b.step.action.action] || a.index - b.index);
  const results = new Map<number, AppliedAction>();
  for (const { step, index } of queue) {
    try {
      results.set(index, await applyStep(step, tenant, io));
    } catch (error) {
      const done = [...results.values()].filter((a) => a.action !== 'unchanged').map((a) => `${a.action} ${a.id}`);
      if (!(error instanceof CliError) || done.length === 0) throw error;
      const failed = describe(step.action);
      throw new CliError(`${error.message} (while applying ${failed}; already applied: ${done.join(', ')})`, {
        code: error.code,
        exitCode: error.exitCode,
        fix: error.fix,
        details: { ...error.details, applied: done, failed },
        cause: error,
      });
    }
  }
  return [...results.entries()].sort(([a], [b]) => a - b).map(([, action]) => action);
}

async function applyStep(step: PlannedAction, tenant: ApplyTenant, io: CommandIO): Promise<AppliedAction> {
  const { action, desired, existing } = step;
  switch (action.action) {
    case 'create': {
      if (!desired) throw new Error('apply: a create step without its file');
      const config = await tenant.mutateConfiguration(OPERATIONS.create[desired.kind], { data: desired.data });
      io.note(`Created ${config.id} (${action.destination}) from ${action.file}.`);
      return withStatus(action, config);
    }
    case 'update': {
      if (!desired) throw new Error('apply: an update step without its file');
      const config = await tenant.mutateConfiguration(OPERATIONS.update[desired.kind], {
        data: { id: action.id, ...desired.data },
      });
      io.note(`Updated ${config.id} (${action.destination}) from ${action.file}.`);
      return withStatus(action, config);
    }
    case 'delete':
      await tenant.deleteExportConfiguration(action.id);
      io.note(`Deleted ${action.id} (${action.destination}).`);
      return { ...action };
    case 'unchanged':
      return {
        ...action,
        connectionStatus: existing?.connectionStatus ?? null,
        ...(existing ? { enabled: existing.enabled } : {}),
      };
  }
}

function describe(action: PlanAction): string {
  return action.action === 'create' ? `create ${action.file}` : `${action.action} ${action.id}`;
}

function withStatus(action: PlanAction, config: ExportConfiguration): AppliedAction {
  return { ...action, id: config.id, connectionStatus: config.connectionStatus ?? null, enabled: config.enabled };
}
