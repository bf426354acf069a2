import type { ChalkInstance } from 'chalk';
import type { ApplyPlan, PlanAction } from './plan.js';
import { redactText } from '../output/redact.js';
import { countActions } from './plan.js';

// Every C0 control but tab and newline, DEL, and C1 controls (ESC starts terminal sequences).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text from the tenant (connection statuses) is shown capped and with control codes made visible;
 * redacted before the cut, which would otherwise leave the head of a secret no redaction recognises.
 */
export function safeRemoteText(text: string, max = 400): string {
  const visible = redactText(text).replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return visible.length > max ? `${visible.slice(0, max - 3)}...` : visible;
}

export function planSummary(plan: ApplyPlan): string {
  const c = countActions(plan);
  const parts = [`${c.create} to create`, `${c.update} to update`, `${c.unchanged} unchanged`];
  if (c.delete > 0) parts.push(`${c.delete} to delete`);
  return `Plan: ${parts.join(', ')}.`;
}

const SYMBOL: Record<PlanAction['action'], string> = { create: '+', update: '~', unchanged: '=', delete: '-' };

function line(action: PlanAction, paint: ChalkInstance): string[] {
  const colour = { create: paint.green, update: paint.yellow, unchanged: paint.dim, delete: paint.red }[action.action];
  const id = 'id' in action ? action.id : '(new)';
  const head = `${colour(`${SYMBOL[action.action]} ${action.action.padEnd(9)}`)} ${id}  ${action.destination}`;
  if (action.action === 'delete') return [`${head}  (no file describes it)`];
  const lines = [`${head}  ${action.file}`];
  if (action.action === 'update') {
    for (const c of action.changes) lines.push(`      ${c.field}: ${c.from ?? '(none)'} -> ${c.to ?? '(none)'}`);
    if (action.rotate) lines.push(`      sent again (--rotate-secrets): ${action.notCompared.join(', ')}`);
    else if (action.notCompared.length > 0) lines.push(`      sent with the update: ${action.notCompared.join(', ')}`);
  }
  if (action.action === 'unchanged' && action.notCompared.length > 0)
    lines.push(
      `      not compared (the tenant never returns them; --rotate-secrets sends them): ${action.notCompared.join(', ')}`,
    );
  return lines;
}

/** The plan for people: one line per file or configuration, the changed fields under each update. */
export function renderPlan(plan: ApplyPlan, paint: ChalkInstance): string {
  const lines = plan.steps.flatMap((s) => line(s.action, paint));
  return [paint.bold(planSummary(plan)), ...lines].join('\n');
}
