import { immutaCli } from '../config/cli-prefix.js';
import { preflightEnabled } from '../config/preflight.js';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { counted } from '../output/plural.js';
import type { CommandIO } from '../io/command-io.js';
import { connectionHint } from '../lifecycle/connection-hint.js';
import { CONNECTION_SUCCESS } from '../tenant/types.js';
import { type DesiredConfiguration, expandPaths, loadDesired } from './desired.js';
import { type AppliedAction, executePlan } from './execute.js';
import { type ApplyPlan, type PlanAction, countActions, planApply } from './plan.js';
import { renderPlan, safeRemoteText } from './render.js';
import type { PreflightRefusal } from '../doctor/preflight.js';

export interface ApplyOptions {
  /** Files and directories (a directory contributes its *.json files). */
  paths: string[];
  dryRun: boolean;
  prune: boolean;
  yes: boolean;
  rotateSecrets: boolean;
  /** --preflight (or IMMUTA_PREFLIGHT=1): the doctor's checks on every create/update first; nothing is sent if one fails. */
  preflight?: boolean;
}

/** The `--json` document of `apply`. */
export interface ApplyResult {
  dryRun: boolean;
  /** Mutations were sent (false for --dry-run and for a plan with nothing to do). */
  applied: boolean;
  summary: Record<PlanAction['action'], number>;
  /** The plan; after a real run each action has the id and connectionStatus the tenant answered. */
  actions: Array<PlanAction | AppliedAction>;
  /** Every configuration a file describes has connectionStatus SUCCESS (null for a dry run). */
  connected: boolean | null;
}

/** The one secret standard input may supply: a key or token is short, so little is read. */
const STDIN_LIMIT = 64 * 1024;

/**
 * `immuta audit exportConfig apply FILE|DIR...`: make the tenant's export configurations match the
 * files. Every file is read and validated, the tenant is read, the plan is made and printed, and
 * only then is anything sent. Exit 0 when the tenant matches and every connection is SUCCESS, 3
 * when a connection is not, 2 for invalid files, conflicts or a refused --prune.
 */
export async function runApply(options: ApplyOptions, io: CommandIO): Promise<ApplyResult | PreflightRefusal> {
  const files = await expandPaths(options.paths);
  const desired: DesiredConfiguration[] = await loadDesired(files, {
    env: io.env,
    readSecret: (file, field) =>
      io.caps.interactive && !io.json ? io.prompts.secret(`${field} (${file}):`) : io.readStdin(STDIN_LIMIT),
    listAllProblems: !io.json,
  });
  const tenant = await io.tenant();
  const progress = await io.progress(`Reading the export configurations on ${tenant.host}`);
  const existing = await tenant.listExportConfigurations().finally(() => progress.stop());
  const plan = planApply(desired, existing, { prune: options.prune, rotateSecrets: options.rotateSecrets });
  io.out(renderPlan(plan, io.paint));
  const summary = countActions(plan);

  if (options.dryRun) {
    io.note('Dry run: nothing was sent.');
    return { dryRun: true, applied: false, summary, actions: plan.steps.map((s) => s.action), connected: null };
  }
  // After the plan is known, before anything is sent: the doctor's checks on what would be sent.
  const refusal = await preflightPlan(plan, options, io);
  if (refusal) return refusal;
  await confirmDeletes(plan, options, io);

  const applied = await executePlan(plan, tenant, io);
  const described = applied.filter((a) => a.action !== 'delete');
  const notConnected = described.filter((a) => a.connectionStatus !== CONNECTION_SUCCESS);
  reportConnections(notConnected, io);
  const disabled = described.filter((a) => a.enabled === false);
  reportDisabled(disabled, io);
  if (notConnected.length > 0) io.setExitCode(ExitCode.ACTION_NEEDED);
  const sent = summary.create + summary.update + summary.delete > 0;
  io.out('');
  for (const a of described) {
    const status = safeRemoteText(a.connectionStatus ?? 'UNKNOWN', 120);
    const painted = a.connectionStatus === CONNECTION_SUCCESS ? io.paint.green(status) : io.paint.red(status);
    io.out(`${a.id}  ${a.destination}  ${painted}`);
  }
  const but =
    disabled.length > 0 ? `, but ${counted(disabled.length, 'configuration is', 'configurations are')} disabled` : '';
  io.note(sent ? `Applied: ${doneSummary(summary)}${but}.` : `Nothing to change: the tenant matches the files${but}.`);
  return { dryRun: false, applied: sent, summary, actions: applied, connected: notConnected.length === 0 };
}

