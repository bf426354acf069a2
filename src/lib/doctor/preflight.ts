/**
 * Preflight (`create:*` / `update:*` / `apply` with --preflight, or IMMUTA_PREFLIGHT=1): the doctor's
 * checks on the configuration about to be sent, and nothing sent if one fails. Run functions call
 * `runPreflight` with the validated file data; when it returns a refusal they return that document
 * (the exit code is already set) instead of sending.
 *
 * For a new assumed-role configuration the trust relationship cannot exist yet: its sts:ExternalId is
 * the id the create will return. Preflight checks everything else and says so.
 */
import type { AwsClientOptions } from '../aws/clients.js';
import { immutaCli, shellArg } from '../config/cli-prefix.js';
import type { DoctorTarget, Finding } from './checks/index.js';
import { ExitCode, type ExitCodeValue } from '../errors/exit-codes.js';
import type { CommandIO } from '../io/command-io.js';
import type { CheckResult, DoctorReport, Flow } from './report.js';

export interface PreflightInput {
  kind: 's3:accessKey' | 's3:assumedRole' | 'adls:sasToken';
  mode: 'create' | 'update';
  /** The validated file data: what would be sent (secrets included; they never leave this process). */
  data: Record<string, unknown>;
  /** The file it came from, for the report. */
  file: string;
  /** update: the configuration id (its current settings fill the fields the file leaves out). */
  id?: string;
  /** Extra AWS client settings (tests: explicit credentials). Default: the AWS SDK chain, io.env endpoints. */
  aws?: Partial<AwsClientOptions>;
}

/** The `--json` document when preflight refuses: nothing was sent. */
export interface PreflightRefusal {
  sent: false;
  preflight: DoctorReport;
}

export interface PreflightOutcome {
  /** False when there was nothing to check (ADLS). */
  ran: boolean;
  report: DoctorReport | null;
  /** Set when a check failed (or nothing could be checked): return it instead of sending. */
  refusal?: PreflightRefusal;
}

export { preflightEnabled } from '../config/preflight.js';

/** Why the trust policy of a new role is not checked yet, and the command (of the run's profile) to run after create. */
export function trustNotYetText(cli = 'immuta'): string {
  return `Not checked before create: the trust policy must require sts:ExternalId = the configuration id, which the create returns. After create, run \`${cli} audit exportConfig policy trust --id ID --apply\`.`;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * A new role configuration: the trust policy cannot name the id yet, so only what is wrong whatever
 * the id is counts (Immuta trusted without sts:ExternalId, with any ExternalId, or any principal
 * trusted); any other trust finding becomes "not checked yet".
 */
const WRONG_WHATEVER_THE_ID =
  /without any sts:ExternalId|accepts any sts:ExternalId|any AWS principal|without requiring sts:ExternalId/;

export function trustNotYet(result: CheckResult, cli?: string): CheckResult {
  if (result.id !== 'trust-policy' || result.status === 'skipped') return result;
  if (result.status === 'fail' && WRONG_WHATEVER_THE_ID.test(result.summary)) return result;
  return {
    id: result.id,
    title: result.title,
    status: 'skipped',
    summary: trustNotYetText(cli),
    evidence: [`found now: ${result.summary}`],
    durationMs: result.durationMs,
  };
}

async function buildTarget(input: PreflightInput, io: CommandIO): Promise<DoctorTarget> {
  let current: Record<string, unknown> = {};
  if (input.mode === 'update' && input.id) {
    const tenant = await io.tenant();
    const found = (await tenant.listExportConfigurations()).find((c) => c.id === input.id);
    current = (found?.endpointConfiguration ?? {}) as Record<string, unknown>;
  }
  const pick = (field: string) => str(input.data[field]) ?? str(current[field]);
  const path = pick('path')?.replace(/^\/+|\/+$/g, '');
  const { resolveImmutaAccountId } = await import('./target.js');
  const immutaAccountId = await resolveImmutaAccountId({
    env: io.env,
    profile: io.globals.profile,
    ...(io.globals.configFile ? { configFile: io.globals.configFile } : {}),
  });
  const fields = {
    roleArn: pick('roleArn'),
    accessKeyId: pick('accessKeyId'),
    secretAccessKey: str(input.data.secretAccessKey),
    path: path || undefined,
    configurationId: input.mode === 'update' ? input.id : undefined,
    immutaAccountId,
  };
  return {
    flow: input.kind as Flow,
    bucket: pick('bucket') ?? '',
    region: pick('region') ?? '',
    ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)),
    commandSource: input.mode === 'update' && input.id ? `--id ${input.id}` : shellArg(input.file),
    cli: immutaCli(io.globals.profile),
  };
}

export async function runPreflight(input: PreflightInput, io: CommandIO): Promise<PreflightOutcome> {
  if (input.kind === 'adls:sasToken') {
    io.note('Preflight: the doctor checks S3 destinations only; nothing to check for ADLS before sending.');
    return { ran: false, report: null };
  }
  const target = await buildTarget(input, io);
  const newRole = input.kind === 's3:assumedRole' && input.mode === 'create';
  const config: Finding = {
    status: 'pass',
    summary: `${input.file} is a valid ${input.kind} configuration for s3://${target.bucket}${target.path ? `/${target.path}` : ''} (${target.region}).`,
  };
  const { runDoctor } = await import('./doctor.js');
  const progress = await io.progress('Preflight: checking the destination before sending');
  let report: DoctorReport;
  try {
    report = await runDoctor({
      target,
      config,
      aws: { region: target.region || 'us-east-1', env: io.env, ...input.aws },
      ...(newRole ? { adjust: (result: CheckResult) => trustNotYet(result, target.cli) } : {}),
      // A preflight runs before anything exists on Immuta's side: there is no status to wait for.
      propagationWaitMs: 0,
    });
  } finally {
    progress.stop();
  }
  const { renderReport } = await import('./render.js');
  if (report.exitCode === ExitCode.OK) {
    io.note(`Preflight: ${report.verdict}`);
    if (newRole)
      io.note(`Preflight: trust policy ${trustNotYetText(target.cli).replace(/^Not checked/, 'not checked')}`);
    return { ran: true, report };
  }
  io.out(renderReport(report, io.paint));
  io.note('');
  io.note('Preflight failed: nothing was sent. Fix the findings above (or send anyway without --preflight).');
  io.setExitCode(report.exitCode as ExitCodeValue);
  return { ran: true, report, refusal: { sent: false, preflight: report } };
}
