import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Error } from '../../../../src/lib/sandbox/s3/errors.js';
import {
  canonicalPath,
  chunkSignature,
  parseAuth,
  parseQuery,
  verifySignature,
  type IncomingRequestParts,
} from '../../../../src/lib/sandbox/s3/sigv4.js';

// AWS's documented SigV4-for-S3 examples ("Signature Calculations for the Authorization Header" and
// "Authenticating Requests: Using Query Parameters"): independent of both our code and the SDK.
const DOC_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const docAuth = (signedHeaders: string, signature: string) =>
  `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=${signedHeaders},Signature=${signature}`;

function partsOf(method: string, url: string, headers: Record<string, string>): IncomingRequestParts {
  const q = url.indexOf('?');
  return { method, rawPath: q === -1 ? url : url.slice(0, q), rawQuery: q === -1 ? '' : url.slice(q + 1), headers };
}

async function verify(parts: IncomingRequestParts, secret: string, payloadHash?: string) {
  const query = parseQuery(parts.rawQuery);
  const auth = parseAuth(parts, query);
  if (!auth) throw new Error('no auth');
  const hash =
    payloadHash ?? (auth.form === 'query' ? 'UNSIGNED-PAYLOAD' : String(parts.headers['x-amz-content-sha256']));
  return { auth, result: await verifySignature(parts, query, auth, secret, hash) };
}

function expectS3Error(fn: () => unknown, code: string, message?: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(S3Error);
    expect((error as S3Error).code).toBe(code);
    if (message) expect((error as S3Error).message).toMatch(message);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('SigV4 verification against AWS documented examples', () => {
  const examples: Array<{ name: string; parts: IncomingRequestParts }> = [
    {
      name: 'GET object with Range',
      parts: partsOf('GET', '/test.txt', {
        host: 'examplebucket.s3.amazonaws.com',
        range: 'bytes=0-9',
        'x-amz-content-sha256': EMPTY,
        'x-amz-date': '20130524T000000Z',
        authorization: docAuth(
          'host;range;x-amz-content-sha256;x-amz-date',
          'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
        ),
      }),
    },
    {
      name: 'PUT object with a signed Date header and an escaped key',
      parts: partsOf('PUT', '/test%24file.text', {
        host: 'examplebucket.s3.amazonaws.com',
        date: 'Fri, 24 May 2013 00:00:00 GMT',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY',
        'x-amz-content-sha256': '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072',
        'x-amz-date': '20130524T000000Z',
        authorization: docAuth(
          'date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class',
          '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd',
        ),
      }),
    },
    {
      name: 'GET bucket lifecycle (valueless sub-resource)',
      parts: partsOf('GET', '/?lifecycle', {
        host: 'examplebucket.s3.amazonaws.com',
        'x-amz-content-sha256': EMPTY,
        'x-amz-date': '20130524T000000Z',
        authorization: docAuth(
          'host;x-amz-content-sha256;x-amz-date',
          'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
        ),
      }),
    },
    {
      name: 'list objects (sorted query)',
      parts: partsOf('GET', '/?max-keys=2&prefix=J', {
        host: 'examplebucket.s3.amazonaws.com',
        'x-amz-content-sha256': EMPTY,
        'x-amz-date': '20130524T000000Z',
        authorization: docAuth(
          'host;x-amz-content-sha256;x-amz-date',
          '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
        ),
      }),
    },
    {
      name: 'presigned GET URL',
      parts: partsOf(
        'GET',
        '/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
        { host: 'examplebucket.s3.amazonaws.com' },
      ),
    },
  ];

  for (const { name, parts } of examples) {
    it(`${name}: verifies with the secret, not with another`, async () => {
      expect((await verify(parts, DOC_SECRET)).result.ok).toBe(true);
      expect((await verify(parts, `${DOC_SECRET}x`)).result.ok).toBe(false);
    });
  }

  it('a changed signed header breaks the signature', async () => {
    const parts = examples[0]!.parts;
    const tampered = { ...parts, headers: { ...parts.headers, range: 'bytes=0-99' } };
    expect((await verify(tampered, DOC_SECRET)).result.ok).toBe(false);
  });

  it('chains aws-chunked chunk signatures like the documented STREAMING-AWS4-HMAC-SHA256-PAYLOAD example', async () => {
    const parts = partsOf('PUT', '/examplebucket/chunkObject.txt', {
      host: 's3.amazonaws.com',
      'x-amz-date': '20130524T000000Z',
      'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'content-encoding': 'aws-chunked',
      'content-length': '66824',
      'x-amz-decoded-content-length': '66560',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      authorization: docAuth(
        'content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
        '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
      ),
    });
    const { auth, result } = await verify(parts, DOC_SECRET);
    expect(result.ok).toBe(true);
    const first = chunkSignature(result.signingKey, auth, auth.signature, Buffer.alloc(65536, 'a'));
    const second = chunkSignature(result.signingKey, auth, first, Buffer.alloc(1024, 'a'));
    const last = chunkSignature(result.signingKey, auth, second, Buffer.alloc(0));
    expect([first, second, last]).toEqual([
      'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
      '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
      'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
    ]);
  });
});

describe('SigV4 verification of requests signed by the AWS SDK', () => {
  // A plain HTTP server records what @aws-sdk/client-s3 sends to a custom endpoint.
  const captured: IncomingRequestParts[] = [];
  let server: http.Server | undefined;
  let client: S3Client | undefined;
  const secret = 'sdk/Secret+Key=123';

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      captured.push({
        method: req.method ?? 'GET',
        rawPath: q === -1 ? url : url.slice(0, q),
        rawQuery: q === -1 ? '' : url.slice(q + 1),
        headers: req.headers,
      });
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(req.method === 'GET' && url.includes('list-type') ? '<ListBucketResult></ListBucketResult>' : '');
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new S3Client({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'eu-central-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKIASDKSIGNED', secretAccessKey: secret },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
    await client.send(
      new PutObjectCommand({
        Bucket: 'bucket-a',
        Key: 'dir/a b(1)+ü~!.json',
        Body: '{"x":1}',
        ContentType: 'application/json',
      }),
    );
    await client.send(new ListObjectsV2Command({ Bucket: 'bucket-a', Prefix: 'dir/sub dir/', MaxKeys: 5 }));
    await client
      .send(new GetObjectCommand({ Bucket: 'bucket-a', Key: 'dir/x.json', Range: 'bytes=0-3' }))
      .catch(() => undefined);
  });

  afterAll(async () => {
    client?.destroy();
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
  });

  it('captured a PutObject, a ListObjectsV2 and a GetObject', () => {
    expect(captured.map((c) => c.method)).toEqual(['PUT', 'GET', 'GET']);
  });

  it('verifies each with the right secret, and parses the credential scope', async () => {
    for (const parts of captured) {
      const { auth, result } = await verify(parts, secret);
      expect(auth).toMatchObject({
        form: 'header',
        accessKeyId: 'AKIASDKSIGNED',
        region: 'eu-central-1',
        service: 's3',
      });
      expect(result.ok, result.canonicalRequest).toBe(true);
    }
  });

  it('rejects each with a wrong secret', async () => {
    for (const parts of captured) expect((await verify(parts, 'not-the-secret')).result.ok).toBe(false);
  });

  it('rejects a changed path, query or payload hash', async () => {
    const [put, list] = captured as [IncomingRequestParts, IncomingRequestParts];
    expect((await verify({ ...put, rawPath: put.rawPath.replace('bucket-a', 'bucket-b') }, secret)).result.ok).toBe(
      false,
    );
    expect(
      (await verify({ ...list, rawQuery: list.rawQuery.replace('max-keys=5', 'max-keys=6') }, secret)).result.ok,
    ).toBe(false);
    expect((await verify(put, secret, EMPTY)).result.ok).toBe(false);
  });
});

