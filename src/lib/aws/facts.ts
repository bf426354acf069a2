/**
 * Every AWS read the doctor makes, each made at most once and shared by the checks that need it.
 * Checks start together and await the facts they need, so independent reads run concurrently and
 * a read needed by three checks costs one call: the doctor's wall time is its longest chain of
 * dependent calls (typically two), not the sum of its calls.
 *
 * A fact never throws for an AWS answer: it resolves to `{ ok: false, failure }` (classified by
 * errors.ts), so a check can say "skipped: needs s3:GetBucketPolicy" instead of crashing.
 */
import type { AwsClients } from './clients.js';
import { type AwsFailure, awsFailure } from './errors.js';
import { iamSdk, kmsSdk, organizationsSdk, s3Sdk, stsSdk } from '../util/aws-sdk.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: AwsFailure };

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface HeadBucketResult {
  status: number;
  /** From `BucketRegion` (success) or the `x-amz-bucket-region` header (any answer). */
  region?: string;
}

export interface EncryptionRule {
  algorithm: string;
  kmsKeyId?: string;
  bucketKeyEnabled: boolean;
}

export interface RoleInfo {
  arn: string;
  name: string;
  roleId: string;
  /** Still URL-encoded, exactly as IAM returns it. */
  trustPolicy: string;
  maxSessionDuration: number;
  createDate?: Date;
  permissionsBoundaryArn?: string;
}

export interface AccessKeyInfo {
  accessKeyId: string;
  status: string;
  createDate?: Date;
}

export interface KmsKeyInfo {
  arn: string;
  keyId: string;
  keyManager?: string;
  keyState?: string;
  keySpec?: string;
  enabled: boolean;
}

export interface OrganizationInfo {
  id: string;
  managementAccountId?: string;
}

export type SimulationDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface SimulationResult {
  action: string;
  resource: string;
  decision: SimulationDecision;
  /** Policy ids of the statements that decided (e.g. `ImmutaWrite`, `PermissionsBoundary`). */
  matchedPolicies: string[];
  /** False when the permissions boundary does not allow the action. */
  allowedByBoundary?: boolean;
}

export interface IdentityPolicyDocument {
  label: string;
  /** JSON text, possibly URL-encoded (IAM's form). */
  document: string;
}

export interface IdentityPolicies {
  policies: IdentityPolicyDocument[];
  boundary?: IdentityPolicyDocument;
}

async function outcome<T>(read: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, failure: awsFailure(error) };
  }
}

/** The `x-amz-bucket-region` header of a failed S3 call, when present. */
function regionHeader(error: unknown): string | undefined {
  return (error as { $response?: { headers?: Record<string, string | undefined> } } | null)?.$response?.headers?.[
    'x-amz-bucket-region'
  ];
}

export interface FactsInput {
  /** The doctor's own credentials. */
  clients: AwsClients;
  /** The export configuration's key pair (access-key flow), when known. */
  writerClients?: AwsClients;
  bucket: string;
  /** The region written in the export configuration. */
  region: string;
  roleArn?: string;
}

export class Facts {
  private readonly memo = new Map<string, Promise<unknown>>();
  constructor(readonly input: FactsInput) {}

  private once<T>(key: string, read: () => Promise<T>): Promise<Outcome<T>> {
    let found = this.memo.get(key) as Promise<Outcome<T>> | undefined;
    if (!found) {
      found = outcome(read);
      this.memo.set(key, found);
    }
    return found;
  }

  /** The bucket-reading S3 client: follows region redirects, since the configured region may be wrong. */
  private readerS3() {
    return this.input.clients.s3({ region: this.input.region, followRegionRedirects: true });
  }

  callerIdentity(): Promise<Outcome<CallerIdentity>> {
    return this.once('callerIdentity', async () => readIdentity(this.input.clients));
  }

  /** GetCallerIdentity signed with the export configuration's own key pair. */
  writerIdentity(): Promise<Outcome<CallerIdentity>> | undefined {
    const writer = this.input.writerClients;
    if (!writer) return undefined;
    return this.once('writerIdentity', async () => readIdentity(writer));
  }

