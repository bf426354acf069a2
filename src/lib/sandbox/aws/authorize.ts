/**
 * The sandbox account's access decisions, made with the shared IAM evaluator (src/lib/policy) over
 * the account state: the exporter's writes (s3:PutObject, plus kms:GenerateDataKey on an SSE-KMS
 * bucket) and the API calls the doctor and `policy --apply` make. The doctor evaluates the same
 * policies with the same evaluator, which is why their verdicts agree.
 */
import {
  type EvaluationResult,
  evaluate,
  evaluateKmsRequest,
  evaluateS3PutObject,
  parsePolicyDocument,
  principalFromArn,
} from '../../policy/index.js';
import type { State } from '../state/schema.js';
import {
  type LabeledDocument,
  type SandboxPrincipal,
  accountOf,
  findBucket,
  findKmsKey,
  policiesOf,
} from './account.js';

export interface Denial {
  status: number;
  code: string;
  message: string;
}

function sources(docs: LabeledDocument[]) {
  return docs.flatMap((d) => {
    const parsed = parsePolicyDocument(d.document);
    return parsed.ok ? [{ label: d.label, document: parsed.policy }] : [];
  });
}

/** AWS's "enhanced" access-denied wording (same-account callers get it). */
export function deniedMessage(
  principalArn: string,
  action: string,
  resource: string,
  result: EvaluationResult,
): string {
  const head = `User: ${principalArn} is not authorized to perform: ${action} on resource: "${resource}"`;
  if (result.decision === 'ExplicitDeny') {
    const side = result.blockedBy[0] ?? 'resource';
    const where =
      side === 'identity'
        ? 'an identity-based policy'
        : side === 'boundary'
          ? 'a permissions boundary'
          : 'a resource-based policy';
    return `${head} with an explicit deny in ${where}`;
  }
  if (result.blockedBy.includes('boundary'))
    return `${head} because no permissions boundary allows the ${action} action`;
  if (result.blockedBy.includes('identity'))
    return `${head} because no identity-based policy allows the ${action} action`;
  return `${head} because no resource-based policy allows the ${action} action`;
}

export interface PutObjectRequest {
  bucket: string;
  key: string;
  /** Lower-case request headers (x-amz-server-side-encryption, x-amz-acl, …). */
  headers: Record<string, string | string[] | undefined>;
  now?: Date;
}

