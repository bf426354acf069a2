/**
 * Broken setups on demand (`immuta sandbox scenario NAME`): each puts the sandbox account into one of
 * the common failure states of ../shared/notes/aws-export-failure-modes.md, starting from the healthy
 * account, so a new user can see what the doctor says and what the exporter then does. `expect` is the
 * doctor check that names the problem; test/lib/sandbox/aws/scenarios.test.ts walks every scenario
 * through both the doctor and the exporter and checks they agree.
 */
import { randomBytes } from 'node:crypto';
import type { CheckId } from '../../doctor/report.js';
import { IMMUTA_AWS_ACCOUNT_ID, SANDBOX_BUCKET, SANDBOX_KMS_KEY_ID, SANDBOX_WRITER_POLICY_NAME } from '../constants.js';
import type { AwsAccount } from '../state/aws-schema.js';
import type { State } from '../state/schema.js';
import { defaultAwsAccount, kmsKeyArn, policyText, writerPolicy } from './account.js';

export type ScenarioFlow = 's3:accessKey' | 's3:assumedRole';

export interface Scenario {
  name: string;
  /** One line: what is wrong. */
  title: string;
  /** The failure-mode catalogue entry (aws-export-failure-modes.md §1). */
  catalogue: string;
  flows: readonly ScenarioFlow[];
  /** The doctor check that fails; undefined = everything passes. */
  expect?: CheckId;
  /** What fixes it (the doctor prints the precise command). */
  fix: string;
  apply(state: State, account: AwsAccount, at: string): void;
}

const BOTH: readonly ScenarioFlow[] = ['s3:accessKey', 's3:assumedRole'];
const KEY_ARN = kmsKeyArn(SANDBOX_KMS_KEY_ID);
const IMMUTA_ROOT = `arn:aws:iam::${IMMUTA_AWS_ACCOUNT_ID}:root`;

/** The writers of the sandbox account: the access-key user and every role. */
function writers(state: State, account: AwsAccount) {
  const user = account.users.find((u) => u.inlinePolicies[SANDBOX_WRITER_POLICY_NAME] !== undefined);
  return { user, roles: state.roles };
}

function setWriterPolicy(state: State, account: AwsAccount, document: string | undefined): void {
  const { user, roles } = writers(state, account);
  const targets = [...(user ? [user] : []), ...roles];
  for (const holder of targets) {
    const others = Object.entries(holder.inlinePolicies ?? {}).filter(([name]) => name !== SANDBOX_WRITER_POLICY_NAME);
    holder.inlinePolicies = Object.fromEntries(
      document === undefined ? others : [...others, [SANDBOX_WRITER_POLICY_NAME, document]],
    );
  }
}

/** Writers may also use the bucket key (what `policy role --kms-key-arn KEY --apply` adds). */
function writerPolicyWithKms(): string {
  const base = JSON.parse(writerPolicy()) as { Statement: unknown[] };
  base.Statement.push({
    Sid: 'ImmutaAuditKms',
    Effect: 'Allow',
    Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    Resource: KEY_ARN,
  });
  return policyText(base);
}

