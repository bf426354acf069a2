/**
 * Ready-made requests for the two questions this CLI asks about an Immuta audit export:
 * can Immuta's account assume the customer's role (trust policy, sts:ExternalId), and can the writer
 * put objects into the bucket (identity policies, boundary, bucket policy) — plus the KMS calls an
 * SSE-KMS bucket adds. Policies may be given as parsed documents or as JSON text (plain or URL-encoded,
 * as IAM returns it); text that does not parse throws PolicyParseError.
 */
import { accountOfArn, parseArn } from './arn.js';
import { mergeContexts } from './context.js';
import { evaluate } from './evaluate.js';
import { principalFromArn } from './principal.js';
import { parsePolicyDocumentOrThrow, type PolicyDocument } from './schema.js';
import type { EvaluationResult, LabeledPolicy, PolicyRequest, RequestContext } from './types.js';

/** A policy as a document, as JSON text (plain or URL-encoded), or either with a label. */
export type PolicySource = PolicyDocument | string | { label: string; document: PolicyDocument | string };

function toLabeled(source: PolicySource, fallback: string): LabeledPolicy {
  if (typeof source === 'string') return { label: fallback, document: parsePolicyDocumentOrThrow(source) };
  if ('document' in source) {
    const document =
      typeof source.document === 'string' ? parsePolicyDocumentOrThrow(source.document) : source.document;
    return { label: source.label, document };
  }
  return { label: fallback, document: source };
}

function identityLabels(sources: readonly PolicySource[] | undefined): LabeledPolicy[] | undefined {
  if (!sources) return undefined;
  return sources.map((s, i) => toLabeled(s, sources.length > 1 ? `identity policy #${i + 1}` : 'identity policy'));
}

export interface TrustPolicyOptions {
  /** Who calls AssumeRole, e.g. `arn:aws:iam::<immuta account>:root` or an Immuta role/session ARN. */
  callerArn: string;
  /** The sts:ExternalId the caller sends (the export configuration id); omitted = not sent. */
  externalId?: string;
  /** The role being assumed; gives the resource account (same- vs cross-account). */
  roleArn?: string;
  /** Further context keys (e.g. aws:SourceIp, aws:PrincipalOrgID); they override the defaults. */
  extraContext?: RequestContext;
  /** The caller's identity policies, when known (never for Immuta). */
  callerIdentityPolicies?: readonly PolicySource[];
  /** The caller's unique id (AROA…/AIDA…) when known; fills aws:userid. */
  callerUniqueId?: string;
  now?: Date;
}

/**
 * Would sts:AssumeRole by `callerArn` succeed against this trust policy? STS endpoints are HTTPS only,
 * so aws:SecureTransport defaults to true.
 */
