import type { ChalkInstance } from 'chalk';
import { destinationOf, isConnected } from './configuration-view.js';
import {
  IMMUTA_ACCOUNT_PLACEHOLDER,
  type PolicyDocument,
  type PolicyStatement,
  bucketPolicyStatement,
  isAwsAccountId,
  rolePermissionPolicy,
  trustPolicy,
} from '../policy-templates/index.js';
import { immutaCli } from '../config/cli-prefix.js';
import type { ExportConfiguration } from '../tenant/types.js';
import type { LoadedExportConfig } from './load.js';
import { parseRoleArn } from './rules/iam-role-arn.js';
import { partitionOfRegion } from './rules/aws-region.js';

/** What to do after create/update: the `nextSteps` member of the --json result. */
export interface NextSteps {
  message: string;
  /** Assumed-role flow: the trust policy to put on the role (sts:ExternalId = the configuration id). */
  trustPolicy?: PolicyDocument;
  /** Assumed-role flow, when writing was refused: the role's permission policy. */
  permissionPolicy?: PolicyDocument;
  /** Access-key flow, when writing was refused: the bucket policy statement for the key's user. */
  bucketPolicyStatement?: PolicyStatement;
  commands: string[];
}

export type AccountSource = 'flag' | 'env' | 'profile' | 'connectionStatus' | 'unknown';

export interface ImmutaAccount {
  id?: string;
  source: AccountSource;
}

/**
 * The account of the principal named in an AWS denial, as Immuta's connectionStatus quotes it:
 * `... User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized to perform: sts:AssumeRole ...`.
 * Only the `User:` ARN counts: the other ARN in the text is the customer's role.
 */
export function accountFromStatus(
  status: string | null | undefined,
): { accountId: string; partition: string } | undefined {
  const match = /User:\s*arn:(aws[a-z-]*):(?:sts|iam)::(\d{12}):/.exec(status ?? '');
  return match ? { partition: match[1] ?? 'aws', accountId: match[2] ?? '' } : undefined;
}

/**
 * The role an assumed-role configuration uses, as Immuta's connectionStatus names it
 * (`Error testing access to S3 using AssumedRole arn:aws:iam::444455556666:role/x - ...`): the tenant
 * does not return roleArn itself.
 */
export function roleArnFromStatus(status: string | null | undefined): string | undefined {
  return /using AssumedRole (arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+)/.exec(status ?? '')?.[1];
}

export interface AccountInputs {
  flag?: string;
  env?: string;
  profile?: string;
  status?: string | null;
}

/** Precedence: --immuta-account-id > IMMUTA_AWS_ACCOUNT_ID > profile `immuta_aws_account_id` > the status text > unknown. */
export function resolveImmutaAccount(inputs: AccountInputs): ImmutaAccount {
  if (isAwsAccountId(inputs.flag)) return { id: inputs.flag, source: 'flag' };
  if (isAwsAccountId(inputs.env)) return { id: inputs.env, source: 'env' };
  if (isAwsAccountId(inputs.profile)) return { id: inputs.profile, source: 'profile' };
  const fromStatus = accountFromStatus(inputs.status);
  if (fromStatus) return { id: fromStatus.accountId, source: 'connectionStatus' };
  return { source: 'unknown' };
}

const SOURCE_TEXT: Record<AccountSource, string> = {
  flag: '--immuta-account-id',
  env: 'IMMUTA_AWS_ACCOUNT_ID',
  profile: "the profile's immuta_aws_account_id",
  connectionStatus: 'the connection status',
  unknown: 'nowhere',
};

export interface NextStepsInput {
  loaded: Pick<LoadedExportConfig, 'kind' | 'mode' | 'file' | 'data'>;
  config: ExportConfiguration;
  account: ImmutaAccount;
  /** The profile used (commands shown carry `-p NAME` when it is not `default`). */
  profile?: string;
  /**
   * The tenant is `immuta sandbox`: it plays the customer's AWS account too, so the role's trust
   * policy is registered with `immuta sandbox role put`, not with `aws iam`.
   */
  sandbox?: boolean;
}

