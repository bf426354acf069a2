import { describe, expect, it } from 'vitest';
import { decodeAwsChunked, verifyChecksums } from '../../../../src/lib/sandbox/s3/aws-chunked.js';
import { S3Error } from '../../../../src/lib/sandbox/s3/errors.js';

function s3ErrorOf(fn: () => unknown): S3Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof S3Error) return error;
    throw error;
  }
  throw new Error('expected an S3Error');
}

describe('aws-chunked decoding', () => {
  it('decodes the body the AWS SDK sends for a streamed PutObject with a CRC32 trailer', () => {
    // Captured from @aws-sdk/client-s3 3.1169 (requestChecksumCalculation WHEN_SUPPORTED, stream body).
    const wire = Buffer.from('6\r\nhello \r\n5\r\nworld\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n', 'latin1');
    const decoded = decodeAwsChunked(wire);
    expect(decoded.body.toString()).toBe('hello world');
    expect(decoded.trailers).toEqual([['x-amz-checksum-crc32', 'DUoRhQ==']]);
    expect(decoded.chunks.map((c) => c.data.length)).toEqual([6, 5, 0]);
    expect(() => verifyChecksums(decoded.body, decoded.trailers)).not.toThrow();
  });

  it('a checksum that does not match the body is BadDigest', () => {
    const error = s3ErrorOf(() => verifyChecksums(Buffer.from('hello world!'), [['x-amz-checksum-crc32', 'DUoRhQ==']]));
    expect(error.code).toBe('BadDigest');
    expect(error.message).toBe('The CRC32 you specified did not match the calculated checksum.');
    expect(s3ErrorOf(() => verifyChecksums(Buffer.from('a'), [['x-amz-checksum-sha256', 'AAAA']])).message).toMatch(
      /SHA256/,
    );
  });

  it('keeps chunk signatures and the trailer signature apart from the data', () => {
    const wire = Buffer.from(
      '3;chunk-signature=aaa\r\nabc\r\n0;chunk-signature=bbb\r\nx-amz-checksum-sha256:xyz\r\nx-amz-trailer-signature:ccc\r\n\r\n',
      'latin1',
    );
    const decoded = decodeAwsChunked(wire);
    expect(decoded.chunks.map((c) => c.signature)).toEqual(['aaa', 'bbb']);
    expect(decoded.trailers).toEqual([['x-amz-checksum-sha256', 'xyz']]);
    expect(decoded.trailerSignature).toBe('ccc');
    expect(decoded.body.toString()).toBe('abc');
  });

  it('binary data containing CRLF is taken by length, not by line', () => {
    const data = Buffer.from([0x0d, 0x0a, 0x30, 0x0d, 0x0a, 0xff]);
    const wire = Buffer.concat([Buffer.from('6\r\n'), data, Buffer.from('\r\n0\r\n\r\n')]);
    expect(decodeAwsChunked(wire).body.equals(data)).toBe(true);
  });

  it('truncated or malformed framing is IncompleteBody', () => {
    expect(s3ErrorOf(() => decodeAwsChunked(Buffer.from('a\r\nshort\r\n'))).code).toBe('IncompleteBody');
    expect(s3ErrorOf(() => decodeAwsChunked(Buffer.from('zz\r\nabc\r\n0\r\n\r\n'))).code).toBe('IncompleteBody');
    expect(s3ErrorOf(() => decodeAwsChunked(Buffer.from('3\r\nabcX\r\n0\r\n\r\n'))).code).toBe('IncompleteBody');
    expect(s3ErrorOf(() => decodeAwsChunked(Buffer.from('3\r\nabc\r\n'))).code).toBe('IncompleteBody');
  });
});
