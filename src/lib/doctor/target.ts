/**
 * What the doctor (and the policy command) examine: an S3 export configuration read from a create
 * FILE (validated by the export-config loader), from the tenant (--id), or both — the tenant's
 * endpoint settings with the FILE's key pair, since the tenant never returns secretAccessKey.
 */
import { shellArg } from '../config/cli-prefix.js';
import { CliError, formatLocation, usageError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { DoctorTarget, Finding } from './checks/context.js';
import { type ExportConfiguration, destinationKind } from '../tenant/types.js';
import type { Flow } from './report.js';

export interface TargetInput {
  /** A create:s3 config file path, or `-` for standard input. */
  file?: string;
  /** An existing configuration id (read from the tenant). */
  id?: string;
  /** --external-id: the configuration id for an assumed-role FILE. */
  externalId?: string;
  immutaAccountId?: string;
  /** --role-arn: the role of an assumed-role configuration, when neither the FILE nor the tenant names it. */
  roleArn?: string;
  env: NodeJS.ProcessEnv;
  /** Reads all of standard input (once). */
  readStdin: () => Promise<Buffer>;
  /** Reads the tenant's configurations (only called with --id). */
  listConfigurations?: () => Promise<ExportConfiguration[]>;
  /** The policy command loads the target (its messages name the policy command, not the doctor). */
  forPolicy?: boolean;
  /** The `immuta` (or `immuta -p NAME`) that fixes start with. */
  cli?: string;
  /** --aws-profile, repeated in the policy commands of fixes. */
  awsProfile?: string;
}

export interface LoadedTarget {
  /** Undefined when the FILE is invalid (then `config` says why). */
  target?: DoctorTarget;
  config: Finding;
  /** With --id: the configuration as the tenant returned it. */
  tenantConfiguration?: ExportConfiguration;
}

/** Guesses the file's kind from its fields, so one `doctor FILE` serves both S3 flows. */
function detectKind(text: string): Flow | 'adls' {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.includes('roleArn')) return 's3:assumedRole';
      if (keys.some((k) => ['storageAccount', 'fileSystem', 'sasToken'].includes(k))) return 'adls';
    }
  } catch {
    // The loader reports the syntax error with its line and column.
  }
  return 's3:accessKey';
}

