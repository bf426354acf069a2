/**
 * What an AWS SDK v3 failure means for a check. SDK errors carry the AWS code in `name` (and `Code`),
 * the HTTP status in `$metadata.httpStatusCode`, and for S3 the raw response in `$response`. HEAD
 * requests have no body, so their `name` is generic ("Unknown", "NotFound", "403"): branch on the
 * status (aws-export-failure-modes.md §2, B4).
 */

export type AwsFailureKind =
  /** The caller lacks permission for this read (or the resource belongs to another account). */
  | 'access-denied'
  /** The thing read does not exist (NoSuchBucket, NoSuchEntity, NotFoundException, 404). */
  | 'not-found'
  /** The credentials are missing, unknown, wrong or expired. */
  | 'credentials'
  /** S3 answered 301/400 because the request went to (or was signed for) the wrong region. */
  | 'wrong-region'
  | 'throttled'
  /** No answer: DNS, refused connection, reset, TLS. */
  | 'network'
  | 'timeout'
  | 'other';

export interface AwsFailure {
  kind: AwsFailureKind;
  /** The AWS error code (`AccessDenied`, `NoSuchBucketPolicy`, …) or a Node error code (`ECONNREFUSED`). */
  code: string;
  status?: number;
  message: string;
  /** S3's `x-amz-bucket-region` header, when the failed response carried it. */
  bucketRegion?: string;
}

interface SdkErrorLike {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
  Region?: string;
  cause?: unknown;
}

const CREDENTIAL_CODES = new Set([
  'CredentialsProviderError',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidToken',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'TokenRefreshRequired',
]);

const DENIED_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthorizationError',
  'UnauthorizedOperation',
  'Forbidden',
  'MethodNotAllowed',
  'AllAccessDisabled',
]);

const NOT_FOUND_CODES = new Set([
  'NotFound',
  'NoSuchBucket',
  'NoSuchEntity',
  'NoSuchEntityException',
  'NotFoundException',
  'NoSuchKey',
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
]);

const THROTTLE_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'SlowDown',
  'RequestLimitExceeded',
]);

function nodeCode(error: SdkErrorLike): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as SdkErrorLike).cause, depth++) {
    const code = (e as SdkErrorLike).code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || code === 'ETIMEDOUT')) return code;
  }
  return undefined;
}

export function awsFailure(error: unknown): AwsFailure {
  const e = (error ?? {}) as SdkErrorLike;
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const headerRegion = e.$response?.headers?.['x-amz-bucket-region'];
  let code = e.Code ?? e.name ?? 'Error';
  if ((code === 'Unknown' || code === 'UnknownError' || code === 'Error') && status !== undefined)
    code = String(status);
  const message =
    (e.message && e.message !== 'UnknownError' ? e.message : undefined) ?? (status ? `HTTP ${status}` : code);
  const base = {
    code,
    message,
    ...(status === undefined ? {} : { status }),
    ...(headerRegion ? { bucketRegion: headerRegion } : {}),
  };

  if (e.name === 'AbortError' || e.name === 'TimeoutError' || nodeCode(e) === 'ETIMEDOUT')
    return { ...base, kind: 'timeout' };
  const net = nodeCode(e);
  if (net && status === undefined) return { ...base, code: net, kind: 'network' };
  if (CREDENTIAL_CODES.has(code) || e.name === 'CredentialsProviderError') return { ...base, kind: 'credentials' };
  if (
    code === 'PermanentRedirect' ||
    code === 'AuthorizationHeaderMalformed' ||
    code === 'IllegalLocationConstraintException' ||
    status === 301
  ) {
    return { ...base, kind: 'wrong-region' };
  }
  if (THROTTLE_CODES.has(code) || status === 429) return { ...base, kind: 'throttled' };
  if (DENIED_CODES.has(code) || status === 403 || status === 405) return { ...base, kind: 'access-denied' };
  if (NOT_FOUND_CODES.has(code) || status === 404) return { ...base, kind: 'not-found' };
  return { ...base, kind: 'other' };
}

/** One line for evidence: `AccessDenied (HTTP 403): Access Denied`. */
export function describeFailure(failure: AwsFailure): string {
  const status = failure.status === undefined ? '' : ` (HTTP ${failure.status})`;
  const redundant =
    !failure.message || failure.message === failure.code || failure.message === `HTTP ${failure.status}`;
  const message = redundant ? '' : `: ${failure.message}`;
  return `${failure.code}${status}${message}`;
}

/** True when AWS could not be reached at all (as opposed to answering with an error). */
export function isUnreachable(failure: AwsFailure): boolean {
  return failure.kind === 'network' || failure.kind === 'timeout';
}