/** --prune deletes only after --yes or a yes at the prompt; a session that cannot ask is refused. */
async function confirmDeletes(plan: ApplyPlan, options: ApplyOptions, io: CommandIO): Promise<void> {
  const ids = plan.steps.flatMap((s) => (s.action.action === 'delete' ? [s.action.id] : []));
  if (ids.length === 0 || options.yes) return;
  if (!io.caps.interactive || io.json) {
    throw new CliError(
      `refusing to delete ${ids.length} configuration(s) (${ids.join(', ')}) without --yes: this session cannot ask for confirmation (nothing was sent)`,
      {
        code: 'CONFIRMATION_REQUIRED',
        exitCode: ExitCode.USAGE,
        fix: 'Add --yes to delete what no file describes, or leave out --prune to keep it (--dry-run shows the plan).',
        details: { delete: ids },
      },
    );
  }
  const confirmed = await io.prompts.confirm(
    `Delete ${ids.length} export configuration(s) no file describes (${ids.join(', ')})? Their audit logs stop being exported.`,
    false,
  );
  if (!confirmed)
    throw new CliError('not confirmed: nothing was sent', {
      code: 'CANCELLED',
      exitCode: ExitCode.USAGE,
      fix: 'Run again without --prune to apply the files and keep the other configurations.',
    });
}

function doneSummary(summary: ApplyResult['summary']): string {
  const parts = [`${summary.create} created`, `${summary.update} updated`, `${summary.unchanged} unchanged`];
  if (summary.delete > 0) parts.push(`${summary.delete} deleted`);
  return parts.join(', ');
}

function reportConnections(notConnected: readonly AppliedAction[], io: CommandIO): void {
  for (const a of notConnected) {
    const status = safeRemoteText(a.connectionStatus ?? 'UNKNOWN');
    io.warn(`${a.id} (${a.destination}) is not connected: ${status}`);
    io.note(
      `  ${connectionHint(a.connectionStatus, a.id, { profile: io.globals.profile, adls: a.kind === 'adls:sasToken' })}`,
    );
  }
}

/**
 * A file cannot say whether its configuration is enabled, so apply never changes it: a disabled one
 * matches its file and exports nothing, which "the tenant matches the files" alone would hide.
 */
function reportDisabled(disabled: readonly AppliedAction[], io: CommandIO): void {
  if (disabled.length === 0) return;
  const immuta = immutaCli(io.globals.profile);
  io.warn(
    `${disabled.map((a) => `${a.id} (${a.destination})`).join(', ')} ${disabled.length === 1 ? 'is' : 'are'} disabled: no audit logs are exported there.`,
  );
  for (const a of disabled) io.note(`  Enable it with \`${immuta} audit exportConfig enable ${a.id}\`.`);
}

/** --preflight: runs the doctor's checks on each create and update of the plan; the first refusal stops the run. */
async function preflightPlan(
  plan: ApplyPlan,
  options: ApplyOptions,
  io: CommandIO,
): Promise<PreflightRefusal | undefined> {
  if (!preflightEnabled(options.preflight, io.env)) return undefined;
  const { runPreflight } = await import('../doctor/preflight.js');
  for (const step of plan.steps) {
    const { action, desired } = step;
    if (desired === undefined || (action.action !== 'create' && action.action !== 'update')) continue;
    const checked = await runPreflight(
      {
        kind: desired.kind,
        mode: action.action,
        data: desired.data,
        file: desired.file,
        ...(action.action === 'update' ? { id: action.id } : {}),
      },
      io,
    );
    if (checked.refusal) return checked.refusal;
  }
  return undefined;
}
