/**
 * The S3 operations the sandbox serves, on its own object store, for requests the gateway has already
 * verified (signature, region, clock, payload). Object operations: PutObject, GetObject, HeadObject,
 * DeleteObject. Bucket operations: ListObjectsV2 (and V1), HeadBucket, GetBucketLocation, plus any bucket
 * sub-resource (`?policy`, `?encryption`, ...) registered in `bucketSubresources`. Service: ListBuckets.
 * Everything else is answered `NotImplemented`, never a false success.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { S3Error, s3Errors } from './errors.js';
import { MAX_KEY_BYTES, keyTooLong, type ObjectStore, type StoredObject } from './object-store.js';

/** A request whose signature the gateway verified. `key` is the decoded object key (absent for bucket requests). */
export interface VerifiedS3Request {
  method: string;
  /** '' for service requests (`GET /`). */
  bucket: string;
  key?: string;
  /** The bucket's region ('' for service requests). */
  region: string;
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  /** The verified (decoded) body; empty when none was sent. */
  body: Buffer;
  /** The access key id that signed the request. */
  accessKeyId: string;
}

export interface S3Reply {
  status: number;
  headers?: Record<string, string>;
  /** A stream is piped to the client (and destroyed if the client goes away). */
  body?: string | Buffer | Readable;
}

export type S3Operation = (request: VerifiedS3Request) => Promise<S3Reply>;

/** Handlers for one bucket sub-resource (`?policy`, `?encryption`, ...), by HTTP method. */
export type BucketSubresourceHandlers = Partial<Record<'GET' | 'PUT' | 'DELETE' | 'POST' | 'HEAD', S3Operation>>;

export interface RouterOptions {
  store: ObjectStore;
  /** The buckets the sandbox serves, with their regions (ListBuckets). */
  buckets(): Array<{ name: string; region: string }>;
  /** Extra bucket sub-resources by query parameter name, e.g. `{ policy: { GET, PUT, DELETE } }`. */
  bucketSubresources?: Record<string, BucketSubresourceHandlers>;
}

const XML_HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n';
const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** Query parameters of plain bucket reads (ListObjects[V2], HeadBucket) and of the SDK. */
const LISTING_PARAMS = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'marker',
  'max-keys',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'x-id',
  'optional-object-attributes',
]);
/** Object-level query parameters that select no sub-resource. */
const OBJECT_PARAMS = new Set(['x-id', 'versionId']);
const RESPONSE_OVERRIDES: Record<string, string> = {
  'response-content-type': 'content-type',
  'response-content-language': 'content-language',
  'response-expires': 'expires',
  'response-cache-control': 'cache-control',
  'response-content-disposition': 'content-disposition',
  'response-content-encoding': 'content-encoding',
};

/** XML element text: &, <, > escaped; characters XML 1.0 cannot carry become numeric references. */
export function xmlText(text: string): string {
  // eslint-disable-next-line no-control-regex -- these control characters are exactly what must be escaped
  return text.replace(/[&<>]|[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : `&#x${c.charCodeAt(0).toString(16)};`,
  );
}

function xmlReply(body: string, headers: Record<string, string> = {}): S3Reply {
  return { status: 200, headers: { 'content-type': 'application/xml', ...headers }, body: XML_HEADER + body };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function httpDate(date: Date): string {
  return date.toUTCString();
}

function isoDate(date: Date): string {
  return date.toISOString();
}

function objectHeaders(object: StoredObject): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': object.contentType,
    etag: object.etag,
    'last-modified': httpDate(object.lastModified),
    'accept-ranges': 'bytes',
  };
  if (object.contentEncoding !== undefined) headers['content-encoding'] = object.contentEncoding;
  for (const [name, value] of Object.entries(object.userMetadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range); undefined = the whole object. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined; // S3 ignores ranges it cannot parse
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) {
    throw new S3Error(416, 'InvalidRange', 'The requested range is not satisfiable', {
      RangeRequested: header,
      ActualObjectSize: String(size),
    });
  }
  return { start, end };
}

function noSuchKey(key: string): S3Error {
  return new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
}

function userMetadata(headers: IncomingHttpHeaders): Record<string, string> {
  const metadata: Record<string, string> = {};
  let size = 0;
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    size += name.length - 'x-amz-meta-'.length + text.length;
    metadata[name.slice('x-amz-meta-'.length)] = text;
  }
  if (size > 2048) {
    throw new S3Error(400, 'MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size.', {
      Size: String(size),
      MaxSizeAllowed: '2048',
    });
  }
  return metadata;
}

