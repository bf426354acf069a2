/**
 * `audit exportConfig create:<kind>` and `update:<kind>`: read and validate the file (nothing is sent
 * before it is valid), `--dry-run` prints the request instead, otherwise send the mutation and
 * explain the result (exit 3 with next steps when the connection is not SUCCESS).
 */
import { preflightEnabled } from '../config/preflight.js';
import { usageError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { CommandIO } from '../io/command-io.js';
import { isConnected, renderConfigurationSummary } from '../export-config/configuration-view.js';
import { redactValue } from '../output/redact.js';
import { isAwsAccountId } from '../policy-templates/index.js';
import { type OperationName, buildOperation } from '../tenant/documents.js';
import type { ExportConfiguration } from '../tenant/types.js';
import type { ExportKind, SaveMode } from '../export-config/kinds.js';
import type { LoadedExportConfig } from '../export-config/load.js';
import type { NextSteps } from '../export-config/next-steps.js';
import { readConfigStdin } from '../export-config/stdin.js';
import { checkUpdateTarget } from '../export-config/update-target.js';
import type { PreflightRefusal } from '../doctor/preflight.js';

export interface SaveOptions {
  kind: ExportKind;
  mode: SaveMode;
  /** The file, or - for standard input. */
  file: string;
  /** update: the configuration to change. */
  id?: string;
  dryRun: boolean;
  /** --preflight: the doctor's checks on the file first; nothing is sent if one fails (also IMMUTA_PREFLIGHT=1). */
  preflight?: boolean;
  /** s3:assumedRole: Immuta's AWS account id, to fill in the trust policy. */
  immutaAccountId?: string;
}

/** `--json` result of a dry run. */
export interface DryRunResult {
  dryRun: true;
  operation: OperationName;
  query: string;
  /** The variables exactly as sent (string values; the interval and id are literals in the query). */
  variables: Record<string, unknown>;
}

/** `--json` result of create/update: the configuration as the tenant returned it, plus what to do next. */
export type SaveResult = ExportConfiguration & { nextSteps: NextSteps };

const MAX_SECRET_BYTES = 64 * 1024;

export async function runSave(
  options: SaveOptions,
  io: CommandIO,
): Promise<DryRunResult | SaveResult | PreflightRefusal> {
  checkAccountInputs(options, io.env);
  if (options.file === '-' && io.stdinIsTTY)
    io.note('Reading the configuration from standard input (finish with Ctrl-D).');
  const { loadExportConfig } = await import('../export-config/load.js');
  const loaded = await loadExportConfig({
    kind: options.kind,
    mode: options.mode,
    file: options.file,
    id: options.id,
    env: io.env,
    readStdin: () => readConfigStdin(io),
    readSecret: (field) => readSecret(field, io),
    listAllProblems: !io.json,
  });
  if (preflightEnabled(options.preflight, io.env)) {
    const { runPreflight } = await import('../doctor/preflight.js');
    const checked = await runPreflight(
      {
        kind: options.kind,
        mode: options.mode,
        data: loaded.data,
        file: loaded.file,
        ...(options.id ? { id: options.id } : {}),
      },
      io,
    );
    if (checked.refusal) return checked.refusal;
  }
  if (options.dryRun) return dryRun(loaded, io);
  return send(loaded, options, io);
}

/** A bad --immuta-account-id is a usage error, caught before anything is sent. */
function checkAccountInputs(options: SaveOptions, env: NodeJS.ProcessEnv): void {
  const flag = options.immutaAccountId;
  if (flag !== undefined && !isAwsAccountId(flag)) {
    throw usageError(
      `--immuta-account-id must be a 12-digit AWS account id, not "${flag}"`,
      'Pass the id Immuta gave you, e.g. --immuta-account-id 123456789012, or leave the flag out.',
    );
  }
  const fromEnv = env.IMMUTA_AWS_ACCOUNT_ID;
  if (
    options.kind === 's3:assumedRole' &&
    flag === undefined &&
    fromEnv !== undefined &&
    fromEnv !== '' &&
    !isAwsAccountId(fromEnv)
  ) {
    throw usageError(
      `IMMUTA_AWS_ACCOUNT_ID must be a 12-digit AWS account id, not "${fromEnv}"`,
      'Fix or unset the variable.',
    );
  }
}

/**
 * A secret given as {"fromStdin": true}: a masked prompt on a terminal, else all of standard input.
 * A terminal that may not be asked (--json asks nothing; CI) is refused: reading it unprompted would
 * wait without a word, and show the secret as it is typed.
 */
async function readSecret(field: string, io: CommandIO): Promise<string> {
  if (io.stdinIsTTY) {
    if (io.caps.interactive && !io.json) return io.prompts.secret(`${field}:`);
    throw usageError(
      `"${field}" reads standard input, which is a terminal, and ${io.json ? '--json asks nothing' : 'this session cannot prompt'} (nothing was sent)`,
      `Pipe the value in (e.g. \`printenv SECRET | immuta ...\`), or use {"fromEnv": "NAME"} for "${field}".`,
    );
  }
  return (await readConfigStdin(io, MAX_SECRET_BYTES)).toString('utf8');
}

async function dryRun(loaded: LoadedExportConfig, io: CommandIO): Promise<DryRunResult> {
  const request = buildOperation(loaded.operation, { data: loaded.data });
  const result: DryRunResult = {
    dryRun: true,
    operation: loaded.operation,
    query: request.query,
    variables: redactValue(request.variables),
  };
  io.note(`${loaded.file} is valid. Dry run: nothing was sent.`);
  for (const [field, from] of Object.entries(loaded.sources)) io.note(`${field}: read from ${from}`);
  if (!io.json)
    io.out(
      [
        `${io.paint.bold('Operation:')} ${result.operation}`,
        io.paint.bold('Variables:'),
        JSON.stringify(result.variables, null, 2),
        io.paint.bold('Query:'),
        result.query.trimEnd(),
      ].join('\n'),
    );
  return result;
}

/**
 * Immuta's AWS account id, learned from a connection status, is kept in the profile in use (when the
 * profile file has it), so that later commands (`policy trust FILE --external-id`, `doctor`) know it
 * too. A profile that cannot be written is not a reason to fail the create: it is said, not thrown.
 */
async function rememberAccountId(accountId: string, io: CommandIO): Promise<void> {
  const { ProfileStore } = await import('../config/profile-store.js');
  const store = new ProfileStore(io.globals.configFile);
  try {
    const existing = store.get(io.globals.profile);
    if (existing === undefined) return;
    await store.set(io.globals.profile, { ...existing, immuta_aws_account_id: accountId });
    io.note(
      `Saved Immuta's AWS account id ${accountId} (from the connection status) to profile "${io.globals.profile}".`,
    );
  } catch (error) {
    io.warn(`could not save Immuta's AWS account id to the profile: ${(error as Error).message}`);
  }
}

async function profileAccountId(kind: ExportKind, io: CommandIO): Promise<string | undefined> {
  if (kind !== 's3:assumedRole') return undefined;
  const { ProfileStore } = await import('../config/profile-store.js');
  const profile = new ProfileStore(io.globals.configFile).get(io.globals.profile) as
    Record<string, unknown> | undefined;
  const value = profile?.immuta_aws_account_id;
  // YAML reads an unquoted 012345678901 as a number: restore the leading zeros.
  if (typeof value === 'number' && Number.isInteger(value)) return String(value).padStart(12, '0');
  return typeof value === 'string' ? value.trim() : undefined;
}

async function send(loaded: LoadedExportConfig, options: SaveOptions, io: CommandIO): Promise<SaveResult> {
  const tenant = await io.tenant();
  const profileAccount = await profileAccountId(options.kind, io);
  if (options.mode === 'update' && options.id !== undefined) await checkUpdateTarget(tenant, options.id, options.kind);
  const verb = options.mode === 'create' ? 'Creating' : 'Updating';
  const progress = await io.progress(`${verb} the export configuration on ${tenant.host}`);
  const config = await tenant.mutateConfiguration(loaded.operation, { data: loaded.data });
  progress.stop();
  const { buildNextSteps, renderNextSteps, resolveImmutaAccount } = await import('../export-config/next-steps.js');
  const account = resolveImmutaAccount({
    flag: options.immutaAccountId,
    env: io.env.IMMUTA_AWS_ACCOUNT_ID,
    profile: profileAccount,
    status: config.connectionStatus,
  });
  if (account.source === 'connectionStatus' && account.id && profileAccount === undefined)
    await rememberAccountId(account.id, io);
  const { isSandboxTenant } = await import('../config/sandbox-tenant.js');
  const sandbox = isSandboxTenant(tenant.host, io.env);
  const nextSteps = buildNextSteps({ loaded, config, account, profile: io.globals.profile, sandbox });
  io.out(renderConfigurationSummary(config, io.paint));
  const connected = isConnected(config);
  io.note('');
  io.note(
    connected && !nextSteps.trustPolicy
      ? io.paintErr.green(nextSteps.message)
      : renderNextSteps(nextSteps, io.paintErr),
  );
  if (!connected) io.setExitCode(ExitCode.ACTION_NEEDED);
  return { ...config, nextSteps };
}
