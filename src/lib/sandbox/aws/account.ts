/**
 * The sandbox's simulated customer AWS account: its default contents (seeded once per data
 * directory) and the lookups every AWS-facing part of the sandbox shares: which principal a key
 * belongs to, and which policies govern it. The STS/IAM/KMS API, the S3 bucket-configuration API and
 * the exporter's write decision all read these, so the doctor and the exporter see one account.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_ADMIN_ACCESS_KEY_ID,
  SANDBOX_ADMIN_SECRET_ACCESS_KEY,
  SANDBOX_ADMIN_USER_NAME,
  SANDBOX_BUCKET,
  SANDBOX_CUSTOMER_ACCOUNT_ID,
  SANDBOX_KMS_KEY_ID,
  SANDBOX_REGION,
  SANDBOX_ROLE_ARN,
  SANDBOX_SECRET_ACCESS_KEY,
  SANDBOX_USER_ARN,
  SANDBOX_WRITER_POLICY_NAME,
} from '../constants.js';
import type { AwsAccount, BucketConfig, KmsKeyRecord, UserRecord } from '../state/aws-schema.js';
import type { RoleRecord, State } from '../state/schema.js';

export const ADMINISTRATOR_ACCESS_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
/** The session name the sandbox's Immuta uses when it assumes a customer role (the doctor assumes the same). */
export const ROLE_SESSION_NAME = 'immuta-audit-export';

const ACCOUNT = SANDBOX_CUSTOMER_ACCOUNT_ID;

/** Stable unique ids (AIDA…/AROA…/ANPA…) derived from the ARN, as IAM's look. */
export function uniqueId(prefix: 'AIDA' | 'AROA' | 'ANPA', arn: string): string {
  return prefix + createHash('sha256').update(arn).digest('hex').toUpperCase().slice(0, 17);
}

export function policyText(document: unknown): string {
  return JSON.stringify(document);
}

/** The writer's permission: s3:PutObject under the bucket (what `policy role --apply` would add). */
export function writerPolicy(bucket = SANDBOX_BUCKET): string {
  return policyText({
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ImmutaAuditWrite', Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/*` },
    ],
  });
}

/** The trust policy the sandbox role starts with: only its own account (like a role made for something else). */
export function ownAccountTrustPolicy(): string {
  return policyText({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
  });
}

/** KMS's default key policy: the account root, so IAM policies decide. */
export function defaultKeyPolicy(): string {
  return policyText({
    Version: '2012-10-17',
    Id: 'key-default-1',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ],
  });
}

export function kmsKeyArn(keyId: string, region = SANDBOX_REGION): string {
  return `arn:aws:kms:${region}:${ACCOUNT}:key/${keyId}`;
}

function user(name: string, arn: string, at: string, extra: Partial<UserRecord> = {}): UserRecord {
  return {
    name,
    arn,
    userId: uniqueId('AIDA', arn),
    inlinePolicies: {},
    attachedPolicies: [],
    createdAt: at,
    ...extra,
  };
}

export function defaultBucket(): BucketConfig {
  return {
    name: SANDBOX_BUCKET,
    region: SANDBOX_REGION,
    ownership: 'BucketOwnerEnforced',
    requestPayer: 'BucketOwner',
    publicAccessBlock: {
      blockPublicAcls: true,
      ignorePublicAcls: true,
      blockPublicPolicy: true,
      restrictPublicBuckets: true,
    },
  };
}

export function defaultKmsKey(at: string): KmsKeyRecord {
  return {
    keyId: SANDBOX_KMS_KEY_ID,
    arn: kmsKeyArn(SANDBOX_KMS_KEY_ID),
    region: SANDBOX_REGION,
    state: 'Enabled',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyManager: 'CUSTOMER',
    policy: defaultKeyPolicy(),
    description: 'Sandbox customer managed key',
    createdAt: at,
  };
}

export function defaultAwsAccount(at: string): AwsAccount {
  const writerName = SANDBOX_USER_ARN.split('/').pop() as string;
  return {
    accountId: ACCOUNT,
    users: [
      user(SANDBOX_ADMIN_USER_NAME, `arn:aws:iam::${ACCOUNT}:user/${SANDBOX_ADMIN_USER_NAME}`, at, {
        attachedPolicies: [ADMINISTRATOR_ACCESS_ARN],
      }),
      user(writerName, SANDBOX_USER_ARN, at, { inlinePolicies: { [SANDBOX_WRITER_POLICY_NAME]: writerPolicy() } }),
    ],
    accessKeys: [
      {
        accessKeyId: SANDBOX_ADMIN_ACCESS_KEY_ID,
        secretAccessKey: SANDBOX_ADMIN_SECRET_ACCESS_KEY,
        userName: SANDBOX_ADMIN_USER_NAME,
        status: 'Active',
        createdAt: at,
      },
      {
        accessKeyId: SANDBOX_ACCESS_KEY_ID,
        secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
        userName: writerName,
        status: 'Active',
        createdAt: at,
      },
    ],
    managedPolicies: [],
    buckets: [defaultBucket()],
    kmsKeys: [defaultKmsKey(at)],
  };
}