function trust(condition?: Record<string, unknown>): unknown {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ImmutaAuditExport',
        Effect: 'Allow',
        Principal: { AWS: IMMUTA_ROOT },
        Action: 'sts:AssumeRole',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'healthy',
    title: 'Everything Immuta needs, for every configuration that exists (the starting point of every other scenario)',
    catalogue: '-',
    flows: BOTH,
    fix: '-',
    apply: () => undefined,
  },
  {
    name: 'bucket-policy-no-slash',
    title: 'The bucket policy grants s3:PutObject on the bucket ARN without /*, and the writer has no identity policy',
    catalogue: 'C2',
    flows: BOTH,
    expect: 'identity-policy',
    fix: 'Put "arn:aws:s3:::BUCKET/*" in the Resource (policy bucket --apply), or attach the writer policy (policy role --apply).',
    apply(state, account) {
      setWriterPolicy(state, account, undefined);
      const principals = [
        account.users.find((u) => u.name === 'immuta-audit-sandbox')?.arn,
        ...state.roles.map((r) => r.roleArn),
      ];
      (account.buckets[0] as AwsAccount['buckets'][number]).policy = policyText({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ImmutaAuditWrite',
            Effect: 'Allow',
            Principal: { AWS: principals.filter(Boolean) },
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${SANDBOX_BUCKET}`,
          },
        ],
      });
    },
  },
  {
    name: 'bucket-other-region',
    title: 'The bucket lives in eu-west-1, the configuration says us-east-1',
    catalogue: 'B1',
    flows: BOTH,
    expect: 'bucket',
    fix: 'Put the bucket\'s region in the configuration (update:s3:… ID FILE with "region").',
    apply(_state, account) {
      (account.buckets[0] as AwsAccount['buckets'][number]).region = 'eu-west-1';
    },
  },
  {
    name: 'kms-key-denied',
    title: 'The bucket encrypts with a customer managed KMS key whose key policy does not let the writer use it',
    catalogue: 'E2',
    flows: BOTH,
    expect: 'encryption',
    fix: "Add the writer (or the account root) to the key policy's kms:GenerateDataKey/kms:Decrypt statement.",
    apply(state, account) {
      setWriterPolicy(state, account, writerPolicyWithKms());
      (account.buckets[0] as AwsAccount['buckets'][number]).encryption = {
        algorithm: 'aws:kms',
        kmsKeyId: KEY_ARN,
        bucketKeyEnabled: false,
      };
      const key = account.kmsKeys[0] as AwsAccount['kmsKeys'][number];
      key.policy = policyText({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'KeyAdministrators',
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${account.accountId}:user/sandbox-admin` },
            Action: 'kms:*',
            Resource: '*',
          },
        ],
      });
    },
  },
  {
    name: 'kms-key-disabled',
    title: 'The bucket encrypts with a KMS key that is disabled',
    catalogue: 'E4',
    flows: BOTH,
    expect: 'encryption',
    fix: 'Enable the key (aws kms enable-key), or point the default encryption at an enabled key.',
    apply(state, account) {
      setWriterPolicy(state, account, writerPolicyWithKms());
      (account.buckets[0] as AwsAccount['buckets'][number]).encryption = {
        algorithm: 'aws:kms',
        kmsKeyId: KEY_ARN,
        bucketKeyEnabled: false,
      };
      (account.kmsKeys[0] as AwsAccount['kmsKeys'][number]).state = 'Disabled';
    },
  },
  {
    name: 'deny-unencrypted-put',
    title: 'The bucket policy denies PutObject without an x-amz-server-side-encryption header (Immuta sends none)',
    catalogue: 'D4',
    flows: BOTH,
    expect: 'bucket-policy',
    fix: 'Rely on the bucket default encryption instead of requiring the header, or exempt the writer from the Deny.',
    apply(_state, account) {
      (account.buckets[0] as AwsAccount['buckets'][number]).policy = policyText({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyUnencryptedObjectUploads',
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:PutObject',
            Resource: `arn:aws:s3:::${SANDBOX_BUCKET}/*`,
            Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
          },
        ],
      });
    },
  },
  {
    name: 'boundary-blocks',
    title:
      'A permissions boundary on the writer allows only reads, so s3:PutObject is blocked whatever its policies say',
    catalogue: 'D12',
    flows: BOTH,
    expect: 'identity-policy',
    fix: 'Add s3:PutObject on the export path to the boundary policy, or remove the boundary.',
    apply(state, account, at) {
      const arn = `arn:aws:iam::${account.accountId}:policy/ReadOnlyBoundary`;
      account.managedPolicies.push({
        arn,
        name: 'ReadOnlyBoundary',
        policyId: 'ANPASANDBOXBOUNDARY01',
        document: policyText({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }],
        }),
        versionId: 'v1',
        createdAt: at,
        updatedAt: at,
      });
      const { user, roles } = writers(state, account);
      if (user) user.permissionsBoundary = arn;
      for (const role of roles) role.permissionsBoundary = arn;
    },
  },
  {
    name: 'access-key-rotated',
    title: "The writer's access key was rotated away: the configured key no longer exists",
    catalogue: 'A1',
    flows: ['s3:accessKey'],
    expect: 'access-key',
    fix: 'Put the new key pair in the configuration (update:s3:accessKey ID FILE).',
    apply(_state, account, at) {
      const old = account.accessKeys.find((k) => k.userName === 'immuta-audit-sandbox');
      account.accessKeys = account.accessKeys.filter((k) => k !== old);
      account.accessKeys.push({
        accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString('base64'),
        userName: 'immuta-audit-sandbox',
        status: 'Active',
        createdAt: at,
      });
    },
  },
  {
    name: 'trust-no-external-id',
    title: "The role trusts Immuta's account without requiring sts:ExternalId (confused deputy)",
    catalogue: 'I3/K',
    flows: ['s3:assumedRole'],
    expect: 'trust-policy',
    fix: 'Require "sts:ExternalId" = the configuration id (policy trust --id ID --apply, after removing the open statement).',
    apply(state) {
      for (const role of state.roles) role.trustPolicy = trust();
    },
  },
  {
    name: 'trust-stale-external-id',
    title: 'The role trusts Immuta only with the ExternalId of an older configuration',
    catalogue: 'I3',
    flows: ['s3:assumedRole'],
    expect: 'trust-policy',
    fix: 'Put the current configuration id in the condition (policy trust --id ID --apply).',
    apply(state) {
      for (const role of state.roles)
        role.trustPolicy = trust({ StringEquals: { 'sts:ExternalId': '00000000-0000-4000-8000-000000000000' } });
    },
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/**
 * Puts the account into a scenario: first the healthy account (default IAM, bucket and key; every
 * role trusts Immuta with the ids of the assumed-role configurations that use it), then the break.
 * Configuration statuses are reset to PENDING so the next read re-tests them. Call inside an update.
 */
export function applyScenario(state: State, scenario: Scenario, at: string): void {
  const fresh = defaultAwsAccount(at);
  state.aws = fresh;
  for (const role of state.roles) {
    role.inlinePolicies = { [SANDBOX_WRITER_POLICY_NAME]: writerPolicy() };
    role.attachedPolicies = [];
    delete role.permissionsBoundary;
    const ids = state.configurations
      .filter((c) => c.kind === 's3:assumedRole' && c.roleArn === role.roleArn)
      .map((c) => c.id);
    if (ids.length > 0)
      role.trustPolicy = trust({ StringEquals: { 'sts:ExternalId': ids.length === 1 ? ids[0] : ids } });
    role.updatedAt = at;
  }
  scenario.apply(state, fresh, at);
  fresh.scenario = scenario.name;
  for (const config of state.configurations) {
    if (config.kind === 'adls:sasToken') continue;
    config.connectionStatus = 'PENDING';
    config.revision += 1;
  }
}

/** Which doctor check an exporter failure (a connectionStatus or task failureReason) corresponds to. */
export function checkForExportFailure(status: string): CheckId | undefined {
  if (status === 'SUCCESS') return undefined;
  if (/sts:AssumeRole|sts:ExternalId/.test(status)) return 'trust-policy';
  if (/InvalidAccessKeyId|SignatureDoesNotMatch|InvalidClientTokenId/.test(status)) return 'access-key';
  if (/AuthorizationHeaderMalformed|PermanentRedirect|NoSuchBucket/.test(status)) return 'bucket';
  if (/KMS\.|kms:\S+ on resource: \S+ because no resource-based policy/.test(status)) return 'encryption';
  if (/permissions boundary|identity-based policy/.test(status)) return 'identity-policy';
  if (/resource-based policy/.test(status)) return 'bucket-policy';
  return undefined;
}