  /** HeadBucket against the configured region, redirects off: a 301 is the answer to "right region?". */
  headBucket(expectedOwner?: string): Promise<Outcome<HeadBucketResult>> {
    return this.once(`headBucket:${expectedOwner ?? ''}`, async () => {
      const { HeadBucketCommand } = s3Sdk();
      const s3 = await this.input.clients.s3({ region: this.input.region, followRegionRedirects: false });
      try {
        const out = await s3.send(
          new HeadBucketCommand({
            Bucket: this.input.bucket,
            ...(expectedOwner ? { ExpectedBucketOwner: expectedOwner } : {}),
          }),
        );
        return {
          status: out.$metadata.httpStatusCode ?? 200,
          ...(out.BucketRegion ? { region: out.BucketRegion } : {}),
        };
      } catch (error) {
        const failure = awsFailure(error);
        const region = regionHeader(error) ?? failure.bucketRegion;
        // A 301 or 403 still tells where the bucket lives: report it as an answer, not a failure.
        if (failure.status === 301 || failure.status === 403 || failure.status === 400) {
          return { status: failure.status, ...(region ? { region } : {}) };
        }
        throw error;
      }
    });
  }

  /** The bucket policy text, or null when the bucket has none. */
  bucketPolicy(): Promise<Outcome<string | null>> {
    return this.once('bucketPolicy', async () => {
      const { GetBucketPolicyCommand } = s3Sdk();
      try {
        const out = await (await this.readerS3()).send(new GetBucketPolicyCommand({ Bucket: this.input.bucket }));
        return out.Policy ?? null;
      } catch (error) {
        if (awsFailure(error).code === 'NoSuchBucketPolicy') return null;
        throw error;
      }
    });
  }

  /** The default-encryption rule, or null when none is configured (S3 then applies SSE-S3). */
  bucketEncryption(): Promise<Outcome<EncryptionRule | null>> {
    return this.once('bucketEncryption', async () => {
      const { GetBucketEncryptionCommand } = s3Sdk();
      try {
        const out = await (await this.readerS3()).send(new GetBucketEncryptionCommand({ Bucket: this.input.bucket }));
        const rule = out.ServerSideEncryptionConfiguration?.Rules?.[0];
        const sse = rule?.ApplyServerSideEncryptionByDefault;
        if (!sse?.SSEAlgorithm) return null;
        return {
          algorithm: sse.SSEAlgorithm,
          ...(sse.KMSMasterKeyID ? { kmsKeyId: sse.KMSMasterKeyID } : {}),
          bucketKeyEnabled: Boolean(rule?.BucketKeyEnabled),
        };
      } catch (error) {
        if (awsFailure(error).code === 'ServerSideEncryptionConfigurationNotFoundError') return null;
        throw error;
      }
    });
  }

  /** Object Ownership, or null when the bucket has no ownership controls (ACLs apply, object writer owns). */
  ownershipControls(): Promise<Outcome<string | null>> {
    return this.once('ownershipControls', async () => {
      const { GetBucketOwnershipControlsCommand } = s3Sdk();
      try {
        const out = await (
          await this.readerS3()
        ).send(new GetBucketOwnershipControlsCommand({ Bucket: this.input.bucket }));
        return out.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null;
      } catch (error) {
        if (awsFailure(error).code === 'OwnershipControlsNotFoundError') return null;
        throw error;
      }
    });
  }