const INTERVAL_TEXT: Record<string, string> = {
  EVERY_2_HOURS: 'every 2 hours',
  EVERY_4_HOURS: 'every 4 hours',
  EVERY_6_HOURS: 'every 6 hours',
  EVERY_12_HOURS: 'every 12 hours',
  EVERY_24_HOURS: 'every 24 hours',
};

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Why an access-key or ADLS export failed, from the service's status text (AWS/Azure error codes). */
function explainWriteFailure(status: string): { cause: string; denied: boolean; known: boolean } {
  return { known: true, ...classifyWriteFailure(status) };
}

function classifyWriteFailure(status: string): { cause: string; denied: boolean; known?: false } {
  if (/InvalidAccessKeyId|does not exist in our records/i.test(status))
    return { cause: 'AWS does not know this access key id (deleted, deactivated or mistyped).', denied: false };
  if (/SignatureDoesNotMatch|signature we calculated/i.test(status))
    return { cause: 'The secret access key does not belong to the access key id.', denied: false };
  if (/ExpiredToken|InvalidToken|security token/i.test(status))
    return { cause: 'The credentials are temporary or expired; Immuta needs a long-term access key.', denied: false };
  if (/NoSuchBucket|bucket does not exist/i.test(status))
    return { cause: 'The bucket does not exist: check its name.', denied: false };
  if (
    /PermanentRedirect|AuthorizationHeaderMalformed|IllegalLocationConstraint|wrong region|region .* is wrong/i.test(
      status,
    )
  ) {
    return { cause: 'The bucket is in another region: put its real region in the configuration.', denied: false };
  }
  if (/AuthenticationFailed|Signature fields not well formed|Signature did not match/i.test(status)) {
    return { cause: 'Azure rejected the SAS token (expired, revoked, or for another account).', denied: false };
  }
  if (/AuthorizationPermissionMismatch/i.test(status))
    return { cause: 'The SAS token does not allow creating and writing files.', denied: false };
  if (/ContainerNotFound|FilesystemNotFound|file ?system .*not (exist|found)/i.test(status))
    return { cause: 'The file system (container) does not exist: check its name.', denied: false };
  if (/AccessDenied|Access Denied|not authorized|Forbidden|AuthorizationFailure/i.test(status)) {
    return {
      cause: 'The destination refused the write: the writer needs permission to put objects under the export path.',
      denied: true,
    };
  }
  return { cause: 'Immuta could not write a test object to the destination.', denied: false, known: false };
}

