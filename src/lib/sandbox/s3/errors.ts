import { randomBytes } from 'node:crypto';

/**
 * An error the gateway answers the way AWS S3 does: HTTP status, `<Error><Code>` and `<Message>`,
 * plus the extra elements S3 adds for that code (e.g. `<Region>`, `<AWSAccessKeyId>`). Clients (the
 * AWS SDK included) turn `Code` into the exception name, so codes and messages follow AWS verbatim.
 */
export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export function newRequestId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}

/** Element text only needs &, < and > escaped; quotes stay readable, as in S3's own messages. */
function escapeXml(text: string): string {
  return text.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
}

export function errorXml(error: S3Error, requestId: string): string {
  const extra = Object.entries(error.details)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>${extra}` +
    `<RequestId>${requestId}</RequestId><HostId>${requestId}</HostId></Error>`
  );
}

// The wordings below are AWS S3's own, so scripts (and the sandbox's connection status) read the same text.
export const s3Errors = {
  accessDenied: (message = 'Access Denied', details?: Record<string, string>) =>
    new S3Error(403, 'AccessDenied', message, details),
  invalidAccessKeyId: (accessKeyId: string) =>
    new S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', {
      AWSAccessKeyId: accessKeyId,
    }),
  signatureDoesNotMatch: (details: Record<string, string>) =>
    new S3Error(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      details,
    ),
  headerMalformed: (detail: string, details?: Record<string, string>) =>
    new S3Error(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed; ${detail}`, details),
  queryParametersError: (message: string, details?: Record<string, string>) =>
    new S3Error(400, 'AuthorizationQueryParametersError', message, details),
  noSuchBucket: (bucket: string) =>
    new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket }),
  invalidArgument: (message: string, name: string, value: string) =>
    new S3Error(400, 'InvalidArgument', message, { ArgumentName: name, ArgumentValue: value }),
  invalidRequest: (message: string) => new S3Error(400, 'InvalidRequest', message),
  notImplemented: (message = 'A parameter you provided implies functionality that is not implemented') =>
    new S3Error(501, 'NotImplemented', message),
  internal: () => new S3Error(500, 'InternalError', 'We encountered an internal error. Please try again.'),
};