  /** Object Lock: null when not configured. */
  objectLock(): Promise<Outcome<{ enabled: boolean; mode?: string; days?: number; years?: number } | null>> {
    return this.once('objectLock', async () => {
      const { GetObjectLockConfigurationCommand } = s3Sdk();
      try {
        const out = await (
          await this.readerS3()
        ).send(new GetObjectLockConfigurationCommand({ Bucket: this.input.bucket }));
        const config = out.ObjectLockConfiguration;
        if (!config) return null;
        const retention = config.Rule?.DefaultRetention;
        return {
          enabled: config.ObjectLockEnabled === 'Enabled',
          ...(retention?.Mode ? { mode: retention.Mode } : {}),
          ...(retention?.Days ? { days: retention.Days } : {}),
          ...(retention?.Years ? { years: retention.Years } : {}),
        };
      } catch (error) {
        if (awsFailure(error).code === 'ObjectLockConfigurationNotFoundError') return null;
        throw error;
      }
    });
  }

  /** Versioning status: 'Enabled', 'Suspended', or null when never enabled. */
  versioning(): Promise<Outcome<string | null>> {
    return this.once('versioning', async () => {
      const { GetBucketVersioningCommand } = s3Sdk();
      const out = await (await this.readerS3()).send(new GetBucketVersioningCommand({ Bucket: this.input.bucket }));
      return out.Status ?? null;
    });
  }

  requestPayment(): Promise<Outcome<string>> {
    return this.once('requestPayment', async () => {
      const { GetBucketRequestPaymentCommand } = s3Sdk();
      const out = await (await this.readerS3()).send(new GetBucketRequestPaymentCommand({ Bucket: this.input.bucket }));
      return out.Payer ?? 'BucketOwner';
    });
  }

  role(): Promise<Outcome<RoleInfo>> | undefined {
    const roleArn = this.input.roleArn;
    if (!roleArn) return undefined;
    return this.once('role', async () => {
      const { GetRoleCommand } = iamSdk();
      const iam = await this.input.clients.iam();
      // GetRole takes the name only: the last segment of the ARN (paths such as service-role/ are dropped).
      const name = roleArn.split('/').pop() ?? roleArn;
      const out = await iam.send(new GetRoleCommand({ RoleName: name }));
      const role = out.Role;
      return {
        arn: role?.Arn ?? roleArn,
        name: role?.RoleName ?? name,
        roleId: role?.RoleId ?? '',
        trustPolicy: role?.AssumeRolePolicyDocument ?? '',
        maxSessionDuration: role?.MaxSessionDuration ?? 3600,
        ...(role?.CreateDate ? { createDate: new Date(role.CreateDate) } : {}),
        ...(role?.PermissionsBoundary?.PermissionsBoundaryArn
          ? { permissionsBoundaryArn: role.PermissionsBoundary.PermissionsBoundaryArn }
          : {}),
      };
    });
  }

  accessKeys(userName: string): Promise<Outcome<AccessKeyInfo[]>> {
    return this.once(`accessKeys:${userName}`, async () => {
      const { ListAccessKeysCommand } = iamSdk();
      const out = await (await this.input.clients.iam()).send(new ListAccessKeysCommand({ UserName: userName }));
      return (out.AccessKeyMetadata ?? []).map((k) => ({
        accessKeyId: k.AccessKeyId ?? '',
        status: k.Status ?? 'Unknown',
        ...(k.CreateDate ? { createDate: new Date(k.CreateDate) } : {}),
      }));
    });
  }

  /** KMS DescribeKey, in the key's own region when the id is an ARN. */
  kmsKey(keyId: string, bucketRegion: string): Promise<Outcome<KmsKeyInfo>> {
    return this.once(`kmsKey:${keyId}`, async () => {
      const { DescribeKeyCommand } = kmsSdk();
      const kms = await this.input.clients.kms(regionOfArn(keyId) ?? bucketRegion);
      const out = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
      const meta = out.KeyMetadata;
      return {
        arn: meta?.Arn ?? keyId,
        keyId: meta?.KeyId ?? keyId,
        ...(meta?.KeyManager ? { keyManager: meta.KeyManager } : {}),
        ...(meta?.KeyState ? { keyState: meta.KeyState } : {}),
        ...(meta?.KeySpec ? { keySpec: meta.KeySpec } : {}),
        enabled: meta?.Enabled ?? false,
      };
    });
  }