export function evaluateTrustPolicy(trustPolicy: PolicySource, options: TrustPolicyOptions): EvaluationResult {
  const principal = principalFromArn(
    options.callerArn,
    options.callerUniqueId === undefined ? {} : { uniqueId: options.callerUniqueId },
  );
  const defaults: RequestContext = { 'aws:SecureTransport': true };
  if (options.externalId !== undefined) defaults['sts:ExternalId'] = options.externalId;
  const request: PolicyRequest = {
    principal,
    action: 'sts:AssumeRole',
    resource: options.roleArn ?? '*',
    context: mergeContexts(defaults, options.extraContext ?? {}),
  };
  const identityPolicies = identityLabels(options.callerIdentityPolicies);
  const resourceAccount = options.roleArn ? accountOfArn(options.roleArn) : undefined;
  return evaluate({
    request,
    resourcePolicy: toLabeled(trustPolicy, 'trust policy'),
    resourcePolicyKind: 'trust',
    ...(identityPolicies ? { identityPolicies } : {}),
    ...(resourceAccount ? { resourceAccount } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

export interface S3PutObjectOptions {
  /** The writer: the access-key user's ARN, or the role session ARN. */
  principalArn: string;
  /** The writer's unique id (AIDA…/AROA…) when known; fills aws:userid. */
  principalUniqueId?: string;
  bucket: string;
  /** Object key, e.g. `immuta/audit/2024/01/01/probe.json`. */
  key: string;
  bucketPolicy?: PolicySource;
  identityPolicies?: readonly PolicySource[];
  permissionsBoundary?: PolicySource;
  /** The account owning the bucket (S3 ARNs carry none). */
  bucketAccountId: string;
  /**
   * Request context, merged over the defaults aws:SecureTransport=true and s3:ResourceAccount /
   * aws:ResourceAccount = bucketAccountId. Add e.g. `s3:x-amz-server-side-encryption`, `aws:SourceIp`.
   */
  context?: RequestContext;
  now?: Date;
}

/** Would s3:PutObject of `bucket/key` by `principalArn` be allowed? */
export function evaluateS3PutObject(options: S3PutObjectOptions): EvaluationResult {
  const principal = principalFromArn(
    options.principalArn,
    options.principalUniqueId === undefined ? {} : { uniqueId: options.principalUniqueId },
  );
  const defaults: RequestContext = {
    'aws:SecureTransport': true,
    's3:ResourceAccount': options.bucketAccountId,
    'aws:ResourceAccount': options.bucketAccountId,
  };
  const request: PolicyRequest = {
    principal,
    action: 's3:PutObject',
    // A principal reaches buckets of its own partition only: a GovCloud writer's object is arn:aws-us-gov:s3.
    resource: `arn:${parseArn(options.principalArn)?.partition ?? 'aws'}:s3:::${options.bucket}/${options.key}`,
    context: mergeContexts(defaults, options.context ?? {}),
  };
  const identityPolicies = identityLabels(options.identityPolicies);
  return evaluate({
    request,
    resourceAccount: options.bucketAccountId,
    resourcePolicyKind: 'resource',
    resourcePolicyLabel: 'bucket policy',
    ...(options.bucketPolicy ? { resourcePolicy: toLabeled(options.bucketPolicy, 'bucket policy') } : {}),
    ...(identityPolicies ? { identityPolicies } : {}),
    ...(options.permissionsBoundary
      ? { permissionsBoundary: toLabeled(options.permissionsBoundary, 'permissions boundary') }
      : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}

export interface KmsRequestOptions {
  principalArn: string;
  principalUniqueId?: string;
  /** Full key ARN (an alias cannot be evaluated: KMS resolves it in the caller's account). */
  keyArn: string;
  /** E.g. `kms:GenerateDataKey` (S3 uploads) or `kms:Decrypt` (multipart uploads). */
  action: string;
  keyPolicy?: PolicySource;
  identityPolicies?: readonly PolicySource[];
  permissionsBoundary?: PolicySource;
  /** Merged over aws:SecureTransport=true and kms:CallerAccount; add kms:ViaService / kms:EncryptionContext:… as needed. */
  context?: RequestContext;
  now?: Date;
}

/** Would a KMS call on the key be allowed? The key policy must allow it, directly or via the account root. */
export function evaluateKmsRequest(options: KmsRequestOptions): EvaluationResult {
  const principal = principalFromArn(
    options.principalArn,
    options.principalUniqueId === undefined ? {} : { uniqueId: options.principalUniqueId },
  );
  const defaults: RequestContext = { 'aws:SecureTransport': true, 'kms:CallerAccount': principal.accountId };
  const identityPolicies = identityLabels(options.identityPolicies);
  const resourceAccount = accountOfArn(options.keyArn);
  return evaluate({
    request: {
      principal,
      action: options.action,
      resource: options.keyArn,
      context: mergeContexts(defaults, options.context ?? {}),
    },
    resourcePolicyKind: 'key',
    ...(resourceAccount ? { resourceAccount } : {}),
    ...(options.keyPolicy ? { resourcePolicy: toLabeled(options.keyPolicy, 'key policy') } : {}),
    ...(identityPolicies ? { identityPolicies } : {}),
    ...(options.permissionsBoundary
      ? { permissionsBoundary: toLabeled(options.permissionsBoundary, 'permissions boundary') }
      : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}
