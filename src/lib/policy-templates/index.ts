/**
 * The IAM/S3 policy documents a user must add for an Immuta audit export, built as plain data so
 * that the CLI's next steps, the doctor and the policy command print the same thing. Pure
 * functions: no AWS calls, no I/O. Unknown values become visible `<placeholders>` and are listed
 * in `placeholders`, so the caller can say what is left to fill in.
 */

export const POLICY_VERSION = '2012-10-17';
export const IMMUTA_ACCOUNT_PLACEHOLDER = '<Immuta AWS Account ID>';
export const IAM_USER_PLACEHOLDER = 'arn:aws:iam::<Your AWS account ID>:user/<Your IAM User>';

export type Principal = { AWS: string | string[] } | '*';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Principal?: Principal;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: typeof POLICY_VERSION;
  Statement: PolicyStatement[];
}

export interface PolicyTemplate<T> {
  policy: T;
  /** Placeholders left in the policy, e.g. `<Immuta AWS Account ID>`; empty when complete. */
  placeholders: string[];
}

export function isAwsAccountId(value: string | undefined): value is string {
  return value !== undefined && /^\d{12}$/.test(value);
}

/**
 * Text as a literal inside an IAM Resource. S3 keys may hold `*`, `?` and `$`, but in a Resource
 * `*` and `?` are wildcards (a prefix `a*` would grant every prefix starting with `a`) and `${`
 * starts a policy variable (Version 2012-10-17): IAM's escapes `${*}`, `${?}` and `${$}` keep them literal.
 */
export function iamLiteral(text: string): string {
  return text.replace(/[*?$]/g, (char) => `\${${char}}`);
}

/** The object ARN pattern Immuta writes to: `arn:aws:s3:::bucket/*` or `arn:aws:s3:::bucket/path/*`. */
export function exportObjectArn(bucket: string, path?: string, partition = 'aws'): string {
  const prefix = iamLiteral((path ?? '').replace(/^\/+|\/+$/g, ''));
  return `arn:${partition}:s3:::${bucket}/${prefix ? `${prefix}/` : ''}*`;
}

export interface TrustPolicyOptions {
  /** Immuta's AWS account (12 digits); unknown → the placeholder. */
  immutaAccountId?: string;
  /** The export configuration id: Immuta passes it as sts:ExternalId. */
  externalId: string;
  /** The role's partition (aws, aws-us-gov, aws-cn); default aws. */
  partition?: string;
}

/**
 * The trust policy of the assumed-role flow, exactly as Immuta documents it (S3 how-to, step 3):
 * Immuta's account root may assume the role only with sts:ExternalId = this configuration's id,
 * which protects the role from other Immuta customers (the confused-deputy problem).
 */
export function trustPolicy(options: TrustPolicyOptions): PolicyTemplate<PolicyDocument> {
  const known = isAwsAccountId(options.immutaAccountId);
  const account = known ? (options.immutaAccountId as string) : IMMUTA_ACCOUNT_PLACEHOLDER;
  return {
    policy: {
      Version: POLICY_VERSION,
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:${options.partition ?? 'aws'}:iam::${account}:root` },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': options.externalId } },
        },
      ],
    },
    placeholders: known ? [] : [IMMUTA_ACCOUNT_PLACEHOLDER],
  };
}

export interface WritePolicyOptions {
  bucket: string;
  path?: string;
  /** The bucket's SSE-KMS key, when its default encryption uses one: Immuta then needs GenerateDataKey and Decrypt. */
  kmsKeyArn?: string;
  partition?: string;
}

function kmsStatement(kmsKeyArn: string): PolicyStatement {
  return {
    Sid: 'ImmutaAuditExportKms',
    Effect: 'Allow',
    Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    Resource: kmsKeyArn,
  };
}

/**
 * The permission policy of the role Immuta assumes: s3:PutObject on the export prefix only (Immuta
 * never lists or reads), plus the KMS actions when the bucket encrypts with a customer key.
 */
export function rolePermissionPolicy(options: WritePolicyOptions): PolicyTemplate<PolicyDocument> {
  const statements: PolicyStatement[] = [
    {
      Sid: 'ImmutaAuditExportWrite',
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: exportObjectArn(options.bucket, options.path, options.partition),
    },
  ];
  if (options.kmsKeyArn) statements.push(kmsStatement(options.kmsKeyArn));
  return { policy: { Version: POLICY_VERSION, Statement: statements }, placeholders: [] };
}

export interface BucketPolicyOptions extends WritePolicyOptions {
  /** The IAM user whose access key Immuta uses; unknown → the documented placeholder. */
  principalArn?: string;
}

/**
 * The bucket policy statement of the access-key flow (S3 how-to, "Create an S3 bucket policy"):
 * the IAM user may put objects under the export prefix. Resource is the object ARN with `/*`;
 * the bare bucket ARN the documentation also lists never matches PutObject.
 */
export function bucketPolicyStatement(options: BucketPolicyOptions): PolicyTemplate<PolicyStatement> {
  const principal = options.principalArn ?? IAM_USER_PLACEHOLDER;
  return {
    policy: {
      Sid: 'ImmutaAuditExportWrite',
      Effect: 'Allow',
      Principal: { AWS: principal },
      Action: 's3:PutObject',
      Resource: exportObjectArn(options.bucket, options.path, options.partition),
    },
    placeholders: options.principalArn ? [] : [IAM_USER_PLACEHOLDER],
  };
}

/** The statement as a complete bucket policy, for a bucket that has none yet. */
export function bucketPolicy(options: BucketPolicyOptions): PolicyTemplate<PolicyDocument> {
  const statement = bucketPolicyStatement(options);
  return { policy: { Version: POLICY_VERSION, Statement: [statement.policy] }, placeholders: statement.placeholders };
}

/** KMS key policy statement letting the writer use the bucket's key (for the key's own policy). */
export function kmsKeyPolicyStatement(principalArn: string): PolicyStatement {
  return {
    Sid: 'ImmutaAuditExportKms',
    Effect: 'Allow',
    Principal: { AWS: principalArn },
    Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
    Resource: '*',
  };
}
