/**
 * AWS Signature Version 4 verification for the sandbox's S3 gateway.
 *
 * Parsing (Authorization header or presigned query) is ours; the canonical request, the string to
 * sign and the signing key come from `@smithy/signature-v4`, the code the AWS SDK signs with, so a
 * request the SDK signed verifies by construction and a wrong secret does not. We choose the
 * canonical headers ourselves (exactly the client's SignedHeaders list): the library's own
 * `sign()`/`presign()` would re-decide which headers are signable, drop `date`, and hoist headers.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ALGORITHM_IDENTIFIER, SignatureV4Base, createScope, getSigningKey } from '@smithy/signature-v4';
import { type S3Error, s3Errors } from './errors.js';

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** Presigned URLs may live at most a week (AWS's limit). */
const MAX_PRESIGNED_SECONDS = 604_800;

/** node:crypto behind the `Checksum` shape the smithy signer expects (an HMAC when given a secret). */
export class NodeSha256 {
  private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh() {
    if (this.secret === undefined) return createHash('sha256');
    const key =
      typeof this.secret === 'string'
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(this.secret);
    return createHmac('sha256', key);
  }
  update(data: Uint8Array): void {
    this.hash.update(data);
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

/** Exposes the library's canonicalisation; S3 signs the path as sent (no double encoding). */
class Canonicalizer extends SignatureV4Base {
  constructor() {
    super({
      service: 's3',
      region: 'us-east-1',
      credentials: { accessKeyId: '', secretAccessKey: '' },
      sha256: NodeSha256,
      uriEscapePath: false,
    });
  }
  canonicalRequest(
    method: string,
    path: string,
    query: Record<string, string | string[]>,
    headers: Record<string, string>,
    payloadHash: string,
  ): string {
    return this.createCanonicalRequest(
      { method, protocol: 'http:', hostname: headers.host ?? '', path, query, headers },
      headers,
      payloadHash,
    );
  }
  stringToSign(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER);
  }
}
const canonicalizer = new Canonicalizer();

export interface SigV4Auth {
  form: 'header' | 'query';
  accessKeyId: string;
  /** YYYYMMDD from the credential scope. */
  scopeDate: string;
  region: string;
  service: string;
  /** YYYYMMDDTHHMMSSZ from x-amz-date / X-Amz-Date. */
  longDate: string;
  signedHeaders: string[];
  signature: string;
  /** Presigned URLs only. */
  expiresSeconds?: number;
}

export interface IncomingRequestParts {
  method: string;
  /** The raw path as sent, e.g. `/bucket/a%20b.txt`. */
  rawPath: string;
  /** The raw query string without `?`. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
}

/** Splits a raw query string into decoded name -> value(s), the shape the smithy canonicaliser takes. */
export function parseQuery(rawQuery: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = safeDecode(eq === -1 ? part : part.slice(0, eq));
    const value = eq === -1 ? '' : safeDecode(part.slice(eq + 1));
    const existing = query[name];
    if (existing === undefined) query[name] = value;
    else query[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return query;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** S3's canonical URI: each segment URI-encoded once, however the client escaped it on the wire. */
export function canonicalPath(rawPath: string): string {
  return rawPath
    .split('/')
    .map((segment) => escapeUri(safeDecode(segment)))
    .join('/');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Which auth the request carries: `none`, or a parsed SigV4 header/query. Throws S3Error when malformed. */
export function parseAuth(
  parts: IncomingRequestParts,
  query: Record<string, string | string[]>,
  /** The services this endpoint serves (the sandbox AWS account's API serves several). */
  services: readonly string[] = ['s3'],
): SigV4Auth | null {
  const authorization = headerValue(parts.headers, 'authorization');
  const queryAuth = 'X-Amz-Algorithm' in query || 'X-Amz-Credential' in query || 'X-Amz-Signature' in query;
  if (authorization !== undefined && queryAuth) {
    throw s3Errors.invalidArgument(
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
      'Authorization',
      authorization,
    );
  }
  if (authorization !== undefined) return parseAuthorizationHeader(authorization, parts.headers, services);
  if (queryAuth) return parsePresignedQuery(query, services);
  return null;
}

function parseCredential(credential: string, malformed: (detail: string) => S3Error, services: readonly string[]) {
  const pieces = credential.split('/');
  if (
    pieces.length !== 5 ||
    pieces.some((p) => p === '') ||
    pieces[4] !== 'aws4_request' ||
    !/^\d{8}$/.test(pieces[1] ?? '')
  ) {
    throw malformed('the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".');
  }
  const [accessKeyId, scopeDate, region, service] = pieces as [string, string, string, string, string];
  if (!services.includes(service))
    throw malformed(`incorrect service "${service}". This endpoint belongs to "${services.join('", "')}".`);
  return { accessKeyId, scopeDate, region, service };
}

export function parseAuthorizationHeader(
  authorization: string,
  headers: IncomingHttpHeaders,
  services: readonly string[] = ['s3'],
): SigV4Auth {
  const space = authorization.indexOf(' ');
  const algorithm = space === -1 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM_IDENTIFIER) {
    // SigV2 ("AWS key:sig") and SigV4a are not served: the SDK uses SigV4 for S3.
    throw s3Errors.invalidArgument('Unsupported Authorization Type', 'Authorization', authorization);
  }
  const components = new Map<string, string>();
  for (const component of authorization.slice(space + 1).split(',')) {
    const trimmed = component.trim();
    const eq = trimmed.indexOf('=');
    if (eq > 0) components.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  const credential = components.get('Credential');
  const signedHeaders = components.get('SignedHeaders');
  const signature = components.get('Signature');
  if (!credential || !signedHeaders || !signature) {
    throw s3Errors.headerMalformed(
      'the authorization header requires three components: Credential, SignedHeaders, and Signature.',
    );
  }
  const scope = parseCredential(credential, (detail) => s3Errors.headerMalformed(detail), services);
  const longDate = headerValue(headers, 'x-amz-date');
  if (longDate === undefined || parseAmzDate(longDate) === undefined) {
    // S3 also accepts `Date` for SigV4 in theory; every SigV4 signer sends x-amz-date.
    throw s3Errors.accessDenied('AWS authentication requires a valid Date or x-amz-date header');
  }
  if (longDate.slice(0, 8) !== scope.scopeDate) {
    throw s3Errors.headerMalformed(
      `Invalid credential date "${scope.scopeDate}". This date is not the same as X-Amz-Date: "${longDate.slice(0, 8)}".`,
    );
  }
  return {
    form: 'header',
    ...scope,
    longDate,
    signedHeaders: signedHeaders.split(';').map((h) => h.trim().toLowerCase()),
    signature: signature.trim(),
  };
}

export function parsePresignedQuery(
  query: Record<string, string | string[]>,
  services: readonly string[] = ['s3'],
): SigV4Auth {
  const get = (name: string): string => {
    const value = query[name];
    return (Array.isArray(value) ? value[0] : value) ?? '';
  };
  const required = [
    'X-Amz-Algorithm',
    'X-Amz-Credential',
    'X-Amz-Signature',
    'X-Amz-Date',
    'X-Amz-SignedHeaders',
    'X-Amz-Expires',
  ];
  if (required.some((name) => get(name) === '')) {
    throw s3Errors.queryParametersError(
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
    );
  }
  if (get('X-Amz-Algorithm') !== ALGORITHM_IDENTIFIER) {
    throw s3Errors.queryParametersError('X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
  }
  const scope = parseCredential(
    get('X-Amz-Credential'),
    (detail) => s3Errors.queryParametersError(`Error parsing the X-Amz-Credential parameter; ${detail}`),
    services,
  );
  const longDate = get('X-Amz-Date');
  if (parseAmzDate(longDate) === undefined) {
    throw s3Errors.queryParametersError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
  }
  if (longDate.slice(0, 8) !== scope.scopeDate) {
    throw s3Errors.queryParametersError(
      `Invalid credential date "${scope.scopeDate}". This date is not the same as X-Amz-Date: "${longDate.slice(0, 8)}".`,
    );
  }
  const expires = get('X-Amz-Expires');
  if (!/^\d+$/.test(expires)) throw s3Errors.queryParametersError('X-Amz-Expires should be a number');
  const expiresSeconds = Number(expires);
  if (expiresSeconds > MAX_PRESIGNED_SECONDS) {
    throw s3Errors.queryParametersError(
      `X-Amz-Expires must be less than a week (in seconds) that is; ${MAX_PRESIGNED_SECONDS}`,
    );
  }
  return {
    form: 'query',
    ...scope,
    longDate,
    signedHeaders: get('X-Amz-SignedHeaders')
      .split(';')
      .map((h) => h.trim().toLowerCase()),
    signature: get('X-Amz-Signature'),
    expiresSeconds,
  };
}

/** `20130524T000000Z` -> epoch ms, or undefined when it is not that format. */
export function parseAmzDate(longDate: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(longDate);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(ms) ? undefined : ms;
}

export interface VerifyResult {
  ok: boolean;
  /** What the client should have signed: returned in SignatureDoesNotMatch like S3 does (no secret in it). */
  canonicalRequest: string;
  stringToSign: string;
  signingKey: Uint8Array;
}

/**
 * Recomputes the request's signature with the secret and compares in constant time.
 * `payloadHash` is the x-amz-content-sha256 value (header form) or UNSIGNED-PAYLOAD (presigned URLs).
 */
export async function verifySignature(
  parts: IncomingRequestParts,
  query: Record<string, string | string[]>,
  auth: SigV4Auth,
  secretAccessKey: string,
  payloadHash: string,
): Promise<VerifyResult> {
  const canonicalHeaders: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    canonicalHeaders[name] = (headerValue(parts.headers, name) ?? '')
      .replace(/[\r\n]/g, ' ')
      .replace(/[ \t]+/g, ' ')
      .trim();
  }
  const signedQuery = { ...query };
  if (auth.form === 'query') delete signedQuery['X-Amz-Signature'];
  const canonicalRequest = canonicalizer.canonicalRequest(
    parts.method,
    canonicalPath(parts.rawPath),
    signedQuery,
    canonicalHeaders,
    payloadHash,
  );
  const scope = createScope(auth.scopeDate, auth.region, auth.service);
  const stringToSign = await canonicalizer.stringToSign(auth.longDate, scope, canonicalRequest);
  const signingKey = await getSigningKey(
    NodeSha256,
    { accessKeyId: auth.accessKeyId, secretAccessKey },
    auth.scopeDate,
    auth.region,
    auth.service,
  );
  const expected = hmacHex(signingKey, stringToSign);
  return { ok: constantTimeEqualHex(expected, auth.signature), canonicalRequest, stringToSign, signingKey };
}

export function hmacHex(key: Uint8Array, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function constantTimeEqualHex(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided.toLowerCase(), 'utf8');
  // Compare against itself on length mismatch so the timing does not depend on where they differ.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(a, a);
}

/** The signature of one aws-chunked chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), chained from the previous one. */
export function chunkSignature(
  signingKey: Uint8Array,
  auth: SigV4Auth,
  previousSignature: string,
  chunk: Buffer,
): string {
  const scope = createScope(auth.scopeDate, auth.region, auth.service);
  return hmacHex(
    signingKey,
    ['AWS4-HMAC-SHA256-PAYLOAD', auth.longDate, scope, previousSignature, EMPTY_SHA256, sha256Hex(chunk)].join('\n'),
  );
}

/** The signature over the trailing headers (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER). */
export function trailerSignature(
  signingKey: Uint8Array,
  auth: SigV4Auth,
  previousSignature: string,
  trailers: Array<[string, string]>,
): string {
  const scope = createScope(auth.scopeDate, auth.region, auth.service);
  const canonicalTrailers = trailers.map(([name, value]) => `${name.toLowerCase()}:${value.trim()}\n`).join('');
  return hmacHex(
    signingKey,
    ['AWS4-HMAC-SHA256-TRAILER', auth.longDate, scope, previousSignature, sha256Hex(canonicalTrailers)].join('\n'),
  );
}