function adlsError(where: string, forPolicy: boolean): CliError {
  // The policy commands load their target here too: their message must not speak of the doctor.
  return forPolicy
    ? usageError(
        `${where} is an ADLS configuration; IAM and bucket policies are for S3 destinations (ADLS is reached with its SAS token)`,
        'Run the policy command on a create:s3:accessKey or create:s3:assumedRole configuration.',
      )
    : usageError(
        `${where} is an ADLS configuration; the doctor checks S3 destinations only`,
        'Run the doctor on a create:s3:accessKey or create:s3:assumedRole configuration.',
      );
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export async function loadTarget(input: TargetInput): Promise<LoadedTarget> {
  let fromFile:
    { flow: Flow; data: Record<string, unknown>; file: string; sources: Record<string, string> } | undefined;
  if (input.file !== undefined) {
    // The promise is kept, not its value: after a failed read (input over the size limit) the
    // loader's second read must get the same error, not a stream already closed ("Premature close").
    let stdinRead: Promise<Buffer> | undefined;
    const readStdinOnce = (): Promise<Buffer> => (stdinRead ??= input.readStdin());
    let text = '';
    try {
      // Bounded and non-blocking, as the loader reads it: a FIFO or /dev/zero is refused, not read.
      const { readConfigSource } = await import('../export-config/source.js');
      text = (await readConfigSource(input.file, readStdinOnce)).text;
    } catch {
      // Missing, unreadable or not a regular file: the loader gives the precise message.
    }
    const kind = detectKind(text);
    if (kind === 'adls') throw adlsError(input.file, input.forPolicy === true);
    const { loadExportConfig } = await import('../export-config/load.js');
    try {
      const loaded = await loadExportConfig({
        kind,
        mode: 'create',
        file: input.file,
        env: input.env,
        readStdin: readStdinOnce,
        readSecret: async () => (await readStdinOnce()).toString('utf8').trim(),
        listAllProblems: true,
      });
      fromFile = { flow: kind, data: loaded.data, file: loaded.file, sources: loaded.sources };
    } catch (error) {
      if (error instanceof CliError && error.exitCode === ExitCode.USAGE) {
        const where = formatLocation(error.location);
        return {
          config: {
            status: 'fail',
            summary: `The config file is invalid: ${error.message}`,
            ...(where ? { evidence: [where] } : {}),
            ...(error.fix ? { fix: error.fix } : {}),
          },
        };
      }
      throw error;
    }
  }

  let tenantConfiguration: ExportConfiguration | undefined;
  if (input.id !== undefined) {
    if (!input.listConfigurations) throw new Error('listConfigurations is required with --id');
    const { findConfiguration } = await import('../tenant/find-configuration.js');
    tenantConfiguration = await findConfiguration({ listExportConfigurations: input.listConfigurations }, input.id);
    const kind = destinationKind(tenantConfiguration);
    if (kind === 'adls:sasToken') throw adlsError(`configuration ${input.id}`, input.forPolicy === true);
    if (kind === 'unknown') {
      throw usageError(
        `configuration ${input.id} has no S3 endpoint the doctor can read`,
        'Pass the config FILE as well.',
      );
    }
    if (fromFile && fromFile.flow !== kind) {
      throw usageError(
        `the FILE is a ${fromFile.flow} configuration but ${input.id} is ${kind}`,
        'Pass the file the configuration was created from, or only --id.',
      );
    }
  }

  const endpoint = tenantConfiguration?.endpointConfiguration ?? undefined;
  const data = fromFile?.data ?? {};
  const flow: Flow = fromFile?.flow ?? (destinationKind(tenantConfiguration as ExportConfiguration) as Flow);
  const bucket = str(endpoint?.bucket) ?? str(data.bucket) ?? '';
  const region = str(endpoint?.region) ?? str(data.region) ?? '';
  const path = (str(endpoint?.path) ?? str(data.path))?.replace(/^\/+|\/+$/g, '') || undefined;
  // The tenant does not return roleArn: --role-arn, the FILE, or the role the connectionStatus names.
  const { accountFromStatus, roleArnFromStatus } = await import('../export-config/next-steps.js');
  const connectionStatus = tenantConfiguration?.connectionStatus;
  const roleArn =
    str(input.roleArn) ??
    str(endpoint?.roleArn) ??
    str(data.roleArn) ??
    roleArnFromStatus(connectionStatus) ??
    undefined;
  // Immuta's account id, as its own error names it, when no flag, variable or profile gave it.
  const immutaAccountId = input.immutaAccountId ?? accountFromStatus(connectionStatus)?.accountId;
  const accessKeyId = str(endpoint?.accessKeyId) ?? str(data.accessKeyId);
  const secretAccessKey = str(data.secretAccessKey);
  const configurationId = input.id ?? input.externalId;
  const target: DoctorTarget = {
    flow,
    bucket,
    region,
    ...(path ? { path } : {}),
    ...(roleArn ? { roleArn } : {}),
    ...(accessKeyId ? { accessKeyId } : {}),
    ...(secretAccessKey ? { secretAccessKey } : {}),
    ...(configurationId ? { configurationId } : {}),
    ...(immutaAccountId ? { immutaAccountId } : {}),
    ...(input.cli ? { cli: input.cli } : {}),
    ...(input.awsProfile ? { awsProfile: input.awsProfile } : {}),
    commandSource:
      input.id !== undefined
        ? `--id ${input.id}`
        : `${input.file === undefined ? 'FILE' : shellArg(input.file)}${input.externalId ? ` --external-id ${input.externalId}` : ''}`,
  };

  const evidence: string[] = [];
  if (fromFile) evidence.push(`${fromFile.file}: valid ${fromFile.flow} configuration`);
  for (const [field, source] of Object.entries(fromFile?.sources ?? {})) evidence.push(`${field} read from ${source}`);
  if (tenantConfiguration) evidence.push(`configuration ${tenantConfiguration.id} read from the tenant (${flow})`);
  let status: Finding['status'] = 'pass';
  let fix: string | undefined;
  if (fromFile && endpoint) {
    const differs = (['bucket', 'region', 'path', 'roleArn', 'accessKeyId'] as const).filter((k) => {
      const a = str(data[k]);
      const b = str((endpoint as Record<string, unknown>)[k]);
      return a !== undefined && b !== undefined && a.replace(/^\/+|\/+$/g, '') !== b.replace(/^\/+|\/+$/g, '');
    });
    if (differs.length > 0) {
      status = 'warn';
      evidence.push(
        `the FILE differs from the tenant's configuration in ${differs.join(', ')}: checking the tenant's values`,
      );
      fix = `Update the configuration (\`${input.cli ?? 'immuta'} audit exportConfig update:${flow} ${input.id ?? 'ID'} ${input.file === undefined ? 'FILE' : shellArg(input.file)}\`) if the FILE is what you want.`;
    }
  }
  const summary = fromFile
    ? `${fromFile.file} is a valid ${fromFile.flow} configuration for s3://${bucket}${path ? `/${path}` : ''} (${region}).`
    : `Configuration ${input.id ?? ''} (${flow}) writes to s3://${bucket}${path ? `/${path}` : ''} (${region}).`;
  return {
    target,
    config: { status, summary, evidence, ...(fix ? { fix } : {}) },
    ...(tenantConfiguration ? { tenantConfiguration } : {}),
  };
}

/** `--immuta-account-id` > IMMUTA_AWS_ACCOUNT_ID > the profile's `immuta_aws_account_id`. */
export async function resolveImmutaAccountId(options: {
  flag?: string;
  env: NodeJS.ProcessEnv;
  profile?: string;
  configFile?: string;
}): Promise<string | undefined> {
  let value = options.flag ?? options.env.IMMUTA_AWS_ACCOUNT_ID;
  let from = options.flag ? '--immuta-account-id' : 'IMMUTA_AWS_ACCOUNT_ID';
  if (value === undefined) {
    try {
      const { ProfileStore } = await import('../config/profile-store.js');
      const profile = new ProfileStore(options.configFile ?? options.env.IMMUTA_CONFIG).get(
        options.profile ?? 'default',
      ) as Record<string, unknown> | undefined;
      const stored = profile?.immuta_aws_account_id;
      if (stored !== undefined && stored !== null) {
        value = String(stored);
        from = 'the profile key immuta_aws_account_id';
      }
    } catch {
      // A broken profile file is reported by the commands that need it; the doctor can go on.
    }
  }
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (!/^\d{12}$/.test(trimmed)) {
    throw usageError(
      `"${trimmed}" (from ${from}) is not an AWS account id`,
      "Use Immuta's 12-digit AWS account id (ask your Immuta representative).",
    );
  }
  return trimmed;
}
