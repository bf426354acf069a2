/**
 * What the rest of the sandbox needs from the S3 side (contract: src/lib/sandbox/s3/index.ts). The
 * types are restated here so the GraphQL layer, the connection tests and the exporter depend on a
 * small interface (and unit tests can pass fakes); runtime.ts wires in the real module lazily.
 */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3WriteTarget {
  endpoint: string;
  forcePathStyle?: boolean;
  bucket: string;
  region: string;
  path?: string;
  credentials: S3Credentials;
}

/** `code` is the S3 error code (e.g. SignatureDoesNotMatch); statusCode when the implementation knows it. */
export type S3ProbeResult = { ok: true } | { ok: false; code: string; message: string; statusCode?: number };

export interface S3PutInput extends S3WriteTarget {
  key: string;
  body: Buffer;
  contentType: string;
  contentEncoding?: string;
}

export interface S3Port {
  writeProbe(input: S3WriteTarget): Promise<S3ProbeResult>;
  /** Throws `{ code, message }` on S3 errors. */
  putObject(input: S3PutInput): Promise<void>;
}

/** HTTP status of the S3 error codes the sandbox meets, for Immuta-style messages when the error does not carry it. */
const STATUS_BY_CODE: Record<string, number> = {
  AccessDenied: 403,
  InvalidAccessKeyId: 403,
  SignatureDoesNotMatch: 403,
  RequestTimeTooSkewed: 403,
  InvalidToken: 400,
  ExpiredToken: 400,
  AuthorizationHeaderMalformed: 400,
  InvalidArgument: 400,
  InvalidRequest: 400,
  InvalidBucketName: 400,
  NoSuchBucket: 404,
  PermanentRedirect: 301,
  InternalError: 500,
  ServiceUnavailable: 503,
  SlowDown: 503,
};

export function statusOfS3Code(code: string, known?: number): number | undefined {
  return known ?? STATUS_BY_CODE[code];
}

/** Reads `{ code, message, statusCode }` out of whatever putObject threw. */
export function s3Failure(error: unknown): { code: string; message: string; statusCode?: number } {
  const e = (error ?? {}) as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    statusCode?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const code = typeof e.code === 'string' ? e.code : typeof e.name === 'string' ? e.name : 'UnknownError';
  const message = typeof e.message === 'string' ? e.message : String(error);
  const status =
    typeof e.statusCode === 'number'
      ? e.statusCode
      : typeof e.$metadata?.httpStatusCode === 'number'
        ? e.$metadata.httpStatusCode
        : undefined;
  return status === undefined ? { code, message } : { code, message, statusCode: status };
}
