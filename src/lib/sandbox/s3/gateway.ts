/**
 * The verifying front door of the sandbox's S3, and the only part of it that listens. Every request
 * is checked first: the credential must be registered, signed for the bucket's region, and the
 * signature (and payload hash, aws-chunked chunk signatures) must verify. Only then is the request
 * handed, in process, to `route` (router.ts: the S3 operations on the sandbox's object store).
 * Answers follow S3's status codes and XML errors; an error in one request answers that request only.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { decodeAwsChunked, verifyChecksums } from './aws-chunked.js';
import { S3Error, errorXml, newRequestId, s3Errors } from './errors.js';
import type { S3Reply, VerifiedS3Request } from './router.js';
import {
  UNSIGNED_PAYLOAD,
  chunkSignature,
  constantTimeEqualHex,
  parseAmzDate,
  parseAuth,
  parseQuery,
  sha256Hex,
  trailerSignature,
  verifySignature,
  type IncomingRequestParts,
  type SigV4Auth,
  type VerifyResult,
} from './sigv4.js';

export interface GatewayCredential {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface GatewayOptions {
  host: string;
  port: number;
  /** Serves a verified request (router.ts); errors thrown as S3Error are answered as such. */
  route(request: VerifiedS3Request): Promise<S3Reply>;
  /** Live lookups: credentials and buckets may change while the gateway runs. */
  credential(accessKeyId: string): GatewayCredential | undefined;
  bucketRegion(bucket: string): string | undefined;
  /** Request bodies are buffered (and verified) up to this size. */
  maxBufferedBytes?: number;
  /**
   * Optional hook, called once a request's signature has verified and before it is routed to the object store:
   * it may answer the request itself (returns true: bucket configuration the sandbox account keeps)
   * or refuse it (throws an S3Error, e.g. AccessDenied from the account's policies). The sandbox's
   * AWS account plugs in here (src/lib/sandbox/aws/s3-config.ts).
   */
  intercept?(
    request: InterceptedS3Request,
    res: http.ServerResponse,
    headers: Record<string, string>,
  ): Promise<boolean>;
}

/** What the intercept hook gets: a request whose signature verified. */
export interface InterceptedS3Request {
  method: string;
  bucket: string;
  /** The decoded object key ('' for bucket-level requests). */
  key: string;
  query: Record<string, string | string[]>;
  headers: http.IncomingHttpHeaders;
  accessKeyId: string;
  /** The verified request body (read once). */
  body(): Promise<Buffer>;
}

export interface Gateway {
  address: AddressInfo;
  close(): Promise<void>;
}

/** S3 rejects requests more than 15 minutes away from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const DEFAULT_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
type PayloadMode = 'hex' | 'unsigned' | 'streaming-unsigned-trailer' | 'streaming-signed' | 'streaming-signed-trailer';

function payloadMode(value: string): PayloadMode | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return 'hex';
  switch (value) {
    case UNSIGNED_PAYLOAD:
      return 'unsigned';
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER':
      return 'streaming-unsigned-trailer';
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD':
      return 'streaming-signed';
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER':
      return 'streaming-signed-trailer';
    default:
      return undefined;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface Target {
  rawPath: string;
  rawQuery: string;
  bucket: string;
  hasKey: boolean;
  /** The object key, percent-decoded (an opaque string: `..`, `%`, `/` are just characters). */
  key?: string;
}

function parseTarget(url: string): Target {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const rawQuery = q === -1 ? '' : url.slice(q + 1);
  if (!rawPath.startsWith('/')) throw s3Errors.invalidRequest('Invalid URI');
  // Path-style only (`/bucket/key`): the sandbox endpoint is an IP address, where SDKs use path style.
  const slash = rawPath.indexOf('/', 1);
  const bucketPart = slash === -1 ? rawPath.slice(1) : rawPath.slice(1, slash);
  let bucket: string;
  try {
    bucket = decodeURIComponent(bucketPart);
  } catch {
    bucket = bucketPart;
  }
  const hasKey = slash !== -1 && rawPath.length > slash + 1;
  if (!hasKey) return { rawPath, rawQuery, bucket, hasKey };
  let key: string;
  try {
    key = decodeURIComponent(rawPath.slice(slash + 1));
  } catch {
    throw new S3Error(400, 'InvalidURI', "Couldn't parse the specified URI.", { URI: rawPath.slice(0, 1024) });
  }
  return { rawPath, rawQuery, bucket, hasKey, key };
}