describe('SigV4 parsing errors (S3 codes)', () => {
  const base = { host: 'h', 'x-amz-date': '20240101T000000Z', 'x-amz-content-sha256': EMPTY };
  const parse =
    (authorization: string, extra: Record<string, string> = {}) =>
    () => {
      const parts = partsOf('GET', '/b/k', { ...base, authorization, ...extra });
      return parseAuth(parts, parseQuery(parts.rawQuery));
    };

  it('no auth at all is anonymous (null)', () => {
    expect(parseAuth(partsOf('GET', '/b/k', { host: 'h' }), {})).toBeNull();
  });

  it('a missing component, a bad credential, another service, a date mismatch: AuthorizationHeaderMalformed', () => {
    expectS3Error(
      parse('AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/s3/aws4_request, Signature=ab'),
      'AuthorizationHeaderMalformed',
      /three components/,
    );
    expectS3Error(
      parse('AWS4-HMAC-SHA256 Credential=AK/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab'),
      'AuthorizationHeaderMalformed',
      /Credential is mal-formed/,
    );
    expectS3Error(
      parse('AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=ab'),
      'AuthorizationHeaderMalformed',
      /incorrect service "ec2"/,
    );
    expectS3Error(
      parse('AWS4-HMAC-SHA256 Credential=AK/20240102/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab'),
      'AuthorizationHeaderMalformed',
      /Invalid credential date/,
    );
  });

  it('SigV2 is an unsupported authorization type; no x-amz-date is AccessDenied', () => {
    expectS3Error(parse('AWS AKID:c2lnbmF0dXJl'), 'InvalidArgument', /Unsupported Authorization Type/);
    expectS3Error(
      parse('AWS4-HMAC-SHA256 Credential=AK/20240101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab', {
        'x-amz-date': 'yesterday',
      }),
      'AccessDenied',
      /x-amz-date/,
    );
  });

  it('header and query auth together, or an incomplete presigned query, are rejected', () => {
    const both = partsOf('GET', '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256', {
      ...base,
      authorization: 'AWS4-HMAC-SHA256 x',
    });
    expectS3Error(() => parseAuth(both, parseQuery(both.rawQuery)), 'InvalidArgument', /Only one auth mechanism/);
    const partial = partsOf('GET', '/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab', { host: 'h' });
    expectS3Error(
      () => parseAuth(partial, parseQuery(partial.rawQuery)),
      'AuthorizationQueryParametersError',
      /requires the X-Amz-Algorithm/,
    );
  });

  it('canonical paths encode each segment once, however the client escaped it', () => {
    expect(canonicalPath('/b/a%20b(1).txt')).toBe('/b/a%20b%281%29.txt');
    expect(canonicalPath('/b/a%20b%281%29.txt')).toBe('/b/a%20b%281%29.txt');
    expect(canonicalPath('/b/dir/%C3%BC~')).toBe('/b/dir/%C3%BC~');
  });
});
