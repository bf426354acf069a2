/**
 * `audit exportConfig doctor [FILE] [--id ID]`: resolve the target (a file, or a configuration read
 * from the tenant), run the checks (runDoctor), print the report; exit 3 when a check fails.
 */
import { immutaCli } from '../config/cli-prefix.js';
import { usageError } from '../errors/cli-error.js';
import { ExitCode, type ExitCodeValue } from '../errors/exit-codes.js';
import { readConfigStdin } from '../export-config/stdin.js';
import type { CommandIO } from '../io/command-io.js';
import type { DoctorReport } from './report.js';
import { MAX_TIMEOUT_MS, millisecondsFromEnv } from '../config/env-milliseconds.js';

export interface DoctorCommandOptions {
  file?: string;
  id?: string;
  externalId?: string;
  immutaAccountId?: string;
  awsProfile?: string;
  region?: string;
  probe: boolean;
  /** With probe: write even under Object Lock, without asking. */
  yes: boolean;
  /** Role flow: the role to check (the tenant does not return it). */
  roleArn?: string;
}

/**
 * A number of milliseconds from the environment (test and CI knobs documented in the README), checked
 * as IMMUTA_TIMEOUT is: `Number("abc")` was NaN, which timed every check out at once and said "Ready".
 */
function envMs(env: NodeJS.ProcessEnv, name: string, least: number): number | undefined {
  if (env[name] === undefined || env[name].trim() === '') return undefined;
  return millisecondsFromEnv(env, name, { least, most: MAX_TIMEOUT_MS, fallback: 0 }, '30000');
}

export async function runDoctorCommand(options: DoctorCommandOptions, io: CommandIO): Promise<DoctorReport> {
  const { file, id } = options;
  if (file === undefined && id === undefined) {
    throw usageError(
      'give a config FILE or --id ID',
      'Run `immuta audit exportConfig doctor ./exportConfig.json` or `immuta audit exportConfig doctor --id ID`.',
    );
  }
  if (id !== undefined && options.externalId !== undefined && options.externalId !== id) {
    throw usageError(
      '--external-id differs from --id: with --id, the configuration id is the external id',
      'Drop --external-id.',
    );
  }
  const propagationWaitMs = envMs(io.env, 'IMMUTA_DOCTOR_PROPAGATION_WAIT_MS', 0);
  const checkTimeoutMs = envMs(io.env, 'IMMUTA_DOCTOR_CHECK_TIMEOUT_MS', 1);
  const { checkTargetFlags } = await import('./flag-values.js');
  checkTargetFlags({ roleArn: options.roleArn, externalId: options.externalId, region: options.region });
  const { loadTarget, resolveImmutaAccountId } = await import('./target.js');
  const immutaAccountId = await resolveImmutaAccountId({
    flag: options.immutaAccountId,
    env: io.env,
    profile: io.globals.profile,
    configFile: io.globals.configFile,
  });
  const tenant = id === undefined ? undefined : await io.tenant();
  const loaded = await loadTarget({
    ...(file === undefined ? {} : { file }),
    ...(id === undefined ? {} : { id }),
    ...(options.externalId === undefined ? {} : { externalId: options.externalId }),
    ...(immutaAccountId ? { immutaAccountId } : {}),
    ...(options.roleArn === undefined ? {} : { roleArn: options.roleArn }),
    cli: immutaCli(io.globals.profile),
    ...(options.awsProfile ? { awsProfile: options.awsProfile } : {}),
    env: io.env,
    readStdin: () => readConfigStdin(io),
    ...(tenant ? { listConfigurations: () => tenant.listExportConfigurations() } : {}),
  });
  const { runDoctor } = await import('./doctor.js');
  const progress = await io.progress('Checking the export configuration');
  let done = 0;
  const interactive = io.caps.interactive && !io.json;

  let report: DoctorReport;
  try {
    report = await runDoctor({
      target: loaded.target,
      config: loaded.config,
      aws: {
        region: options.region ?? loaded.target?.region ?? io.env.AWS_REGION ?? 'us-east-1',
        ...(options.awsProfile ? { profile: options.awsProfile } : {}),
      },
      probe: {
        enabled: options.probe,
        allowUnderObjectLock: options.yes,
        ...(interactive
          ? {
              confirm: async (message: string) => {
                progress.stop();
                return io.prompts.confirm(message, false);
              },
            }
          : {}),
      },
      ...(tenant && loaded.tenantConfiguration && id !== undefined
        ? {
            tenantStatus: {
              initial: loaded.tenantConfiguration.connectionStatus,
              read: async () => (await tenant.listExportConfigurations()).find((c) => c.id === id)?.connectionStatus,
            },
          }
        : {}),
      // Test and CI knobs (documented in the README): shorten the IAM-propagation wait and the per-check timeout.
      ...(propagationWaitMs === undefined ? {} : { propagationWaitMs }),
      ...(checkTimeoutMs === undefined ? {} : { checkTimeoutMs }),
      onCheck: () => progress.update(`Checking the export configuration (${++done} checks done)`),
    });
  } finally {
    progress.stop();
  }
  const { renderReport } = await import('./render.js');
  io.out(renderReport(report, io.paint));
  if (report.exitCode !== ExitCode.OK) io.setExitCode(report.exitCode as ExitCodeValue);
  return report;
}