/** Session credentials the sandbox's Immuta gets for a role (the embedded S3 accepts them). */
export function roleCredentials(): { accessKeyId: string; secretAccessKey: string } {
  return {
    accessKeyId: `ASIA${randomBytes(12)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, 'X')
      .toUpperCase()
      .slice(0, 16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
  };
}

export function defaultRole(at: string): RoleRecord {
  return {
    roleArn: SANDBOX_ROLE_ARN,
    roleId: uniqueId('AROA', SANDBOX_ROLE_ARN),
    trustPolicy: JSON.parse(ownAccountTrustPolicy()) as unknown,
    inlinePolicies: { [SANDBOX_WRITER_POLICY_NAME]: writerPolicy() },
    attachedPolicies: [],
    maxSessionDuration: 3600,
    ...roleCredentials(),
    createdAt: at,
    updatedAt: at,
  };
}

/** Seeds the account (and the documented role) into a state that has none. Call inside an update. */
export function ensureAwsAccount(state: State, at: string): AwsAccount {
  state.aws ??= defaultAwsAccount(at);
  if (!state.roles.some((r) => r.roleArn === SANDBOX_ROLE_ARN)) state.roles.push(defaultRole(at));
  // Roles registered by older versions had no permission policies (writes were not authorized then).
  for (const role of state.roles) {
    if (role.inlinePolicies === undefined) role.inlinePolicies = { [SANDBOX_WRITER_POLICY_NAME]: writerPolicy() };
    role.roleId ??= uniqueId('AROA', role.roleArn);
  }
  return state.aws;
}

/** The account of a state (an empty one if it was never seeded: nothing is allowed then). */
export function accountOf(state: Readonly<State>): AwsAccount {
  return state.aws ?? { accountId: ACCOUNT, users: [], accessKeys: [], managedPolicies: [], buckets: [], kmsKeys: [] };
}

export interface SandboxPrincipal {
  kind: 'user' | 'role';
  /** The user or role ARN (what SimulatePrincipalPolicy and policies name). */
  arn: string;
  /** Who makes requests: the user, or a session of the role. */
  requestArn: string;
  name: string;
  uniqueId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function roleName(roleArn: string): string {
  return roleArn.split('/').pop() ?? roleArn;
}

export function rolePrincipal(role: RoleRecord): SandboxPrincipal {
  const name = roleName(role.roleArn);
  return {
    kind: 'role',
    arn: role.roleArn,
    requestArn: `arn:aws:sts::${role.roleArn.split(':')[4] ?? ACCOUNT}:assumed-role/${name}/${ROLE_SESSION_NAME}`,
    name,
    uniqueId: role.roleId ?? uniqueId('AROA', role.roleArn),
    accessKeyId: role.accessKeyId,
    secretAccessKey: role.secretAccessKey,
  };
}

/** Who an access key id belongs to: an active user key, or the session key of a role. */
export function principalForKey(state: Readonly<State>, accessKeyId: string): SandboxPrincipal | undefined {
  const account = accountOf(state);
  const key = account.accessKeys.find((k) => k.accessKeyId === accessKeyId && k.status === 'Active');
  if (key) {
    const u = account.users.find((x) => x.name === key.userName);
    if (!u) return undefined;
    return {
      kind: 'user',
      arn: u.arn,
      requestArn: u.arn,
      name: u.name,
      uniqueId: u.userId,
      accessKeyId,
      secretAccessKey: key.secretAccessKey,
    };
  }
  const role = state.roles.find((r) => r.accessKeyId === accessKeyId);
  return role ? rolePrincipal(role) : undefined;
}

export function findUser(state: Readonly<State>, name: string): UserRecord | undefined {
  return accountOf(state).users.find((u) => u.name === name);
}

export function findRole(state: Readonly<State>, name: string): RoleRecord | undefined {
  return state.roles.find((r) => roleName(r.roleArn) === name);
}

/** The document of a managed policy (the AWS managed AdministratorAccess included). */
export function managedPolicyDocument(state: Readonly<State>, arn: string): string | undefined {
  if (arn === ADMINISTRATOR_ACCESS_ARN)
    return policyText({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
  return accountOf(state).managedPolicies.find((p) => p.arn === arn)?.document;
}

export interface LabeledDocument {
  label: string;
  /** Used as SourcePolicyId by SimulatePrincipalPolicy. */
  id: string;
  document: string;
}

/** The identity policies (inline and attached) and the permissions boundary of a user or role. */
export function policiesOf(
  state: Readonly<State>,
  principal: Pick<SandboxPrincipal, 'kind' | 'arn' | 'name'>,
): { identity: LabeledDocument[]; boundary?: LabeledDocument } {
  const holder =
    principal.kind === 'user' ? findUser(state, principal.name) : state.roles.find((r) => r.roleArn === principal.arn);
  if (!holder) return { identity: [] };
  const identity: LabeledDocument[] = Object.entries(holder.inlinePolicies ?? {}).map(([name, document]) => ({
    label: `inline policy ${name}`,
    id: name,
    document,
  }));
  for (const arn of holder.attachedPolicies ?? []) {
    const document = managedPolicyDocument(state, arn);
    if (document) identity.push({ label: `managed policy ${roleName(arn)}`, id: roleName(arn), document });
  }
  const boundaryArn = holder.permissionsBoundary;
  const boundaryDoc = boundaryArn ? managedPolicyDocument(state, boundaryArn) : undefined;
  return {
    identity,
    ...(boundaryArn && boundaryDoc
      ? {
          boundary: {
            label: `permissions boundary ${roleName(boundaryArn)}`,
            id: roleName(boundaryArn),
            document: boundaryDoc,
          },
        }
      : {}),
  };
}

export function findBucket(state: Readonly<State>, name: string): BucketConfig | undefined {
  return accountOf(state).buckets.find((b) => b.name === name);
}

/** A key by id, ARN or alias-less reference, in a region (KMS keys are regional). */
export function findKmsKey(state: Readonly<State>, reference: string, region?: string): KmsKeyRecord | undefined {
  return accountOf(state).kmsKeys.find(
    (k) => (k.keyId === reference || k.arn === reference) && (region === undefined || k.region === region),
  );
}
