/**
 * aws-chunked bodies (`Content-Encoding: aws-chunked`), which the AWS SDK sends for streamed uploads
 * with flexible checksums (STREAMING-UNSIGNED-PAYLOAD-TRAILER) and older SDKs send with per-chunk
 * signatures (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]). The gateway verifies and decodes it, so the
 * object store keeps the plain body (never the framing: the "corrupted stream" trap).
 *
 *   <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0[;chunk-signature=<sig>]\r\n[<trailer>:<value>\r\n]*\r\n
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { S3Error } from './errors.js';

export interface DecodedChunks {
  chunks: Array<{ data: Buffer; signature?: string }>;
  /** Trailing headers, lower-cased names, in order (x-amz-trailer-signature excluded). */
  trailers: Array<[string, string]>;
  trailerSignature?: string;
  body: Buffer;
}

const CRLF = Buffer.from('\r\n');

function malformed(detail: string): S3Error {
  return new S3Error(400, 'IncompleteBody', `The request body could not be decoded as aws-chunked: ${detail}`);
}

export function decodeAwsChunked(encoded: Buffer): DecodedChunks {
  const chunks: DecodedChunks['chunks'] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = encoded.indexOf(CRLF, pos);
    if (lineEnd === -1) throw malformed('a chunk header is not terminated by CRLF');
    const [sizeHex = '', ...extensions] = encoded.subarray(pos, lineEnd).toString('latin1').split(';');
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeHex.trim())) throw malformed(`invalid chunk size "${sizeHex}"`);
    const size = parseInt(sizeHex.trim(), 16);
    const signature = extensions
      .map((e) => e.trim())
      .find((e) => e.startsWith('chunk-signature='))
      ?.slice('chunk-signature='.length);
    pos = lineEnd + 2;
    if (size === 0) {
      chunks.push({ data: Buffer.alloc(0), ...(signature === undefined ? {} : { signature }) });
      break;
    }
    if (pos + size + 2 > encoded.length) throw malformed('a chunk is shorter than its declared size');
    const data = encoded.subarray(pos, pos + size);
    if (!encoded.subarray(pos + size, pos + size + 2).equals(CRLF)) throw malformed('a chunk is not followed by CRLF');
    chunks.push({ data, ...(signature === undefined ? {} : { signature }) });
    pos += size + 2;
  }
  const trailers: Array<[string, string]> = [];
  let trailerSignature: string | undefined;
  while (pos < encoded.length) {
    let lineEnd = encoded.indexOf(CRLF, pos);
    if (lineEnd === -1) lineEnd = encoded.length; // tolerate a missing final CRLF
    const line = encoded.subarray(pos, lineEnd).toString('latin1');
    pos = lineEnd + 2;
    if (line === '') break;
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed(`invalid trailer "${line}"`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') trailerSignature = value;
    else trailers.push([name, value]);
  }
  return {
    chunks,
    trailers,
    ...(trailerSignature === undefined ? {} : { trailerSignature }),
    body: Buffer.concat(chunks.map((c) => c.data)),
  };
}

/** Algorithms whose x-amz-checksum-* we can recompute with node alone (crc32c/crc64nvme are passed unchecked). */
const CHECKSUMS: Record<string, { label: string; compute: (body: Buffer) => string }> = {
  'x-amz-checksum-crc32': {
    label: 'CRC32',
    compute: (body) => {
      const out = Buffer.alloc(4);
      out.writeUInt32BE(crc32(body) >>> 0);
      return out.toString('base64');
    },
  },
  'x-amz-checksum-sha1': { label: 'SHA1', compute: (body) => createHash('sha1').update(body).digest('base64') },
  'x-amz-checksum-sha256': { label: 'SHA256', compute: (body) => createHash('sha256').update(body).digest('base64') },
};

/** Verifies the x-amz-checksum-* values a client sent (as headers or trailers); S3 answers BadDigest on a mismatch. */
export function verifyChecksums(body: Buffer, values: Array<[string, string]>): void {
  for (const [name, value] of values) {
    const checksum = CHECKSUMS[name];
    if (checksum && checksum.compute(body) !== value) {
      throw new S3Error(400, 'BadDigest', `The ${checksum.label} you specified did not match the calculated checksum.`);
    }
  }
}