function readBody(req: http.IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) {
        reject(
          new S3Error(
            400,
            'EntityTooLarge',
            `Your proposed upload exceeds the maximum allowed size (the sandbox buffers at most ${max} bytes to verify them)`,
          ),
        );
      } else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;

  function sendError(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    error: S3Error,
    requestId: string,
    headers: Record<string, string>,
  ): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // Read (and drop) whatever body the client is still sending, so the connection stays usable.
    if (!req.complete) req.resume();
    const body = req.method === 'HEAD' ? '' : errorXml(error, requestId);
    res.writeHead(error.status, {
      ...headers,
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(body),
      'x-amz-request-id': requestId,
      'x-amz-id-2': requestId,
    });
    res.end(body);
  }

  async function handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    requestId: string,
    extraHeaders: Record<string, string>,
  ): Promise<void> {
    const target = parseTarget(req.url ?? '/');
    const query = parseQuery(target.rawQuery);
    const method = (req.method ?? 'GET').toUpperCase();

    // Like S3, a missing bucket is reported before any authentication (bucket existence is public).
    let region: string | undefined;
    if (target.bucket !== '') {
      region = options.bucketRegion(target.bucket);
      if (region === undefined) throw s3Errors.noSuchBucket(target.bucket);
      extraHeaders['x-amz-bucket-region'] = region;
    }

    const parts: IncomingRequestParts = {
      method,
      rawPath: target.rawPath,
      rawQuery: target.rawQuery,
      headers: req.headers,
    };
    const auth = parseAuth(parts, query);
    if (auth === null) throw s3Errors.accessDenied(); // anonymous: the sandbox's buckets are private

    const credential = options.credential(auth.accessKeyId);
    if (!credential) throw s3Errors.invalidAccessKeyId(auth.accessKeyId);

    const isLocation = target.bucket !== '' && !target.hasKey && 'location' in query;
    if (region !== undefined && !isLocation && auth.region !== region) {
      const detail = `the region '${auth.region}' is wrong; expecting '${region}'`;
      throw auth.form === 'header'
        ? s3Errors.headerMalformed(detail, { Region: region })
        : s3Errors.queryParametersError(`Error parsing the X-Amz-Credential parameter; ${detail}`, { Region: region });
    }

    checkTime(auth);

    let payloadHash = UNSIGNED_PAYLOAD; // presigned URLs never sign the payload
    if (auth.form === 'header') {
      const value = single(req.headers['x-amz-content-sha256']);
      if (value === undefined)
        throw s3Errors.invalidRequest('Missing required header for this request: x-amz-content-sha256');
      payloadHash = value;
    }
    const mode = payloadMode(payloadHash);
    if (mode === undefined) {
      throw s3Errors.invalidArgument(
        'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
        'x-amz-content-sha256',
        payloadHash,
      );
    }

    // S3 requires Host and every x-amz-* header sent to be covered by the signature (both auth forms).
    const unsigned = Object.keys(req.headers).filter(
      (name) => (name.startsWith('x-amz-') || name === 'host') && !auth.signedHeaders.includes(name),
    );
    if (unsigned.length > 0) {
      throw s3Errors.accessDenied('There were headers present in the request which were not signed', {
        HeadersNotSigned: unsigned.join(', '),
      });
    }

    const verified = await verifySignature(parts, query, auth, credential.secretAccessKey, payloadHash);
    if (!verified.ok) {
      throw s3Errors.signatureDoesNotMatch({
        AWSAccessKeyId: auth.accessKeyId,
        StringToSign: verified.stringToSign,
        SignatureProvided: auth.signature,
        CanonicalRequest: verified.canonicalRequest,
      });
    }

    const body = await readVerifiedBody(req, mode, payloadHash, auth, verified, target, method);
    if (options.intercept) {
      const answered = await options.intercept(
        {
          method,
          bucket: target.bucket,
          key: target.key ?? '',
          query,
          headers: req.headers,
          accessKeyId: auth.accessKeyId,
          body: async () => body,
        },
        res,
        { ...extraHeaders, 'x-amz-request-id': requestId },
      );
      if (answered) return;
    }
    const reply = await options.route({
      method,
      bucket: target.bucket,
      ...(target.key === undefined ? {} : { key: target.key }),
      region: region ?? '',
      query,
      headers: req.headers,
      body,
      accessKeyId: auth.accessKeyId,
    });
    await send(res, reply, requestId, extraHeaders, method);
  }

  function checkTime(auth: SigV4Auth): void {
    const now = Date.now();
    const signedAt = parseAmzDate(auth.longDate) ?? 0; // validated by parseAuth
    if (auth.form === 'header') {
      if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
        throw new S3Error(
          403,
          'RequestTimeTooSkewed',
          'The difference between the request time and the current time is too large.',
          {
            RequestTime: auth.longDate,
            ServerTime: isoSeconds(now),
            MaxAllowedSkewMilliseconds: String(MAX_SKEW_MS),
          },
        );
      }
    } else {
      if (signedAt - now > MAX_SKEW_MS) throw s3Errors.accessDenied('Request is not valid yet');
      const expiresAt = signedAt + (auth.expiresSeconds ?? 0) * 1000;
      if (now > expiresAt) {
        throw s3Errors.accessDenied('Request has expired', {
          'X-Amz-Expires': String(auth.expiresSeconds),
          Expires: isoSeconds(expiresAt),
          ServerTime: isoSeconds(now),
        });
      }
    }
  }

  /** Reads the whole body (at most maxBuffered bytes) and verifies it against what was signed. */
  async function readVerifiedBody(
    req: http.IncomingMessage,
    mode: PayloadMode,
    payloadHash: string,
    auth: SigV4Auth,
    verified: VerifyResult,
    target: Target,
    method: string,
  ): Promise<Buffer> {
    const putsObject = method === 'PUT' && target.hasKey;
    if (mode === 'hex' || mode === 'unsigned') {
      if (putsObject && req.headers['content-length'] === undefined) {
        throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
      }
      const body = await readBody(req, maxBuffered);
      if (mode === 'unsigned') return body;
      const computed = sha256Hex(body);
      const provided = payloadHash.toLowerCase();
      if (!constantTimeEqualHex(computed, provided)) {
        throw new S3Error(
          400,
          'XAmzContentSHA256Mismatch',
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
          {
            ClientComputedContentSHA256: provided,
            S3ComputedContentSHA256: computed,
          },
        );
      }
      verifyChecksums(body, checksumHeaders(req));
      return body;
    }

    const declared = single(req.headers['x-amz-decoded-content-length']);
    if (declared === undefined || !/^\d+$/.test(declared)) {
      throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
    }
    const decoded = decodeAwsChunked(await readBody(req, maxBuffered));
    if (mode !== 'streaming-unsigned-trailer') {
      let previous = auth.signature;
      for (const chunk of decoded.chunks) {
        const expected = chunkSignature(verified.signingKey, auth, previous, chunk.data);
        if (chunk.signature === undefined || !constantTimeEqualHex(expected, chunk.signature)) {
          throw s3Errors.signatureDoesNotMatch({
            AWSAccessKeyId: auth.accessKeyId,
            SignatureProvided: chunk.signature ?? '',
          });
        }
        previous = chunk.signature;
      }
      if (mode === 'streaming-signed-trailer') {
        const expected = trailerSignature(verified.signingKey, auth, previous, decoded.trailers);
        if (decoded.trailerSignature === undefined || !constantTimeEqualHex(expected, decoded.trailerSignature)) {
          throw s3Errors.signatureDoesNotMatch({
            AWSAccessKeyId: auth.accessKeyId,
            SignatureProvided: decoded.trailerSignature ?? '',
          });
        }
      }
    }
    if (decoded.body.length !== Number(declared)) {
      throw new S3Error(
        400,
        'IncompleteBody',
        'You did not provide the number of bytes specified by the Content-Length HTTP header',
      );
    }
    verifyChecksums(decoded.body, [...checksumHeaders(req), ...decoded.trailers]);
    return decoded.body;
  }

  function checksumHeaders(req: http.IncomingMessage): Array<[string, string]> {
    return Object.entries(req.headers)
      .filter(([name]) => name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-type')
      .map(([name, value]) => [name, single(value) ?? '']);
  }

  async function send(
    res: http.ServerResponse,
    reply: S3Reply,
    requestId: string,
    extraHeaders: Record<string, string>,
    method: string,
  ): Promise<void> {
    const headers: http.OutgoingHttpHeaders = {
      ...extraHeaders,
      ...reply.headers,
      'x-amz-request-id': requestId,
      'x-amz-id-2': requestId,
    };
    const body = reply.body;
    if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
      const bytes = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
      headers['content-length'] ??= String(bytes.length);
      res.writeHead(reply.status, headers);
      res.end(method === 'HEAD' ? undefined : bytes);
      return;
    }
    res.writeHead(reply.status, headers);
    if (method === 'HEAD') {
      body.destroy();
      res.end();
      return;
    }
    // A client that goes away mid-answer ends this response only.
    await pipeline(body, res).catch(() => res.destroy());
  }

  const server = http.createServer((req, res) => {
    const requestId = newRequestId();
    const extraHeaders: Record<string, string> = {};
    res.on('error', () => res.destroy());
    handle(req, res, requestId, extraHeaders).catch((error: unknown) => {
      sendError(req, res, error instanceof S3Error ? error : s3Errors.internal(), requestId, extraHeaders);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