  keyPolicy(keyArn: string): Promise<Outcome<string>> {
    return this.once(`keyPolicy:${keyArn}`, async () => {
      const { GetKeyPolicyCommand } = kmsSdk();
      const kms = await this.input.clients.kms(regionOfArn(keyArn));
      const out = await kms.send(new GetKeyPolicyCommand({ KeyId: keyArn, PolicyName: 'default' }));
      return out.Policy ?? '';
    });
  }

  /** DescribeOrganization; null when the account is not in an organization. */
  organization(): Promise<Outcome<OrganizationInfo | null>> {
    return this.once('organization', async () => {
      const { DescribeOrganizationCommand } = organizationsSdk();
      try {
        const out = await (await this.input.clients.organizations()).send(new DescribeOrganizationCommand({}));
        return {
          id: out.Organization?.Id ?? '',
          ...(out.Organization?.MasterAccountId ? { managementAccountId: out.Organization.MasterAccountId } : {}),
        };
      } catch (error) {
        if (awsFailure(error).code === 'AWSOrganizationsNotInUseException') return null;
        throw error;
      }
    });
  }

  /**
   * IAM SimulatePrincipalPolicy for a user or role: identity policies (group policies included),
   * the permissions boundary and SCPs, with the request context Immuta sends.
   */
  simulate(policySourceArn: string, actions: string[], resource: string): Promise<Outcome<SimulationResult[]>> {
    return this.once(`simulate:${policySourceArn}:${actions.join(',')}:${resource}`, async () => {
      const { SimulatePrincipalPolicyCommand } = iamSdk();
      const out = await (
        await this.input.clients.iam()
      ).send(
        new SimulatePrincipalPolicyCommand({
          PolicySourceArn: policySourceArn,
          ActionNames: actions,
          ResourceArns: [resource],
          ContextEntries: [
            { ContextKeyName: 'aws:SecureTransport', ContextKeyType: 'boolean', ContextKeyValues: ['true'] },
          ],
        }),
      );
      return (out.EvaluationResults ?? []).map((r) => ({
        action: r.EvalActionName ?? '',
        resource: r.EvalResourceName ?? resource,
        decision: (r.EvalDecision ?? 'implicitDeny') as SimulationDecision,
        matchedPolicies: (r.MatchedStatements ?? []).map((m) => m.SourcePolicyId ?? '').filter(Boolean),
        ...(r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary === undefined
          ? {}
          : { allowedByBoundary: r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary }),
      }));
    });
  }

  /**
   * The identity policies of a user (inline, attached, and its groups') or role (inline, attached),
   * plus the permissions boundary: the local fallback when SimulatePrincipalPolicy is not permitted.
   */
  identityPolicies(principal: { type: 'user' | 'role'; name: string }): Promise<Outcome<IdentityPolicies>> {
    return this.once(`identityPolicies:${principal.type}:${principal.name}`, async () =>
      readIdentityPolicies(this.input.clients, principal),
    );
  }
}

async function readIdentity(clients: AwsClients): Promise<CallerIdentity> {
  const { GetCallerIdentityCommand } = stsSdk();
  const out = await (await clients.sts()).send(new GetCallerIdentityCommand({}));
  return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
}

export function regionOfArn(arn: string): string | undefined {
  const parts = arn.split(':');
  return parts[0] === 'arn' && parts[3] ? parts[3] : undefined;
}

async function readManagedPolicy(clients: AwsClients, policyArn: string): Promise<string> {
  const { GetPolicyCommand, GetPolicyVersionCommand } = iamSdk();
  const iam = await clients.iam();
  const policy = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
  const versionId = policy.Policy?.DefaultVersionId ?? 'v1';
  const version = await iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId }));
  return version.PolicyVersion?.Document ?? '';
}