function header(headers: PutObjectRequest['headers'], name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Would S3 accept this PutObject from `principal`? undefined = yes; otherwise S3's error. */
export function authorizePutObject(
  state: Readonly<State>,
  principal: SandboxPrincipal,
  request: PutObjectRequest,
): Denial | undefined {
  const bucket = findBucket(state, request.bucket);
  if (!bucket) return undefined; // the gateway answers NoSuchBucket itself
  const account = accountOf(state).accountId;
  const policies = policiesOf(state, principal);
  const identity = sources(policies.identity);
  const boundary = policies.boundary ? sources([policies.boundary])[0] : undefined;
  const sse = header(request.headers, 'x-amz-server-side-encryption');
  const acl = header(request.headers, 'x-amz-acl');
  const bucketPolicy = bucket.policy ? parsePolicyDocument(bucket.policy) : undefined;
  const result = evaluateS3PutObject({
    principalArn: principal.requestArn,
    principalUniqueId: principal.uniqueId,
    bucket: bucket.name,
    key: request.key,
    ...(bucketPolicy?.ok ? { bucketPolicy: { label: 'bucket policy', document: bucketPolicy.policy } } : {}),
    identityPolicies: identity,
    ...(boundary ? { permissionsBoundary: boundary } : {}),
    bucketAccountId: account,
    context: {
      ...(sse ? { 's3:x-amz-server-side-encryption': sse } : {}),
      ...(acl ? { 's3:x-amz-acl': acl } : {}),
    },
    ...(request.now ? { now: request.now } : {}),
  });
  const objectArn = `arn:aws:s3:::${bucket.name}/${request.key}`;
  if (result.decision !== 'Allow')
    return {
      status: 403,
      code: 'AccessDenied',
      message: deniedMessage(principal.requestArn, 's3:PutObject', objectArn, result),
    };
  if (acl && acl !== 'bucket-owner-full-control' && bucket.ownership === 'BucketOwnerEnforced')
    return { status: 400, code: 'AccessControlListNotSupported', message: 'The bucket does not allow ACLs' };

  // SSE-KMS: S3 asks KMS for a data key as the caller; the key must exist in the bucket's region, be enabled, and allow it.
  const algorithm = sse ?? bucket.encryption?.algorithm;
  const keyRef = sse
    ? header(request.headers, 'x-amz-server-side-encryption-aws-kms-key-id')
    : bucket.encryption?.kmsKeyId;
  if (!algorithm?.startsWith('aws:kms') || !keyRef) return undefined;
  const key = findKmsKey(state, keyRef, bucket.region);
  if (!key) return { status: 400, code: 'KMS.NotFoundException', message: `Key '${keyRef}' does not exist` };
  if (key.state !== 'Enabled')
    return {
      status: 400,
      code: key.state === 'Disabled' ? 'KMS.DisabledException' : 'KMS.KMSInvalidStateException',
      message: `${key.arn} is ${key.state === 'Disabled' ? 'disabled' : 'pending deletion'}.`,
    };
  const keyPolicy = parsePolicyDocument(key.policy);
  const kms = evaluateKmsRequest({
    principalArn: principal.requestArn,
    principalUniqueId: principal.uniqueId,
    keyArn: key.arn,
    action: 'kms:GenerateDataKey',
    ...(keyPolicy.ok ? { keyPolicy: { label: 'key policy', document: keyPolicy.policy } } : {}),
    identityPolicies: identity,
    ...(boundary ? { permissionsBoundary: boundary } : {}),
    context: {
      'kms:ViaService': `s3.${bucket.region}.amazonaws.com`,
      'kms:EncryptionContext:aws:s3:arn': bucket.encryption?.bucketKeyEnabled
        ? `arn:aws:s3:::${bucket.name}`
        : objectArn,
    },
    ...(request.now ? { now: request.now } : {}),
  });
  if (kms.decision !== 'Allow')
    return {
      status: 403,
      code: 'AccessDenied',
      message: deniedMessage(principal.requestArn, 'kms:GenerateDataKey', key.arn, kms),
    };
  return undefined;
}

/** An API call by `principal` (IAM, KMS, S3 bucket configuration): identity policies and boundary decide. */
export function authorizeCall(
  state: Readonly<State>,
  principal: SandboxPrincipal,
  action: string,
  resource: string,
  /** The resource's own policy where it has one that must allow too (a KMS key policy). */
  resourcePolicy?: string,
): Denial | undefined {
  const policies = policiesOf(state, principal);
  const boundary = policies.boundary ? sources([policies.boundary])[0] : undefined;
  const own = resourcePolicy
    ? sources([{ label: 'key policy', id: 'key policy', document: resourcePolicy }])[0]
    : undefined;
  const result = evaluate({
    ...(own ? { resourcePolicy: own } : {}),
    request: {
      principal: principalFromArn(principal.requestArn, { uniqueId: principal.uniqueId }),
      action,
      resource,
      context: { 'aws:SecureTransport': true },
    },
    identityPolicies: sources(policies.identity),
    ...(boundary ? { permissionsBoundary: boundary } : {}),
    resourceAccount: accountOf(state).accountId,
  });
  if (result.decision === 'Allow') return undefined;
  return { status: 403, code: 'AccessDenied', message: deniedMessage(principal.requestArn, action, resource, result) };
}

/** SimulatePrincipalPolicy: identity policies and boundary only, as IAM simulates them. */
export function simulate(
  state: Readonly<State>,
  principal: Pick<SandboxPrincipal, 'kind' | 'arn' | 'name' | 'requestArn' | 'uniqueId'>,
  action: string,
  resource: string,
  context: Record<string, string | boolean>,
): { decision: 'allowed' | 'explicitDeny' | 'implicitDeny'; matched: string[]; allowedByBoundary?: boolean } {
  const policies = policiesOf(state, principal);
  const identity = policies.identity.flatMap((d) => {
    const parsed = parsePolicyDocument(d.document);
    return parsed.ok ? [{ label: d.id, document: parsed.policy }] : [];
  });
  const boundaryParsed = policies.boundary ? parsePolicyDocument(policies.boundary.document) : undefined;
  const boundary =
    boundaryParsed?.ok && policies.boundary
      ? { label: policies.boundary.id, document: boundaryParsed.policy }
      : undefined;
  const result = evaluate({
    request: {
      principal: principalFromArn(principal.arn, { uniqueId: principal.uniqueId }),
      action,
      resource,
      context: { 'aws:SecureTransport': true, ...context },
    },
    identityPolicies: identity,
    ...(boundary ? { permissionsBoundary: boundary } : {}),
    resourceAccount: accountOf(state).accountId,
  });
  const decision =
    result.decision === 'Allow' ? 'allowed' : result.decision === 'ExplicitDeny' ? 'explicitDeny' : 'implicitDeny';
  const boundaryResult = result.policies.find((p) => p.kind === 'boundary');
  return {
    decision,
    matched: [...new Set(result.decidingStatements.map((s) => s.policy))],
    ...(boundaryResult
      ? { allowedByBoundary: boundaryResult.allowing.length > 0 && boundaryResult.denying.length === 0 }
      : {}),
  };
}
