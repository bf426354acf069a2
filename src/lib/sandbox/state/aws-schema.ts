import * as z from 'zod'; // a namespace import: the bundle keeps only what is used (not zod's 60 locales)

/**
 * The sandbox's simulated AWS account ("your" account, 444455556666): IAM users, access keys,
 * managed policies, the bucket's configuration and a KMS key. Roles live in `State.roles` (they
 * predate this), extended with their permission policies. One state serves the AWS APIs the doctor
 * calls (STS, IAM, S3 bucket configuration, KMS) and the exporter's write decision, so both see
 * the same account. Policy documents are kept as JSON text, as IAM stores them.
 */
export const AccessKeyRecordSchema = z.object({
  accessKeyId: z.string(),
  secretAccessKey: z.string(),
  userName: z.string(),
  status: z.enum(['Active', 'Inactive']),
  createdAt: z.string(),
  lastUsedAt: z.string().optional(),
  lastUsedService: z.string().optional(),
});
export type AccessKeyRecord = z.infer<typeof AccessKeyRecordSchema>;

export const UserRecordSchema = z.object({
  name: z.string(),
  arn: z.string(),
  userId: z.string(),
  inlinePolicies: z.record(z.string(), z.string()),
  attachedPolicies: z.array(z.string()),
  permissionsBoundary: z.string().optional(),
  createdAt: z.string(),
});
export type UserRecord = z.infer<typeof UserRecordSchema>;

export const ManagedPolicyRecordSchema = z.object({
  arn: z.string(),
  name: z.string(),
  policyId: z.string(),
  document: z.string(),
  versionId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ManagedPolicyRecord = z.infer<typeof ManagedPolicyRecordSchema>;

export const BucketConfigSchema = z.object({
  name: z.string(),
  region: z.string(),
  policy: z.string().optional(),
  encryption: z
    .object({ algorithm: z.string(), kmsKeyId: z.string().optional(), bucketKeyEnabled: z.boolean() })
    .optional(),
  ownership: z.enum(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']).optional(),
  versioning: z.enum(['Enabled', 'Suspended']).optional(),
  objectLock: z
    .object({
      enabled: z.boolean(),
      mode: z.enum(['GOVERNANCE', 'COMPLIANCE']).optional(),
      days: z.number().int().optional(),
    })
    .optional(),
  requestPayer: z.enum(['BucketOwner', 'Requester']),
  publicAccessBlock: z
    .object({
      blockPublicAcls: z.boolean(),
      ignorePublicAcls: z.boolean(),
      blockPublicPolicy: z.boolean(),
      restrictPublicBuckets: z.boolean(),
    })
    .optional(),
});
export type BucketConfig = z.infer<typeof BucketConfigSchema>;

export const KmsKeyRecordSchema = z.object({
  keyId: z.string(),
  arn: z.string(),
  region: z.string(),
  state: z.enum(['Enabled', 'Disabled', 'PendingDeletion']),
  keySpec: z.string(),
  keyManager: z.enum(['CUSTOMER', 'AWS']),
  policy: z.string(),
  description: z.string(),
  createdAt: z.string(),
});
export type KmsKeyRecord = z.infer<typeof KmsKeyRecordSchema>;

export const AwsAccountSchema = z.object({
  accountId: z.string(),
  users: z.array(UserRecordSchema),
  accessKeys: z.array(AccessKeyRecordSchema),
  managedPolicies: z.array(ManagedPolicyRecordSchema),
  buckets: z.array(BucketConfigSchema),
  kmsKeys: z.array(KmsKeyRecordSchema),
  /** The scenario last applied (`immuta sandbox scenario NAME`), for status and tests. */
  scenario: z.string().optional(),
});
export type AwsAccount = z.infer<typeof AwsAccountSchema>;

/** What a role has besides its trust policy (optional: roles registered by older versions lack them). */
export const RolePermissionsSchema = z.object({
  roleId: z.string().optional(),
  inlinePolicies: z.record(z.string(), z.string()).optional(),
  attachedPolicies: z.array(z.string()).optional(),
  permissionsBoundary: z.string().optional(),
  maxSessionDuration: z.number().int().optional(),
});