/** Continuation tokens are opaque to clients; ours name where the previous page stopped. */
function continuationToken(last: { key: string; isPrefix: boolean }): string {
  return Buffer.from(JSON.stringify(last.isPrefix ? { p: last.key } : { k: last.key }), 'utf8').toString('base64url');
}

function readContinuationToken(token: string): { startAfter: string; skipPrefix?: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { k?: unknown; p?: unknown };
    if (typeof parsed.k === 'string') return { startAfter: parsed.k };
    if (typeof parsed.p === 'string') return { startAfter: parsed.p, skipPrefix: parsed.p };
  } catch {
    // fall through
  }
  throw s3Errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
}

function maxKeysOf(query: Record<string, string | string[]>): number {
  const raw = first(query['max-keys']);
  if (raw === undefined) return 1000;
  if (!/^\d+$/.test(raw))
    throw s3Errors.invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', raw);
  return Math.min(Number(raw), 1000);
}

function listObjects(store: ObjectStore, request: VerifiedS3Request): S3Reply {
  const { query, bucket } = request;
  const v2 = first(query['list-type']) === '2';
  const encoding = first(query['encoding-type']);
  if (encoding !== undefined && encoding !== 'url') {
    throw s3Errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encoding);
  }
  // With encoding-type=url, S3 URL-encodes keys and prefixes in the answer (slashes kept).
  const out = (text: string) => xmlText(encoding === 'url' ? encodeURIComponent(text).replace(/%2F/g, '/') : text);
  const prefix = first(query.prefix) ?? '';
  const delimiter = first(query.delimiter) ?? '';
  const maxKeys = maxKeysOf(query);
  let startAfter: string | undefined;
  let skipPrefix: string | undefined;
  const token = v2 ? first(query['continuation-token']) : undefined;
  if (token !== undefined) ({ startAfter, skipPrefix } = readContinuationToken(token));
  else startAfter = first(query[v2 ? 'start-after' : 'marker']) || undefined;

  const page = store.list(bucket, {
    prefix,
    delimiter,
    maxKeys,
    ...(startAfter === undefined ? {} : { startAfter }),
    ...(skipPrefix === undefined ? {} : { skipPrefix }),
  });
  const contents = page.contents
    .map(
      (o) =>
        `<Contents><Key>${out(o.key)}</Key><LastModified>${isoDate(o.lastModified)}</LastModified>` +
        `<ETag>${xmlText(o.etag)}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join('');
  const prefixes = page.commonPrefixes
    .map((p) => `<CommonPrefixes><Prefix>${out(p)}</Prefix></CommonPrefixes>`)
    .join('');
  let paging: string;
  const startAfterParam = first(query['start-after']);
  if (v2) {
    paging =
      `<KeyCount>${page.contents.length + page.commonPrefixes.length}</KeyCount>` +
      (token === undefined ? '' : `<ContinuationToken>${xmlText(token)}</ContinuationToken>`) +
      (page.isTruncated && page.last
        ? `<NextContinuationToken>${continuationToken(page.last)}</NextContinuationToken>`
        : '') +
      (startAfterParam ? `<StartAfter>${out(startAfterParam)}</StartAfter>` : '');
  } else {
    paging =
      `<Marker>${out(first(query.marker) ?? '')}</Marker>` +
      (page.isTruncated && page.last && delimiter !== '' ? `<NextMarker>${out(page.last.key)}</NextMarker>` : '');
  }
  return xmlReply(
    `<ListBucketResult xmlns="${S3_NS}"><Name>${xmlText(bucket)}</Name><Prefix>${out(prefix)}</Prefix>` +
      paging +
      `<MaxKeys>${maxKeys}</MaxKeys>` +
      (delimiter === '' ? '' : `<Delimiter>${out(delimiter)}</Delimiter>`) +
      (encoding === undefined ? '' : `<EncodingType>url</EncodingType>`) +
      `<IsTruncated>${page.isTruncated}</IsTruncated>${contents}${prefixes}</ListBucketResult>`,
  );
}

async function objectOperation(store: ObjectStore, request: VerifiedS3Request): Promise<S3Reply> {
  const { bucket, method, query, headers } = request;
  const key = request.key ?? '';
  if (keyTooLong(key)) {
    throw new S3Error(400, 'KeyTooLongError', 'Your key is too long', {
      MaxSizeAllowed: String(MAX_KEY_BYTES),
      Size: String(Buffer.byteLength(key, 'utf8')),
    });
  }
  const subresources = Object.keys(query).filter(
    (name) => !OBJECT_PARAMS.has(name) && !name.startsWith('X-Amz-') && !Object.hasOwn(RESPONSE_OVERRIDES, name),
  );
  if (subresources.length > 0 || headers['x-amz-copy-source'] !== undefined) throw s3Errors.notImplemented();

  switch (method) {
    case 'PUT': {
      // aws-chunked is transfer framing the gateway already decoded: it is not the object's encoding.
      const contentEncoding = (first(headers['content-encoding']) ?? '')
        .split(',')
        .map((e) => e.trim())
        .filter((e) => e !== '' && e !== 'aws-chunked')
        .join(', ');
      const stored = await store.put(bucket, key, request.body, {
        ...(headers['content-type'] === undefined ? {} : { contentType: headers['content-type'] }),
        ...(contentEncoding === '' ? {} : { contentEncoding }),
        userMetadata: userMetadata(headers),
      });
      return { status: 200, headers: { etag: stored.etag } };
    }
    case 'GET':
    case 'HEAD': {
      const opened = method === 'GET' ? await store.openObject(bucket, key) : undefined;
      const object = opened?.object ?? store.head(bucket, key);
      if (!object) throw noSuchKey(key);
      let range: { start: number; end: number } | undefined;
      try {
        range = parseRange(first(headers.range), object.size);
      } catch (error) {
        await opened?.handle.close();
        throw error;
      }
      const replyHeaders = objectHeaders(object);
      for (const [param, header] of Object.entries(RESPONSE_OVERRIDES)) {
        const value = first(query[param]);
        if (value !== undefined) replyHeaders[header] = value;
      }
      const start = range?.start ?? 0;
      const end = range?.end ?? object.size - 1;
      replyHeaders['content-length'] = String(Math.max(0, end - start + 1));
      if (range) replyHeaders['content-range'] = `bytes ${start}-${end}/${object.size}`;
      const status = range ? 206 : 200;
      if (!opened) return { status, headers: replyHeaders };
      if (object.size === 0) {
        await opened.handle.close();
        return { status, headers: replyHeaders, body: Buffer.alloc(0) };
      }
      return { status, headers: replyHeaders, body: opened.handle.createReadStream({ start, end, autoClose: true }) };
    }
    case 'DELETE':
      await store.delete(bucket, key);
      return { status: 204 };
    default:
      throw s3Errors.notImplemented();
  }
}

export function createRouter(options: RouterOptions): (request: VerifiedS3Request) => Promise<S3Reply> {
  const { store } = options;
  const subresourceHandlers: Record<string, BucketSubresourceHandlers> = {
    location: {
      GET: (request) =>
        Promise.resolve(
          // S3 answers an empty LocationConstraint for us-east-1.
          xmlReply(
            `<LocationConstraint xmlns="${S3_NS}">${request.region === 'us-east-1' ? '' : xmlText(request.region)}</LocationConstraint>`,
          ),
        ),
    },
    ...(options.bucketSubresources ?? {}),
  };

  return async (request) => {
    const { bucket, method } = request;
    if (bucket === '') {
      if (method !== 'GET') throw s3Errors.notImplemented();
      const buckets = options
        .buckets()
        .map(
          (b) =>
            `<Bucket><Name>${xmlText(b.name)}</Name><CreationDate>1970-01-01T00:00:00.000Z</CreationDate><BucketRegion>${xmlText(b.region)}</BucketRegion></Bucket>`,
        )
        .join('');
      return xmlReply(
        `<ListAllMyBucketsResult xmlns="${S3_NS}"><Owner><ID>sandbox</ID></Owner><Buckets>${buckets}</Buckets></ListAllMyBucketsResult>`,
      );
    }
    if (!store.hasBucket(bucket)) throw s3Errors.noSuchBucket(bucket);
    if (request.key !== undefined) return objectOperation(store, request);

    const subresources = Object.keys(request.query).filter(
      (name) => !LISTING_PARAMS.has(name) && !name.startsWith('X-Amz-'),
    );
    const [name, ...more] = subresources;
    if (more.length > 0) throw s3Errors.notImplemented();
    if (name !== undefined) {
      const handlers = Object.hasOwn(subresourceHandlers, name) ? subresourceHandlers[name] : undefined;
      const handler =
        handlers && Object.hasOwn(handlers, method) ? handlers[method as keyof BucketSubresourceHandlers] : undefined;
      if (!handler) throw s3Errors.notImplemented();
      return handler(request);
    }
    switch (method) {
      case 'GET':
        return listObjects(store, request);
      case 'HEAD':
        return { status: 200 };
      case 'PUT':
      case 'DELETE':
        throw s3Errors.accessDenied(
          'Access Denied (the sandbox S3 serves a fixed set of buckets: CreateBucket and DeleteBucket are not allowed)',
        );
      default:
        throw s3Errors.notImplemented();
    }
  };
}