export function buildNextSteps(input: NextStepsInput): NextSteps {
  const { loaded, config, account } = input;
  const immuta = immutaCli(input.profile);
  const id = config.id;
  const fileArg = loaded.file === '<stdin>' ? '<file>' : loaded.file;
  const test = `${immuta} audit exportConfig test ${id} --wait`;
  const update = `${immuta} audit exportConfig update:${loaded.kind} ${id} ${fileArg}`;
  const status = config.connectionStatus ?? '';
  const endpoint = config.endpointConfiguration ?? {};
  const bucket = str(loaded.data.bucket) ?? str(endpoint.bucket);
  const path = str(loaded.data.path) ?? str(endpoint.path);
  const region = str(loaded.data.region) ?? str(endpoint.region);

  if (loaded.kind === 's3:assumedRole') {
    const role = parseRoleArn(str(loaded.data.roleArn) ?? str(endpoint.roleArn) ?? '');
    const fromStatus = accountFromStatus(status);
    const partition = role?.partition ?? fromStatus?.partition ?? 'aws';
    const trust = trustPolicy({ immutaAccountId: account.id, externalId: id, partition });
    const roleText = role ? `the role ${role.roleName}` : 'the role';
    const notes: string[] = [];
    if (trust.placeholders.length > 0) {
      notes.push(
        `Immuta's AWS account id is not known here: replace ${IMMUTA_ACCOUNT_PLACEHOLDER} (ask your Immuta representative), or pass --immuta-account-id / set IMMUTA_AWS_ACCOUNT_ID to print it filled in.`,
      );
    } else if (fromStatus && fromStatus.accountId !== account.id) {
      notes.push(
        `Note: Immuta's error names account ${fromStatus.accountId}, but the policy uses ${account.id} (from ${SOURCE_TEXT[account.source]}); check which is right.`,
      );
    }
    const roleArn = str(loaded.data.roleArn) ?? str(endpoint.roleArn);
    const putRole = input.sandbox
      ? [`immuta sandbox role put --role-arn ${roleArn ?? 'ROLE_ARN'} --trust-policy trust-policy.json`]
      : role
        ? [`aws iam update-assume-role-policy --role-name ${role.roleName} --policy-document file://trust-policy.json`]
        : [];
    const commands = [...putRole, test];
    if (isConnected(config)) {
      if (loaded.mode === 'create') {
        return {
          message: [
            `Connected, but Immuta could assume ${roleText} before this configuration existed: its trust policy does not require sts:ExternalId = ${id}.`,
            'Any Immuta tenant could then use the role (the confused-deputy problem). Replace the trust policy with this one:',
            ...notes,
          ].join(' '),
          trustPolicy: trust.policy,
          commands,
        };
      }
      return {
        message: `Connected: audit logs will be exported ${INTERVAL_TEXT[config.interval] ?? config.interval} to ${destinationOf(config)}.`,
        commands: [`${immuta} audit exportConfig list`],
      };
    }
    // The role flow's usual first answer is an AssumeRole denial; take the "write failed" branch only
    // when the status clearly says S3 refused (or lacks) something after the role was assumed.
    const writeFailed = !/AssumeRole|sts:|trust/i.test(status) && explainWriteFailure(status).known;
    if (!writeFailed) {
      return {
        message: [
          `Immuta cannot assume ${roleText} yet${loaded.mode === 'create' ? ' (expected for a new configuration: the trust policy must name its id)' : ''}.`,
          `Add this trust policy to ${roleText} (IAM console > Roles > Trust relationships), with sts:ExternalId = ${id}, then verify${input.sandbox ? '; in the sandbox, save it as trust-policy.json and register it with `immuta sandbox role put` below' : role ? "; the aws command below replaces the role's whole trust policy" : ''}.`,
          ...notes,
        ].join(' '),
        trustPolicy: trust.policy,
        commands,
      };
    }
    return {
      message: `Immuta assumed ${roleText}, but writing failed: ${explainWriteFailure(status).cause} Give the role this permission policy, keep the trust policy, then verify.`,
      trustPolicy: trust.policy,
      ...(bucket ? { permissionPolicy: rolePermissionPolicy({ bucket, path, partition }).policy } : {}),
      commands: [`${immuta} audit exportConfig doctor --id ${id}`, test],
    };
  }

  if (isConnected(config)) {
    return {
      message: `Connected: audit logs will be exported ${INTERVAL_TEXT[config.interval] ?? config.interval} to ${destinationOf(config)}.`,
      commands: [`${immuta} audit exportConfig list`],
    };
  }
  const { cause, denied } = explainWriteFailure(status);
  if (loaded.kind === 's3:accessKey') {
    return {
      message: `${cause} Fix it, update the configuration, then verify.`,
      ...(denied && bucket
        ? {
            // The bucket's ARN is in its region's partition (arn:aws-us-gov:s3::: in GovCloud).
            bucketPolicyStatement: bucketPolicyStatement({ bucket, path, partition: partitionOfRegion(region ?? '') })
              .policy,
          }
        : {}),
      commands: [`${immuta} audit exportConfig doctor --id ${id}`, update, test],
    };
  }
  return { message: `${cause} Fix it, update the configuration, then verify.`, commands: [update, test] };
}

/** Next steps for people (stderr): the message, the policies as JSON to copy, the commands. */
export function renderNextSteps(steps: NextSteps, paint: ChalkInstance): string {
  const lines = [`${paint.bold('Next steps:')} ${steps.message}`];
  const block = (title: string, value: unknown): void => {
    lines.push('', paint.bold(title), JSON.stringify(value, null, 2));
  };
  if (steps.trustPolicy) block('Trust policy (save as trust-policy.json):', steps.trustPolicy);
  if (steps.permissionPolicy) block('Role permission policy:', steps.permissionPolicy);
  if (steps.bucketPolicyStatement) block('Bucket policy statement:', steps.bucketPolicyStatement);
  if (steps.commands.length > 0) lines.push('', paint.bold('Then run:'), ...steps.commands.map((c) => `  ${c}`));
  return lines.join('\n');
}
