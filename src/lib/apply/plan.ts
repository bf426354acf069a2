import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { type ExportKind, FIELDS } from '../export-config/kinds.js';
import { type ExportConfiguration, destinationKind } from '../tenant/types.js';
import type { DesiredConfiguration } from './desired.js';
import { type Destination, destinationOfConfiguration } from './destination.js';

/**
 * The plan: what `apply` would send to make the tenant match the files, decided without sending
 * anything. Pure: files and the tenant's configurations in, actions (or the conflicts that stop the
 * run) out.
 */

/** A field whose value differs between the file and the tenant (never a secret: those cannot be compared). */
export interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
}

interface Described {
  file: string;
  kind: ExportKind;
  destination: string;
  /**
   * Fields of the file the tenant never returns (credentials; the role ARN when the tenant does not
   * answer it): they are sent when the configuration is updated anyway, or always with --rotate-secrets.
   */
  notCompared: string[];
}

export type PlanAction =
  | (Described & { action: 'create' })
  | (Described & { action: 'update'; id: string; changes: FieldChange[]; rotate: boolean })
  | (Described & { action: 'unchanged'; id: string })
  | { action: 'delete'; id: string; kind: string; destination: string };

export interface PlannedAction {
  action: PlanAction;
  /** create/update: the file it comes from (its `data` is what is sent). */
  desired?: DesiredConfiguration;
  /** update/unchanged/delete: the tenant's configuration. */
  existing?: ExportConfiguration;
}

export interface ApplyPlan {
  steps: PlannedAction[];
}

export interface PlanOptions {
  prune: boolean;
  rotateSecrets: boolean;
}

/** Why a plan cannot be made: shown all at once, nothing is sent (exit 2). */
export interface PlanConflict {
  reason: 'same-destination' | 'several-matches' | 'kind-change';
  message: string;
  files: string[];
  ids: string[];
  destination: string;
}

/** Compared as the tenant answers them: a missing path and an empty one are both the root. */
function comparable(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  return String(value);
}

/** Fields that are part of the destination: equal by construction once a file matched. */
const DESTINATION_FIELDS = new Set(['bucket', 'path', 'region', 'storageAccount', 'fileSystem']);

function diff(
  desired: DesiredConfiguration,
  existing: ExportConfiguration,
): { changes: FieldChange[]; notCompared: string[] } {
  const endpoint = (existing.endpointConfiguration ?? {}) as Record<string, unknown>;
  const answered: Record<string, unknown> = { ...endpoint, interval: existing.interval };
  const changes: FieldChange[] = [];
  const notCompared: string[] = [];
  for (const spec of FIELDS[desired.kind]) {
    const field = spec.name;
    if (DESTINATION_FIELDS.has(field) || !(field in desired.data)) continue;
    // Secrets and credentials are never returned; a field the answer lacks cannot be compared either.
    if (spec.secret || spec.reference || answered[field] === undefined) {
      notCompared.push(field);
      continue;
    }
    const from = comparable(answered[field]);
    const to = comparable(desired.data[field]);
    if (from !== to) changes.push({ field, from, to });
  }
  return { changes, notCompared };
}

function notComparedOnCreate(desired: DesiredConfiguration): string[] {
  return FIELDS[desired.kind].filter((f) => (f.secret || f.reference) && f.name in desired.data).map((f) => f.name);
}

function conflictError(conflicts: readonly PlanConflict[]): CliError {
  const lines = conflicts.map((c) => `  - ${c.message}`).join('\n');
  const first = conflicts[0];
  return new CliError(
    conflicts.length === 1 && first
      ? `${first.message} (nothing was sent)`
      : `the files cannot be applied (${conflicts.length} conflicts, nothing was sent):\n${lines}`,
    {
      code: 'APPLY_CONFLICT',
      exitCode: ExitCode.USAGE,
      fix: 'Keep one file per destination, and at most one configuration per destination on the tenant (`immuta audit exportConfig delete ID` removes one).',
      details: { conflicts },
    },
  );
}

/** Builds the plan, or throws APPLY_CONFLICT (exit 2) naming every conflict. */
export function planApply(
  desired: readonly DesiredConfiguration[],
  existing: readonly ExportConfiguration[],
  options: PlanOptions,
): ApplyPlan {
  const conflicts: PlanConflict[] = [];
  const byDestination = new Map<string, DesiredConfiguration[]>();
  for (const d of desired) byDestination.set(d.destination.key, [...(byDestination.get(d.destination.key) ?? []), d]);
  for (const group of byDestination.values()) {
    const first = group[0];
    if (group.length > 1 && first) {
      conflicts.push({
        reason: 'same-destination',
        message: `${group.map((d) => d.file).join(' and ')} describe the same destination ${first.destination.label}`,
        files: group.map((d) => d.file),
        ids: [],
        destination: first.destination.label,
      });
    }
  }
  const existingDestinations = existing.map((config) => ({ config, destination: destinationOfConfiguration(config) }));
  const matchesOf = (destination: Destination) =>
    existingDestinations.filter((e) => e.destination?.key === destination.key).map((e) => e.config);

  const steps: PlannedAction[] = [];
  const matchedIds = new Set<string>();
  for (const d of desired) {
    const matches = matchesOf(d.destination);
    for (const m of matches) matchedIds.add(m.id);
    const described = { file: d.file, kind: d.kind, destination: d.destination.label };
    if (matches.length > 1) {
      conflicts.push({
        reason: 'several-matches',
        message: `${d.file} matches ${matches.length} configurations on the tenant (${matches.map((m) => m.id).join(', ')}) at ${d.destination.label}`,
        files: [d.file],
        ids: matches.map((m) => m.id),
        destination: d.destination.label,
      });
      continue;
    }
    const match = matches[0];
    if (!match) {
      steps.push({ action: { action: 'create', ...described, notCompared: notComparedOnCreate(d) }, desired: d });
      continue;
    }
    const existingKind = destinationKind(match);
    if (existingKind !== d.kind) {
      conflicts.push({
        reason: 'kind-change',
        message: `${d.file} is ${d.kind} but configuration ${match.id} at ${d.destination.label} is ${existingKind}; an update cannot change how Immuta authenticates`,
        files: [d.file],
        ids: [match.id],
        destination: d.destination.label,
      });
      continue;
    }
    const { changes, notCompared } = diff(d, match);
    const rotate = options.rotateSecrets && notCompared.length > 0;
    if (changes.length > 0 || rotate) {
      steps.push({
        action: { action: 'update', ...described, id: match.id, changes, rotate, notCompared },
        desired: d,
        existing: match,
      });
    } else {
      steps.push({ action: { action: 'unchanged', ...described, id: match.id, notCompared }, existing: match });
    }
  }
  if (conflicts.length > 0) throw conflictError(conflicts);
  if (options.prune) {
    for (const { config, destination } of existingDestinations) {
      if (matchedIds.has(config.id)) continue;
      steps.push({
        action: {
          action: 'delete',
          id: config.id,
          kind: destinationKind(config),
          destination: destination?.label ?? '-',
        },
        existing: config,
      });
    }
  }
  return { steps };
}

export function countActions(plan: ApplyPlan): Record<PlanAction['action'], number> {
  const counts = { create: 0, update: 0, unchanged: 0, delete: 0 };
  for (const step of plan.steps) counts[step.action.action]++;
  return counts;
}
