import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectsV2Command, S3Client, paginateListObjectsV2, GetObjectCommand } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256, canonicalPath } from '../../../../src/lib/sandbox/s3/sigv4.js';
import { putObject } from '../../../../src/lib/sandbox/s3/index.js';
import { startInProcessSandbox } from '../../../helpers/sandbox.js';

/**
 * Issue 11, items 1-3, attacked again against a running sandbox: keys that look like paths, keys at
 * and over S3's length limit, malformed requests, and any listener besides the verifying gateway.
 */

type Sandbox = Awaited<ReturnType<typeof startInProcessSandbox>>;

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Listening TCP ports whose sockets belong to this process (Linux /proc), or undefined elsewhere. */
function ownListeningPorts(): Set<number> | undefined {
  if (!existsSync('/proc/self/fd') || !existsSync('/proc/net/tcp')) return undefined;
  const inodes = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (match) inodes.add(match[1]!);
    } catch {
      // fd closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10 || fields[3] !== '0A') continue; // 0A = LISTEN
      if (inodes.has(fields[9]!)) ports.add(parseInt(fields[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

describe('the sandbox S3 under hostile requests', () => {
  let sandbox: Sandbox | undefined;
  let portsBefore: Set<number> | undefined;
  const clients: S3Client[] = [];
  const outside = join(dirname(process.cwd()), `immuta-planted-${randomBytes(4).toString('hex')}.txt`);

  function running(): Sandbox {
    if (!sandbox) throw new Error('sandbox did not start');
    return sandbox;
  }
  const s3info = () => running().info.s3;
  const credentials = () => ({
    accessKeyId: s3info().demoAccessKeyId!,
    secretAccessKey: s3info().demoSecretAccessKey!,
  });
  function client(): S3Client {
    const c = new S3Client({
      endpoint: s3info().endpoint,
      region: s3info().region,
      forcePathStyle: true,
      credentials: credentials(),
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    clients.push(c);
    return c;
  }

  /** A request signed for this exact raw path (no URL normalisation: `..` and `%2e` reach the server as typed). */
  async function signedRaw(
    method: string,
    rawPath: string,
    body = '',
  ): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
    const url = new URL(s3info().endpoint);
    const signer = new SignatureV4({
      service: 's3',
      region: s3info().region,
      credentials: credentials(),
      sha256: NodeSha256,
      uriEscapePath: false,
    });
    const signed = await signer.sign({
      method,
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      // S3 signs the canonical (decoded, re-encoded) path; the wire carries the raw one.
      path: canonicalPath(rawPath),
      query: {},
      headers: { host: url.host, 'x-amz-content-sha256': sha256(body), 'content-length': String(body.length) },
    });
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: Number(url.port), method, path: rawPath, headers: signed.headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString(), headers: res.headers }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async function stillServing(): Promise<void> {
    const status = await fetch(`${running().info.tenantUrl}/sandbox/status`);
    expect(status.status).toBe(200);
    await status.arrayBuffer();
    const probe = await signedRaw('PUT', `/${s3info().bucket}/alive/check.txt`, 'alive');
    expect(probe.status).toBe(200);
  }

  /** Every file the object store wrote is inside its directory and named by a hash, never by the key. */
  function storedFileNames(): string[] {
    const dir = join(running().dataDir, 's3-objects', s3info().bucket);
    return readdirSync(dir);
  }

  beforeAll(async () => {
    portsBefore = ownListeningPorts();
    sandbox = await startInProcessSandbox();
  });

  afterAll(async () => {
    for (const c of clients) c.destroy();
    await sandbox?.cleanup();
    rmSync(outside, { force: true });
  });

  describe('1. keys that look like paths stay keys', () => {
    const keys = [
      '../../../x/pwn.txt',
      '%2e%2e/%2e%2e/%2e%2e/x',
      '..%2F..%2F..%2Fx',
      '%2e%2e%2f%2e%2e%2f%2e%2e%2fx',
      '..%5c..%5c..%5cwin.txt',
    ];
    for (const raw of keys) {
      it(`PUT /bucket/${raw} stores an object under that key and writes nothing outside the data directory`, async () => {
        const body = `payload for ${raw}`;
        const put = await signedRaw('PUT', `/${s3info().bucket}/${raw}`, body);
        expect(put.status).toBe(200);
        const key = decodeURIComponent(raw);
        const back = await client().send(new GetObjectCommand({ Bucket: s3info().bucket, Key: key }));
        expect(await back.Body!.transformToString()).toBe(body);
        for (const name of storedFileNames()) expect(name).toMatch(/^[0-9a-f]{64}\.([0-9a-f]{16}\.obj|json)$/);
        expect(existsSync(join(running().dataDir, '..', '..', '..', 'x'))).toBe(false);
        expect(existsSync(join(running().dataDir, 'x'))).toBe(false);
      });
    }

    it('a traversal GET does not read a file planted outside the store', async () => {
      writeFileSync(outside, 'planted secret');
      const relative = `../../../../../../../../..${outside}`;
      const got = await signedRaw('GET', `/${s3info().bucket}/${relative}`);
      expect(got.status).toBe(404);
      expect(got.body).toContain('<Code>NoSuchKey</Code>');
      expect(got.body).not.toContain('planted secret');
      const encoded = await signedRaw(
        'GET',
        `/${s3info().bucket}/${relative.replace(/\./g, '%2e').replace(/\//g, '%2F')}`,
      );
      expect(encoded.status).toBe(404);
      expect(encoded.body).not.toContain('planted secret');
    });
  });

  describe('2. no request crashes the sandbox', () => {
    it('a 300-character last segment and a legal 1024-byte key are stored; the sandbox keeps serving', async () => {
      const longSegment = `dir/${'s'.repeat(300)}`;
      expect((await signedRaw('PUT', `/${s3info().bucket}/${longSegment}`, 'long segment')).status).toBe(200);
      const maxKey = 'k'.repeat(1024);
      expect((await signedRaw('PUT', `/${s3info().bucket}/${maxKey}`, 'max key')).status).toBe(200);
      // 1024 bytes of UTF-8 in 512 two-byte characters, percent-encoded on the wire.
      const wideKey = 'é'.repeat(512);
      expect((await signedRaw('PUT', `/${s3info().bucket}/${encodeURIComponent(wideKey)}`, 'wide')).status).toBe(200);
      const listed = await client().send(new ListObjectsV2Command({ Bucket: s3info().bucket, Prefix: 'k' }));
      expect(listed.Contents?.map((o) => o.Key)).toContain(maxKey);
      expect((await client().send(new GetObjectCommand({ Bucket: s3info().bucket, Key: wideKey }))).ContentLength).toBe(
        4,
      );
      await stillServing();
    });

    it('a key over 1024 bytes answers KeyTooLongError (400) and only that request fails', async () => {
      const tooLong = await signedRaw('PUT', `/${s3info().bucket}/${'k'.repeat(1025)}`, 'x');
      expect(tooLong.status).toBe(400);
      expect(tooLong.body).toContain('<Code>KeyTooLongError</Code>');
      const segments = await signedRaw('PUT', `/${s3info().bucket}/${'a'.repeat(600)}/${'b'.repeat(600)}`, 'x');
      expect(segments.body).toContain('<Code>KeyTooLongError</Code>');
      await stillServing();
    });

    it('malformed requests (bad percent-encoding, garbage aws-chunked framing, a huge URL) answer errors only', async () => {
      const badUri = await signedRaw('PUT', `/${s3info().bucket}/bad%zzkey`, 'x');
      expect(badUri.status).toBe(400);
      expect(badUri.body).toContain('<Code>InvalidURI</Code>');
      const huge = await fetch(`${s3info().endpoint}/${s3info().bucket}/${'x'.repeat(20_000)}`).catch(() => undefined);
      if (huge) {
        expect(huge.status).toBeGreaterThanOrEqual(400);
        await huge.arrayBuffer();
      }
      const garbage = await fetch(`${s3info().endpoint}/${s3info().bucket}/chunked.bin`, {
        method: 'PUT',
        headers: {
          'content-encoding': 'aws-chunked',
          'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          authorization: 'AWS4-HMAC-SHA256 Credential=nonsense',
        },
        body: 'zz;chunk-signature=\r\n\r\n',
      });
      expect(garbage.status).toBeGreaterThanOrEqual(400);
      await garbage.arrayBuffer();
      await stillServing();
    });
  });

  describe('3. nothing but the verifying gateway listens', () => {
    it('the sandbox process listens on the tenant port, the S3 gateway port and the AWS account port only', (ctx) => {
      const after = ownListeningPorts();
      if (!after || !portsBefore) ctx.skip();
      const added = [...after!].filter((port) => !portsBefore!.has(port)).sort((a, b) => a - b);
      const aws = running().info.aws;
      const expected = [
        running().info.port,
        Number(new URL(s3info().endpoint).port),
        ...(aws ? [Number(new URL(aws.endpoint).port)] : []),
      ].sort((a, b) => a - b);
      expect(added).toEqual(expected);
    });

    it('unsigned PUT, GET, DELETE and CreateBucket are refused by the one S3 port', async () => {
      const base = `${s3info().endpoint}/${s3info().bucket}`;
      for (const [method, url] of [
        ['PUT', `${base}/unsigned.txt`],
        ['GET', `${base}/alive/check.txt`],
        ['DELETE', `${base}/alive/check.txt`],
        ['PUT', `${s3info().endpoint}/new-bucket-by-anyone`],
      ] as const) {
        const response = await fetch(url, { method, ...(method === 'PUT' ? { body: 'x' } : {}) });
        expect(response.status, `${method} ${url}`).toBeGreaterThanOrEqual(400);
        await response.arrayBuffer();
      }
      expect(storedFileNames().length).toBeGreaterThan(0);
      const alive = await client().send(new GetObjectCommand({ Bucket: s3info().bucket, Key: 'alive/check.txt' }));
      expect(await alive.Body!.transformToString()).toBe('alive');
    });
  });

  describe('ListObjectsV2 paging (what a log sync relies on)', () => {
    it('pages of MaxKeys, continuation tokens, prefixes and delimiters give every key exactly once, in order', async () => {
      const keys = Array.from({ length: 23 }, (_, i) => `paging/${String(i).padStart(2, '0')}/part-${i}.ndjson`);
      keys.push('paging/zz-top.ndjson', 'paging/Ωmega.ndjson', 'paging/😀.ndjson');
      for (const key of keys) {
        await putObject({
          endpoint: s3info().endpoint,
          bucket: s3info().bucket,
          region: s3info().region,
          credentials: credentials(),
          key,
          body: Buffer.from(key),
          contentType: 'application/x-ndjson',
        });
      }
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateListObjectsV2(
        { client: client(), pageSize: 5 },
        { Bucket: s3info().bucket, Prefix: 'paging/' },
      )) {
        pages++;
        expect(page.KeyCount).toBeLessThanOrEqual(5);
        for (const o of page.Contents ?? []) seen.push(o.Key!);
      }
      const utf8Order = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      expect(seen).toEqual(utf8Order);
      expect(pages).toBe(Math.ceil(keys.length / 5));

      const rolled: string[] = [];
      for await (const page of paginateListObjectsV2(
        { client: client(), pageSize: 4 },
        { Bucket: s3info().bucket, Prefix: 'paging/', Delimiter: '/' },
      )) {
        for (const p of page.CommonPrefixes ?? []) rolled.push(p.Prefix!);
        for (const o of page.Contents ?? []) rolled.push(o.Key!);
      }
      expect(rolled.filter((k) => k.endsWith('/'))).toHaveLength(23);
      expect(new Set(rolled).size).toBe(rolled.length);
      expect(rolled).toHaveLength(26);

      const after = await client().send(
        new ListObjectsV2Command({ Bucket: s3info().bucket, Prefix: 'paging/', StartAfter: 'paging/21/' }),
      );
      expect(after.Contents?.map((o) => o.Key)[0]).toBe('paging/21/part-21.ndjson');
      const bad = await client()
        .send(new ListObjectsV2Command({ Bucket: s3info().bucket, ContinuationToken: 'not-a-token' }))
        .catch((e: unknown) => e as { name: string });
      expect(bad).toMatchObject({ name: 'InvalidArgument' });
    });
  });
});
