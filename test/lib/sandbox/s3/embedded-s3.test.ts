import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateBucketCommand,
  GetBucketLocationCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { SignatureV4, getSigningKey } from '@smithy/signature-v4';
import {
  putObject,
  startEmbeddedS3,
  writeProbe,
  S3RequestError,
  type EmbeddedS3,
} from '../../../../src/lib/sandbox/s3/index.js';
import { NodeSha256, chunkSignature } from '../../../../src/lib/sandbox/s3/sigv4.js';

const BUCKET = 'audit-bucket';
const REGION = 'eu-west-1';
const KEY = {
  accessKeyId: 'AKIASANDBOXTEST01',
  secretAccessKey: 'sandbox/Secret+Key/01',
  principalArn: 'arn:aws:iam::111122223333:user/exporter',
};

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** A PUT to the embedded S3 signed (by the SDK's own signer) for a body with this content; host header left to fetch. */
async function signedPut(
  endpoint: string,
  key: string,
  signedBody: string,
): Promise<{ url: URL; headers: Record<string, string> }> {
  const url = new URL(`${endpoint}/${BUCKET}/${key}`);
  const signer = new SignatureV4({
    service: 's3',
    region: REGION,
    credentials: KEY,
    sha256: NodeSha256,
    uriEscapePath: false,
  });
  const signed = await signer.sign({
    method: 'PUT',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: {},
    headers: { host: url.host, 'x-amz-content-sha256': sha256(signedBody) },
  });
  const { host: _host, ...headers } = signed.headers;
  return { url, headers };
}

describe('embedded S3 (object store behind the verifying gateway)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'immuta-s3-test-'));
  let s3: EmbeddedS3 | undefined;
  const clients: S3Client[] = [];

  function embedded(): EmbeddedS3 {
    if (!s3) throw new Error('embedded S3 did not start');
    return s3;
  }
  function client(overrides: Partial<S3ClientConfig> = {}): S3Client {
    const c = new S3Client({
      endpoint: embedded().endpoint,
      region: REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: KEY.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 1,
      ...overrides,
    });
    clients.push(c);
    return c;
  }
  async function readBack(key: string): Promise<Buffer> {
    const out = await client().send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  }
  async function failure(
    promise: Promise<unknown>,
  ): Promise<{ name: string; message: string; status?: number; error: Record<string, unknown> }> {
    try {
      await promise;
    } catch (error) {
      const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
      return {
        name: e.name,
        message: e.message,
        status: e.$metadata?.httpStatusCode,
        error: error as Record<string, unknown>,
      };
    }
    throw new Error('expected the request to fail');
  }
  const target = () => ({ endpoint: embedded().endpoint, bucket: BUCKET, region: REGION, credentials: KEY });

  beforeAll(async () => {
    s3 = await startEmbeddedS3({
      dataDir,
      buckets: [
        { name: BUCKET, region: REGION },
        { name: 'us-bucket', region: 'us-east-1' },
      ],
    });
    s3.addCredential(KEY);
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await s3?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on loopback with a free port', () => {
    expect(embedded().endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  describe('writes with a registered key are stored byte for byte', () => {
    it('a string body', async () => {
      await client().send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'bytes/string.json',
          Body: '{"event":"ü"}\n',
          ContentType: 'application/json',
        }),
      );
      expect((await readBack('bytes/string.json')).toString('utf8')).toBe('{"event":"ü"}\n');
      expect((await embedded().getObject(BUCKET, 'bytes/string.json')).toString('utf8')).toBe('{"event":"ü"}\n');
    });

    const big = Buffer.alloc(1024 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 8)) & 0xff;

    it('a ~1 MB Buffer body (payload hash verified)', async () => {
      await client().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'bytes/buffer.bin', Body: big }));
      expect(sha256(await readBack('bytes/buffer.bin'))).toBe(sha256(big));
    });

    it('a ~1 MB stream body (UNSIGNED-PAYLOAD, streamed through)', async () => {
      const chunks = [big.subarray(0, 100_000), big.subarray(100_000, 700_000), big.subarray(700_000)];
      await client().send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'bytes/stream.bin',
          Body: Readable.from(chunks),
          ContentLength: big.length,
        }),
      );
      expect(sha256(await embedded().getObject(BUCKET, 'bytes/stream.bin'))).toBe(sha256(big));
    });

    it('a stream with the SDK default checksums (aws-chunked + CRC32 trailer) is decoded, not stored framed', async () => {
      // The trap: stored without decoding, this body would keep its chunk framing.
      const chunks = [big.subarray(0, 300_000), big.subarray(300_000)];
      const c = client({ requestChecksumCalculation: 'WHEN_SUPPORTED' });
      await c.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: 'bytes/chunked.bin',
          Body: Readable.from(chunks),
          ContentLength: big.length,
        }),
      );
      const stored = await embedded().getObject(BUCKET, 'bytes/chunked.bin');
      expect(stored.length).toBe(big.length);
      expect(sha256(stored)).toBe(sha256(big));
      const head = await c.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'bytes/chunked.bin' }));
      expect(head.ContentEncoding ?? '').not.toContain('aws-chunked');
      await head.Body?.transformToByteArray();
    });

    it('a gzip body written by putObject keeps its bytes and Content-Encoding', async () => {
      const lines = Array.from({ length: 500 }, (_, i) => JSON.stringify({ id: i, action: 'QUERY' })).join('\n') + '\n';
      const gz = gzipSync(lines);
      await putObject({
        ...target(),
        key: 'bytes/events.json.gz',
        body: gz,
        contentType: 'application/x-ndjson',
        contentEncoding: 'gzip',
      });
      const out = await client().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'bytes/events.json.gz' }));
      expect(out.ContentEncoding).toBe('gzip');
      const back = Buffer.from(await out.Body!.transformToByteArray());
      expect(back.equals(gz)).toBe(true);
      expect(gunzipSync(back).toString()).toBe(lines);
    });

    it('requests signed by an independent signer (curl --aws-sigv4) are accepted too', async (ctx) => {
      const curl = (args: string[]) =>
        new Promise<{ ok: boolean; out: string }>((resolve) =>
          execFile('curl', args, (err, out) => resolve({ ok: !err, out: String(out) })),
        );
      const version = await curl(['--version']);
      if (!version.ok || !/curl (7\.(7[5-9]|[89]\d)|[89]\.)/.test(version.out)) ctx.skip();
      const url = `${embedded().endpoint}/${BUCKET}/curl/object.txt`;
      const sign = [
        '--aws-sigv4',
        `aws:amz:${REGION}:s3`,
        '--user',
        `${KEY.accessKeyId}:${KEY.secretAccessKey}`,
        '-H',
        'x-amz-content-sha256: UNSIGNED-PAYLOAD',
      ];
      const put = await curl([
        '-sS',
        '-o',
        '/dev/null',
        '-w',
        '%{http_code}',
        '-X',
        'PUT',
        '--data-binary',
        'from curl',
        ...sign,
        url,
      ]);
      expect(put.out).toBe('200');
      expect((await embedded().getObject(BUCKET, 'curl/object.txt')).toString()).toBe('from curl');
      const bad = await curl([
        '-sS',
        '--aws-sigv4',
        `aws:amz:${REGION}:s3`,
        '--user',
        `${KEY.accessKeyId}:wrong`,
        '-H',
        'x-amz-content-sha256: UNSIGNED-PAYLOAD',
        url,
      ]);
      expect(bad.out).toContain('<Code>SignatureDoesNotMatch</Code>');
    });
  });

  describe('refuses what AWS S3 refuses, with S3 error codes', () => {
    it('unknown key id: InvalidAccessKeyId', async () => {
      const f = await failure(
        client({ credentials: { accessKeyId: 'AKIAUNKNOWN0000000', secretAccessKey: 'x' } }).send(
          new PutObjectCommand({ Bucket: BUCKET, Key: 'no/1', Body: 'x' }),
        ),
      );
      expect(f).toMatchObject({
        name: 'InvalidAccessKeyId',
        status: 403,
        message: 'The AWS Access Key Id you provided does not exist in our records.',
      });
    });

    it('right key, wrong secret: SignatureDoesNotMatch', async () => {
      const f = await failure(
        client({ credentials: { accessKeyId: KEY.accessKeyId, secretAccessKey: 'wrong-secret' } }).send(
          new PutObjectCommand({ Bucket: BUCKET, Key: 'no/2', Body: 'x' }),
        ),
      );
      expect(f).toMatchObject({
        name: 'SignatureDoesNotMatch',
        status: 403,
        message:
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      });
      expect(String(f.error.CanonicalRequest)).toContain('/audit-bucket/no/2');
    });

    it('signed for another region: AuthorizationHeaderMalformed naming both regions', async () => {
      const f = await failure(
        client({ region: 'us-west-2' }).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'no/3', Body: 'x' })),
      );
      expect(f).toMatchObject({
        name: 'AuthorizationHeaderMalformed',
        status: 400,
        message: "The authorization header is malformed; the region 'us-west-2' is wrong; expecting 'eu-west-1'",
      });
      expect(f.error.Region).toBe('eu-west-1');
    });

    it('a bucket that does not exist: NoSuchBucket', async () => {
      const f = await failure(
        client().send(new PutObjectCommand({ Bucket: 'missing-bucket', Key: 'no/4', Body: 'x' })),
      );
      expect(f).toMatchObject({ name: 'NoSuchBucket', status: 404, message: 'The specified bucket does not exist' });
    });

    it('an unsigned PUT (plain fetch, like curl without --aws-sigv4): AccessDenied, nothing stored', async () => {
      const response = await fetch(`${embedded().endpoint}/${BUCKET}/anonymous.txt`, {
        method: 'PUT',
        body: 'anonymous',
      });
      expect(response.status).toBe(403);
      const body = await response.text();
      expect(body).toMatch(
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message>.*<RequestId>[0-9A-F]+<\/RequestId>/s,
      );
      expect((await embedded().listObjects(BUCKET)).map((o) => o.key)).not.toContain('anonymous.txt');
    });

    it('a body that does not match the signed x-amz-content-sha256: XAmzContentSHA256Mismatch, nothing stored', async () => {
      const { url, headers } = await signedPut(embedded().endpoint, 'tampered.txt', 'signed body');
      const response = await fetch(url, { method: 'PUT', headers, body: 'other body!' });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
      expect((await embedded().listObjects(BUCKET)).map((o) => o.key)).not.toContain('tampered.txt');
    });

    it('an x-amz-* header outside the signature: AccessDenied naming it', async () => {
      const { url, headers } = await signedPut(embedded().endpoint, 'unsigned-header.txt', 'body');
      const response = await fetch(url, {
        method: 'PUT',
        headers: { ...headers, 'x-amz-meta-owner': 'someone-else' },
        body: 'body',
      });
      expect(response.status).toBe(403);
      const text = await response.text();
      expect(text).toContain('<Message>There were headers present in the request which were not signed</Message>');
      expect(text).toContain('<HeadersNotSigned>x-amz-meta-owner</HeadersNotSigned>');
    });

    it('a PutObject stream of unknown length: MissingContentLength (411), like S3', async () => {
      const f = await failure(
        client().send(
          new PutObjectCommand({ Bucket: BUCKET, Key: 'no/6', Body: Readable.from([Buffer.from('no length')]) }),
        ),
      );
      expect(f).toMatchObject({ name: 'MissingContentLength', status: 411 });
    });

    it('a client clock 1 h off: RequestTimeTooSkewed', async () => {
      const f = await failure(
        client({ systemClockOffset: -3600_000 }).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'no/5', Body: 'x' })),
      );
      expect(f).toMatchObject({ name: 'RequestTimeTooSkewed', status: 403 });
    });

    it('CreateBucket is not allowed: the bucket set is fixed', async () => {
      const f = await failure(client().send(new CreateBucketCommand({ Bucket: BUCKET })));
      expect(f).toMatchObject({ name: 'AccessDenied', status: 403 });
    });

    it('a bucket sub-resource the sandbox does not serve is NotImplemented, not a false empty 200', async () => {
      const f = await failure(client().send(new GetBucketVersioningCommand({ Bucket: BUCKET })));
      expect(f).toMatchObject({ name: 'NotImplemented', status: 501 });
    });
  });

  describe('signed streaming uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)', () => {
    async function chunkedPut(key: string, chunks: Buffer[], corrupt: boolean) {
      const url = new URL(`${embedded().endpoint}/${BUCKET}/${key}`);
      const total = chunks.reduce((n, c) => n + c.length, 0);
      const signingDate = new Date();
      const signer = new SignatureV4({
        service: 's3',
        region: REGION,
        credentials: KEY,
        sha256: NodeSha256,
        uriEscapePath: false,
      });
      const signed = await signer.sign(
        {
          method: 'PUT',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          query: {},
          headers: {
            host: url.host,
            'content-encoding': 'aws-chunked',
            'x-amz-decoded-content-length': String(total),
            'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          },
        },
        { signingDate },
      );
      const seed = /Signature=([0-9a-f]+)/.exec(String(signed.headers.authorization))![1]!;
      const longDate = String(signed.headers['x-amz-date']);
      const auth = {
        form: 'header' as const,
        accessKeyId: KEY.accessKeyId,
        scopeDate: longDate.slice(0, 8),
        region: REGION,
        service: 's3',
        longDate,
        signedHeaders: [],
        signature: seed,
      };
      const key_ = await getSigningKey(NodeSha256, KEY, auth.scopeDate, REGION, 's3');
      let previous = seed;
      const parts: Buffer[] = [];
      for (const data of [...chunks, Buffer.alloc(0)]) {
        const signature = chunkSignature(key_, auth, previous, data);
        previous = signature;
        const sent =
          corrupt && data.length > 0 ? Buffer.concat([data.subarray(0, data.length - 1), Buffer.from('!')]) : data;
        parts.push(
          Buffer.from(`${data.length.toString(16)};chunk-signature=${signature}\r\n`),
          sent,
          Buffer.from('\r\n'),
        );
      }
      const { host: _host, ...headers } = signed.headers;
      return fetch(url, { method: 'PUT', headers, body: Buffer.concat(parts) });
    }

    it('verifies every chunk signature and stores the decoded body', async () => {
      const response = await chunkedPut(
        'signed/chunks.txt',
        [Buffer.from('first chunk, '), Buffer.from('second chunk')],
        false,
      );
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect((await embedded().getObject(BUCKET, 'signed/chunks.txt')).toString()).toBe('first chunk, second chunk');
    });

    it('a chunk altered in transit: SignatureDoesNotMatch, nothing stored', async () => {
      const response = await chunkedPut('signed/altered.txt', [Buffer.from('payload')], true);
      expect(response.status).toBe(403);
      expect(await response.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
      expect((await embedded().listObjects(BUCKET, 'signed/')).map((o) => o.key)).toEqual(['signed/chunks.txt']);
    });
  });

  describe('presigned URLs', () => {
    async function presignedGet(key: string, signingDate: Date, expiresIn: number, region = REGION): Promise<Response> {
      const url = new URL(`${embedded().endpoint}/${BUCKET}/${key}`);
      const signer = new SignatureV4({
        service: 's3',
        region,
        credentials: KEY,
        sha256: NodeSha256,
        uriEscapePath: false,
      });
      // As @aws-sdk/s3-request-presigner does: S3 presigned URLs sign UNSIGNED-PAYLOAD.
      const unsigned = new Set(['x-amz-content-sha256']);
      const presigned = await signer.presign(
        {
          method: 'GET',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          query: {},
          headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        },
        { signingDate, expiresIn, unsignableHeaders: unsigned, unhoistableHeaders: unsigned },
      );
      for (const [name, value] of Object.entries(presigned.query ?? {})) url.searchParams.set(name, String(value));
      return fetch(url);
    }

    it('a valid presigned GET returns the object', async () => {
      await putObject({
        ...target(),
        key: 'presigned/file.txt',
        body: Buffer.from('presigned content'),
        contentType: 'text/plain',
      });
      const response = await presignedGet('presigned/file.txt', new Date(), 300);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('presigned content');
    });

    it('an expired one is AccessDenied "Request has expired"; another region is AuthorizationQueryParametersError', async () => {
      const expired = await presignedGet('presigned/file.txt', new Date(Date.now() - 2 * 3600_000), 60);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('<Message>Request has expired</Message>');
      const wrongRegion = await presignedGet('presigned/file.txt', new Date(), 60, 'us-east-1');
      expect(wrongRegion.status).toBe(400);
      expect(await wrongRegion.text()).toContain("the region 'us-east-1' is wrong; expecting 'eu-west-1'");
    });
  });

  describe('bucket metadata answers like AWS', () => {
    it('HeadBucket reports the bucket region; GetBucketLocation its LocationConstraint', async () => {
      const head = await client().send(new HeadBucketCommand({ Bucket: BUCKET }));
      expect(head.BucketRegion).toBe(REGION);
      const location = await client({ region: 'us-east-1' }).send(new GetBucketLocationCommand({ Bucket: BUCKET }));
      expect(location.LocationConstraint).toBe(REGION);
      const usLocation = await client({ region: 'us-east-1' }).send(
        new GetBucketLocationCommand({ Bucket: 'us-bucket' }),
      );
      expect(usLocation.LocationConstraint ?? '').toBe('');
    });
  });

  describe('the CLI-facing helpers', () => {
    it('writeProbe writes a clearly named probe object under the path', async () => {
      expect(await writeProbe({ ...target(), path: '/probe/dir/' })).toEqual({ ok: true });
      const keys = (await embedded().listObjects(BUCKET, 'probe/dir/')).map((o) => o.key);
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/^probe\/dir\/immuta-audit-connection-test-\d{4}-\d{2}-\d{2}T[\d-]+Z\.txt$/);
    });

    it('writeProbe answers the S3 error code and message', async () => {
      expect(await writeProbe({ ...target(), credentials: { ...KEY, secretAccessKey: 'nope' } })).toEqual({
        ok: false,
        code: 'SignatureDoesNotMatch',
        message:
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      });
      expect(await writeProbe({ ...target(), region: 'ap-south-1' })).toMatchObject({
        ok: false,
        code: 'AuthorizationHeaderMalformed',
        message: expect.stringContaining("expecting 'eu-west-1'"),
      });
      expect(await writeProbe({ ...target(), bucket: 'missing-bucket' })).toMatchObject({
        ok: false,
        code: 'NoSuchBucket',
      });
    });

    it('putObject throws S3RequestError with the S3 code', async () => {
      const error = await putObject({
        ...target(),
        credentials: { ...KEY, accessKeyId: 'AKIANOPE' },
        key: 'x',
        body: Buffer.from('x'),
        contentType: 'text/plain',
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(S3RequestError);
      expect(error).toMatchObject({ code: 'InvalidAccessKeyId' });
    });

    it('listObjects filters by prefix and reports sizes and ISO dates', async () => {
      await putObject({
        ...target(),
        key: 'list/a/1.json',
        body: Buffer.from('12345'),
        contentType: 'application/json',
      });
      await putObject({ ...target(), key: 'list/a/2.json', body: Buffer.from('1'), contentType: 'application/json' });
      await putObject({ ...target(), key: 'list/b/3.json', body: Buffer.from('123'), contentType: 'application/json' });
      const listed = await embedded().listObjects(BUCKET, 'list/a/');
      expect(listed.map(({ key, size }) => ({ key, size }))).toEqual([
        { key: 'list/a/1.json', size: 5 },
        { key: 'list/a/2.json', size: 1 },
      ]);
      expect(Number.isNaN(Date.parse(listed[0]!.lastModified))).toBe(false);
      expect((await embedded().listObjects(BUCKET, 'list/')).length).toBe(3);
    });

    it('getObject of a missing key throws NoSuchKey', async () => {
      await expect(embedded().getObject(BUCKET, 'does/not/exist')).rejects.toMatchObject({ code: 'NoSuchKey' });
    });

    it('removeCredential takes effect at once; addCredential too', async () => {
      const temp = {
        accessKeyId: 'AKIATEMPORARY0001',
        secretAccessKey: 'temporary-secret',
        principalArn: 'arn:aws:iam::111122223333:role/r',
      };
      expect(await writeProbe({ ...target(), credentials: temp })).toMatchObject({
        ok: false,
        code: 'InvalidAccessKeyId',
      });
      embedded().addCredential(temp);
      expect(await writeProbe({ ...target(), credentials: temp })).toEqual({ ok: true });
      embedded().removeCredential(temp.accessKeyId);
      expect(await writeProbe({ ...target(), credentials: temp })).toMatchObject({
        ok: false,
        code: 'InvalidAccessKeyId',
      });
    });
  });
});

describe('embedded S3 lifecycle', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'immuta-s3-restart-'));
  const running: EmbeddedS3[] = [];

  afterAll(async () => {
    for (const s of running) await s.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps objects across a restart on the same data directory, and a stopped endpoint refuses connections', async () => {
    const first = await startEmbeddedS3({ dataDir, buckets: [{ name: BUCKET, region: REGION }] });
    running.push(first);
    first.addCredential(KEY);
    const target = { endpoint: first.endpoint, bucket: BUCKET, region: REGION, credentials: KEY };
    await putObject({
      ...target,
      key: 'kept/object.txt',
      body: Buffer.from('survives restarts'),
      contentType: 'text/plain',
    });
    await first.stop();
    await first.stop(); // idempotent

    const refused = await writeProbe(target);
    expect(refused).toMatchObject({
      ok: false,
      code: 'NetworkingError',
      message: expect.stringContaining('ECONNREFUSED'),
    });

    const second = await startEmbeddedS3({ dataDir, buckets: [{ name: BUCKET, region: REGION }] });
    running.push(second);
    expect((await second.getObject(BUCKET, 'kept/object.txt')).toString()).toBe('survives restarts');
    expect((await second.listObjects(BUCKET)).map((o) => o.key)).toEqual(['kept/object.txt']);
    // Credentials are the caller's to re-register: a restarted gateway knows none.
    expect(await writeProbe({ ...target, endpoint: second.endpoint })).toMatchObject({
      ok: false,
      code: 'InvalidAccessKeyId',
    });
  });

  it('rejects invalid bucket names before starting anything', async () => {
    await expect(startEmbeddedS3({ dataDir, buckets: [{ name: 'Bad_Bucket', region: REGION }] })).rejects.toThrow(
      /Invalid bucket name/,
    );
  });
});
