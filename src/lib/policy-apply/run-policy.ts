/**
 * `immuta audit exportConfig policy bucket|role|trust`: builds the exact policy Immuta needs for a
 * configuration (FILE or --id) with the shared templates (src/lib/policy-templates), prints it, and
 * with --apply merges it into the live policy after showing the diff and getting a yes.
 */
import type { ChalkInstance } from 'chalk';
import type { AwsClients } from '../aws/clients.js';
import { immutaCli, shellArg } from '../config/cli-prefix.js';
import { CliError, usageError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { TenantClient } from '../tenant/client.js';
import type { DiffLine } from './diff.js';
import type { JsonObject } from './merge.js';
import { stsSdk } from '../util/aws-sdk.js';

export type PolicyKind = 'bucket' | 'role' | 'trust';

export interface PolicyCommandFlags {
  id?: string;
  'external-id'?: string;
  'immuta-account-id'?: string;
  'kms-key-arn'?: string;
  'principal-arn'?: string;
  'role-arn'?: string;
  'aws-profile'?: string;
  region?: string;
  apply: boolean;
  yes: boolean;
  profile?: string;
  config?: string;
}

export interface PolicyCommandIO {
  out: (text: string) => void;
  note: (text: string) => void;
  tenant: () => Promise<TenantClient>;
  /** Prompts are possible (a terminal, not --json, not CI). */
  interactive: boolean;
  paint: ChalkInstance;
  readStdin: () => Promise<Buffer>;
  /** Asks yes/no (default no); only called when `interactive`. */
  confirm: (message: string) => Promise<boolean>;
  env: NodeJS.ProcessEnv;
}

/** The `--json` document of the policy commands. */
export interface PolicyCommandResult {
  kind: PolicyKind;
  /** The complete policy document to use (bucket: a policy holding the statement). */
  policy: JsonObject;
  /** The statements to add to an existing policy. */
  statements: JsonObject[];
  /** Placeholders left in the policy: fill them in (or pass the flag) before using it. */
  placeholders: string[];
  /** Where the policy goes, e.g. `bucket policy of acme-audit-logs`. */
  destination: string;
  apply: null | {
    target: string;
    call: string;
    changed: boolean;
    applied: boolean;
    before: JsonObject | null;
    after: JsonObject;
    notes: string[];
  };
}

async function writerFromKey(
  clients: AwsClients,
  accessKeyId: string,
  secretAccessKey: string,
): Promise<string | undefined> {
  const { GetCallerIdentityCommand } = stsSdk();
  try {
    const out = await (
      await clients.withCredentials({ accessKeyId, secretAccessKey }).sts()
    ).send(new GetCallerIdentityCommand({}));
    return out.Arn;
  } catch {
    return undefined;
  }
}

function paintDiff(lines: readonly DiffLine[], paint: ChalkInstance): string {
  return lines
    .map((l) => (l.op === '-' ? paint.red(`- ${l.text}`) : l.op === '+' ? paint.green(`+ ${l.text}`) : `  ${l.text}`))
    .join('\n');
}

/**
 * The key of a bucket's default SSE-KMS encryption: a full key ARN (KMS resolves an alias in the
 * caller's account, not the bucket's) in the bucket's partition and region, the only key S3 can use
 * for that bucket; a policy naming another key grants nothing that helps the export.
 */
function checkKmsKeyArn(arn: string, partition: string, region: string): void {
  const parts = /^arn:(aws|aws-cn|aws-us-gov|aws-eusc):kms:([a-z0-9-]+):\d{12}:key\/[\w-]+$/.exec(arn);
  if (!parts) {
    throw usageError(
      `"${arn}" is not a KMS key ARN`,
      `Use the full key ARN (arn:${partition}:kms:${region}:<account>:key/<id>): KMS resolves aliases in the caller's account.`,
    );
  }
  if (parts[1] !== partition || (region !== '' && parts[2] !== region)) {
    throw usageError(
      `the KMS key ${arn} is in ${parts[1] === partition ? `region ${parts[2]}` : `partition ${parts[1]}`}, but the bucket is in ${region}: S3 encrypts only with a key of the bucket's region`,
      `Use the key of the bucket's default encryption (arn:${partition}:kms:${region}:<account>:key/<id>; \`aws s3api get-bucket-encryption --bucket <bucket>\` shows it).`,
    );
  }
}

export async function runPolicyCommand(
  kind: PolicyKind,
  file: string | undefined,
  flags: PolicyCommandFlags,
  io: PolicyCommandIO,
): Promise<PolicyCommandResult> {
  if (file === undefined && flags.id === undefined) {
    throw usageError(
      'give a config FILE or --id ID',
      `Run \`immuta audit exportConfig policy ${kind} ./exportConfig.json\` or \`immuta audit exportConfig policy ${kind} --id ID\`.`,
    );
  }
  if (flags.id !== undefined && flags['external-id'] !== undefined && flags['external-id'] !== flags.id) {
    throw usageError(
      '--external-id differs from --id: with --id, the configuration id is the external id',
      'Drop --external-id.',
    );
  }
  // The flags share one declaration; one a kind does not use was ignored without a word, and the
  // policy printed without what the user asked for.
  if (flags['kms-key-arn'] !== undefined && kind !== 'role') {
    throw usageError(
      `--kms-key-arn is for \`policy role\`: the KMS permissions are the writer's identity policy (and the key policy), not the ${kind === 'bucket' ? 'bucket' : 'trust'} policy's`,
      `Run \`${immutaCli(flags.profile)} audit exportConfig policy role ${file === undefined ? `--id ${flags.id ?? 'ID'}` : shellArg(file)} --kms-key-arn ${flags['kms-key-arn']}\`.`,
    );
  }
  if (flags['principal-arn'] !== undefined && kind === 'trust') {
    throw usageError(
      "--principal-arn names the writer of the bucket and role policies; a trust policy's principal is Immuta's account",
      'Drop --principal-arn (pass --immuta-account-id for the trust policy).',
    );
  }
  const { checkTargetFlags } = await import('../doctor/flag-values.js');
  checkTargetFlags({
    roleArn: flags['role-arn'],
    externalId: flags['external-id'],
    principalArn: flags['principal-arn'],
    region: flags.region,
  });
  const { loadTarget, resolveImmutaAccountId } = await import('../doctor/target.js');
  const immutaAccountId = await resolveImmutaAccountId({
    flag: flags['immuta-account-id'],
    env: io.env,
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(flags.config ? { configFile: flags.config } : {}),
  });
  const tenant = flags.id === undefined ? undefined : await io.tenant();
  const loaded = await loadTarget({
    ...(file === undefined ? {} : { file }),
    ...(flags.id === undefined ? {} : { id: flags.id }),
    ...(flags['external-id'] === undefined ? {} : { externalId: flags['external-id'] }),
    ...(immutaAccountId ? { immutaAccountId } : {}),
    ...(flags['role-arn'] === undefined ? {} : { roleArn: flags['role-arn'] }),
    cli: immutaCli(flags.profile),
    forPolicy: true,
    ...(flags['aws-profile'] ? { awsProfile: flags['aws-profile'] } : {}),
    env: io.env,
    readStdin: io.readStdin,
    ...(tenant ? { listConfigurations: () => tenant.listExportConfigurations() } : {}),
  });
  const target = loaded.target;
  if (!target || loaded.config.status === 'fail') {
    throw new CliError(loaded.config.summary.replace(/\.$/, ''), {
      code: 'CONFIG_INVALID',
      exitCode: ExitCode.USAGE,
      ...(loaded.config.fix ? { fix: loaded.config.fix } : {}),
    });
  }
  if (loaded.config.status === 'warn') {
    // FILE and --id disagree (bucket, path, region, role): the policy follows the tenant, which is
    // what Immuta writes with; said out loud, as the doctor does, since the user gave the FILE.
    const differs = (loaded.config.evidence ?? []).find((e) => e.startsWith('the FILE differs'));
    io.note(
      `Warning: ${differs ?? "the FILE differs from the tenant's configuration"}.${loaded.config.fix ? ` ${loaded.config.fix}` : ''}`,
    );
  }
  // ARNs in the partition of the bucket's region: a GovCloud or China account's policies never match arn:aws:.
  const { partitionOfRegion } = await import('../export-config/rules/aws-region.js');
  const partition = partitionOfRegion(target.region);
  const kmsKeyArn = flags['kms-key-arn'];
  if (kmsKeyArn !== undefined) checkKmsKeyArn(kmsKeyArn, partition, target.region);
  const templates = await import('../policy-templates/index.js');
  const { AwsClients } = await import('../aws/clients.js');
  const clients = new AwsClients({
    region: flags.region ?? target.region,
    ...(flags['aws-profile'] ? { profile: flags['aws-profile'] } : {}),
  });
  try {
    // Who writes: the role (role flow) or the IAM user the key belongs to (access-key flow).
    let principalArn = flags['principal-arn'] ?? target.roleArn;
    if (
      !principalArn &&
      target.flow === 's3:accessKey' &&
      kind !== 'trust' &&
      target.accessKeyId &&
      target.secretAccessKey
    ) {
      principalArn = await writerFromKey(clients, target.accessKeyId, target.secretAccessKey);
    }
    let policy: JsonObject;
    let statements: JsonObject[];
    let placeholders: string[];
    let destination: string;
    const roleName = target.roleArn?.split('/').pop();
    const roleUnknown = target.flow === 's3:assumedRole' && kind !== 'bucket' && roleName === undefined;
    if (roleUnknown && flags.apply) {
      throw usageError(
        'the role to change is not known: the tenant does not return roleArn, and the connection status does not name it',
        `Pass it: \`${immutaCli(flags.profile)} audit exportConfig policy ${kind} ${flags.id ? `--id ${flags.id}` : 'FILE'} --role-arn arn:aws:iam::<account>:role/<name> --apply\`.`,
      );
    }
    const roleText = roleName ?? '<the role> (pass --role-arn ARN to name it)';
    if (kind === 'bucket') {
      const built = templates.bucketPolicy({
        bucket: target.bucket,
        partition,
        ...(target.path ? { path: target.path } : {}),
        ...(principalArn ? { principalArn } : {}),
      });
      policy = built.policy as unknown as JsonObject;
      statements = built.policy.Statement as unknown as JsonObject[];
      placeholders = built.placeholders;
      destination = `bucket policy of ${target.bucket}`;
    } else if (kind === 'role') {
      const built = templates.rolePermissionPolicy({
        bucket: target.bucket,
        partition,
        ...(target.path ? { path: target.path } : {}),
        ...(kmsKeyArn ? { kmsKeyArn } : {}),
      });
      policy = built.policy as unknown as JsonObject;
      statements = built.policy.Statement as unknown as JsonObject[];
      placeholders = built.placeholders;
      if (target.flow === 's3:assumedRole') destination = `inline policy ImmutaAuditExport of role ${roleText}`;
      else
        destination = `inline policy ImmutaAuditExport of IAM user ${principalArn?.split('/').pop() ?? "<the key's IAM user>"}`;
    } else {
      if (target.flow !== 's3:assumedRole')
        throw usageError(
          'a trust policy is for create:s3:assumedRole configurations',
          'Use `policy bucket` or `policy role` for the access-key flow.',
        );
      if (!target.configurationId) {
        throw usageError(
          'the trust policy needs the configuration id (sts:ExternalId)',
          'Pass --id ID (an existing configuration) or --external-id ID (the id `create:s3:assumedRole` returned).',
        );
      }
      const built = templates.trustPolicy({
        externalId: target.configurationId,
        // The account from a flag, IMMUTA_AWS_ACCOUNT_ID, the profile, or the connection status (target).
        ...(target.immutaAccountId ? { immutaAccountId: target.immutaAccountId } : {}),
        partition: target.roleArn?.split(':')[1] ?? partition,
      });
      policy = built.policy as unknown as JsonObject;
      statements = built.policy.Statement as unknown as JsonObject[];
      placeholders = built.placeholders;
      destination = `trust policy of role ${roleText}`;
    }
    const result: PolicyCommandResult = { kind, policy, statements, placeholders, destination, apply: null };
    const { pretty } = await import('./diff.js');
    if (!flags.apply) {
      io.out(pretty(policy));
      if (placeholders.length > 0)
        io.note(
          `Fill in ${placeholders.join(', ')} before using it${kind === 'trust' ? ' (or pass --immuta-account-id)' : kind === 'bucket' ? ' (or pass --principal-arn)' : ''}.`,
        );
      io.note(
        `Add it to the ${destination}, or run the same command with --apply to merge it in (nothing already there is removed).`,
      );
      return result;
    }
    if (placeholders.length > 0) {
      throw usageError(
        `cannot apply a policy with placeholders (${placeholders.join(', ')})`,
        kind === 'trust'
          ? 'Pass --immuta-account-id (ask your Immuta representative).'
          : 'Pass --principal-arn with the IAM user the key belongs to.',
      );
    }
    const apply = await import('./apply.js');
    let planned;
    if (kind === 'bucket')
      planned = await apply.planBucketPolicy(clients, { bucket: target.bucket, region: target.region, statements });
    else if (kind === 'trust') {
      // No placeholders here, so the account is known; its principal is the one the template wrote.
      const principal = (statements[0]?.Principal as { AWS?: unknown } | undefined)?.AWS;
      planned = await apply.planTrustPolicy(clients, {
        roleName: roleName ?? '',
        statements,
        ...(target.immutaAccountId && typeof principal === 'string'
          ? { immuta: { accountId: target.immutaAccountId, principalArn: principal } }
          : {}),
      });
    } else {
      const principal =
        target.flow === 's3:assumedRole'
          ? { type: 'role' as const, name: roleName ?? '' }
          : { type: 'user' as const, name: principalArn?.split('/').pop() ?? '' };
      if (!principal.name)
        throw usageError(
          'the IAM user of the access key is unknown',
          'Pass --principal-arn arn:aws:iam::<account>:user/<name>.',
        );
      planned = await apply.planInlinePolicy(clients, { principal, statements });
    }
    result.apply = {
      target: planned.target,
      call: planned.call,
      changed: planned.changed,
      applied: false,
      before: planned.before,
      after: planned.after,
      notes: planned.notes,
    };
    for (const n of planned.notes) io.note(n);
    if (!planned.changed) {
      io.note(`The ${planned.target} already contains what Immuta needs: nothing to change.`);
      return result;
    }
    io.out(`${planned.before ? 'Changes to' : 'New'} ${planned.target}:\n${paintDiff(planned.diff, io.paint)}`);
    let go = flags.yes;
    if (!go) {
      if (!io.interactive)
        throw usageError(
          `not applied: --apply changes the ${planned.target}, and needs --yes when it cannot ask`,
          'Review the diff above, then re-run with --apply --yes.',
        );
      go = await io.confirm(`Apply this change to the ${planned.target} (${planned.call})?`);
      if (!go) {
        io.note('Not applied.');
        return result;
      }
    }
    await planned.apply();
    result.apply.applied = true;
    io.note(`Applied: ${planned.call} on the ${planned.target}.`);
    return result;
  } finally {
    await clients.destroy();
  }
}