async function readIdentityPolicies(
  clients: AwsClients,
  principal: { type: 'user' | 'role'; name: string },
): Promise<IdentityPolicies> {
  const iamModule = iamSdk();
  const iam = await clients.iam();
  const policies: IdentityPolicyDocument[] = [];
  let boundaryArn: string | undefined;
  const attached: Array<{ arn: string; label: string }> = [];

  if (principal.type === 'role') {
    const [role, inline, managed] = await Promise.all([
      iam.send(new iamModule.GetRoleCommand({ RoleName: principal.name })),
      iam.send(new iamModule.ListRolePoliciesCommand({ RoleName: principal.name })),
      iam.send(new iamModule.ListAttachedRolePoliciesCommand({ RoleName: principal.name })),
    ]);
    boundaryArn = role.Role?.PermissionsBoundary?.PermissionsBoundaryArn;
    const docs = await Promise.all(
      (inline.PolicyNames ?? []).map((name) =>
        iam.send(new iamModule.GetRolePolicyCommand({ RoleName: principal.name, PolicyName: name })),
      ),
    );
    docs.forEach((d, i) =>
      policies.push({ label: `inline policy ${inline.PolicyNames?.[i] ?? ''}`, document: d.PolicyDocument ?? '' }),
    );
    for (const p of managed.AttachedPolicies ?? [])
      if (p.PolicyArn) attached.push({ arn: p.PolicyArn, label: `managed policy ${p.PolicyName ?? p.PolicyArn}` });
  } else {
    const [user, inline, managed, groups] = await Promise.all([
      iam.send(new iamModule.GetUserCommand({ UserName: principal.name })),
      iam.send(new iamModule.ListUserPoliciesCommand({ UserName: principal.name })),
      iam.send(new iamModule.ListAttachedUserPoliciesCommand({ UserName: principal.name })),
      iam.send(new iamModule.ListGroupsForUserCommand({ UserName: principal.name })),
    ]);
    boundaryArn = user.User?.PermissionsBoundary?.PermissionsBoundaryArn;
    const docs = await Promise.all(
      (inline.PolicyNames ?? []).map((name) =>
        iam.send(new iamModule.GetUserPolicyCommand({ UserName: principal.name, PolicyName: name })),
      ),
    );
    docs.forEach((d, i) =>
      policies.push({ label: `inline policy ${inline.PolicyNames?.[i] ?? ''}`, document: d.PolicyDocument ?? '' }),
    );
    for (const p of managed.AttachedPolicies ?? [])
      if (p.PolicyArn) attached.push({ arn: p.PolicyArn, label: `managed policy ${p.PolicyName ?? p.PolicyArn}` });
    await Promise.all(
      (groups.Groups ?? []).map(async (g) => {
        const groupName = g.GroupName ?? '';
        const [gInline, gManaged] = await Promise.all([
          iam.send(new iamModule.ListGroupPoliciesCommand({ GroupName: groupName })),
          iam.send(new iamModule.ListAttachedGroupPoliciesCommand({ GroupName: groupName })),
        ]);
        const gDocs = await Promise.all(
          (gInline.PolicyNames ?? []).map((name) =>
            iam.send(new iamModule.GetGroupPolicyCommand({ GroupName: groupName, PolicyName: name })),
          ),
        );
        gDocs.forEach((d, i) =>
          policies.push({
            label: `group ${groupName} inline policy ${gInline.PolicyNames?.[i] ?? ''}`,
            document: d.PolicyDocument ?? '',
          }),
        );
        for (const p of gManaged.AttachedPolicies ?? []) {
          if (p.PolicyArn)
            attached.push({
              arn: p.PolicyArn,
              label: `group ${groupName} managed policy ${p.PolicyName ?? p.PolicyArn}`,
            });
        }
      }),
    );
  }
  const managedDocs = await Promise.all(
    attached.map(async (a) => ({ label: a.label, document: await readManagedPolicy(clients, a.arn) })),
  );
  policies.push(...managedDocs);
  const boundary = boundaryArn
    ? {
        label: `permissions boundary ${boundaryArn.split('/').pop() ?? boundaryArn}`,
        document: await readManagedPolicy(clients, boundaryArn),
      }
    : undefined;
  return { policies, ...(boundary ? { boundary } : {}) };
}
