import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { putObject, startEmbeddedS3, type EmbeddedS3 } from '../../../src/lib/sandbox/s3/index.js';
import { LogStore } from '../../../src/lib/logs/store.js';
import { runSync } from '../../../src/lib/logs/sync.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { ndjson, uamEvent } from './events.js';
import { type HostileS3, startHostileS3 } from './hostile-s3.js';
import { interruptedAt } from './faulty-get.js';
import { FakeTenant, sampleConfiguration } from '../../helpers/fake-tenant.js';

const BUCKET = 'audit-export';
const REGION = 'eu-west-1';
const KEY = {
  accessKeyId: 'AKIALOGSSYNCTEST0001',
  secretAccessKey: 'logs/sync/Secret+Key/0001',
  principalArn: 'arn:aws:iam::111122223333:user/reader',
};
const env = (endpoint: string) => ({
  AWS_ENDPOINT_URL_S3: endpoint,
  AWS_ACCESS_KEY_ID: KEY.accessKeyId,
  AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
  AWS_REGION: REGION,
});
const objectOf = (n: number) =>
  ndjson(
    [0, 1, 2].map((i) =>
      uamEvent({ id: `o${n}-e${i}`, at: `2026-01-0${1 + (n % 9)}T10:00:0${i}.000Z`, event: 'TagApplied' }),
    ),
  );

async function storeCount(dir: string): Promise<{ events: number; objects: number }> {
  const store = await LogStore.open(dir, { readOnly: true });
  try {
    const [row] = await store.rows(
      'SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM ingested_objects) AS objects',
    );
    return { events: Number(row?.events), objects: Number(row?.objects) };
  } finally {
    await store.close();
  }
}

describe('audit logs sync from S3 (the sandbox embedded S3)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-s3-'));
  let s3: EmbeddedS3 | undefined;

  beforeAll(async () => {
    s3 = await startEmbeddedS3({ dataDir: join(dir, 's3data'), buckets: [{ name: BUCKET, region: REGION }] });
    s3.addCredential(KEY);
    const target = { endpoint: s3.endpoint, bucket: BUCKET, region: REGION, credentials: KEY };
    for (let n = 0; n < 7; n++) {
      const body = Buffer.from(objectOf(n));
      await putObject({
        ...target,
        key: `immuta/2026/01/0${n}/job-${n}.ndjson${n % 2 ? '.gz' : ''}`,
        body: n % 2 ? gzipSync(body) : body,
        contentType: 'application/x-ndjson',
      });
    }
    await putObject({
      ...target,
      key: 'immuta-old/other.ndjson',
      body: Buffer.from(objectOf(8)),
      contentType: 'application/x-ndjson',
    });
  });
  afterAll(async () => {
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // Here the whole listing fits one page; paging and failures are tested against the hostile server below.
  it('reads a prefix (plain and gzip objects), then downloads nothing the second time', async () => {
    const store = join(dir, 'store-paging');
    const io = fakeIO({ env: env(s3!.endpoint) });
    const first = await runSync({ source: `s3://${BUCKET}/immuta`, store }, io);
    // The prefix is a folder: immuta-old/ is not part of immuta/.
    expect(first.objects).toEqual({ listed: 7, alreadySynced: 0, ingested: 7, testObjects: 0 });
    expect(first.events).toEqual({ read: 21, new: 21, total: 21 });
    const second = await runSync({ source: `s3://${BUCKET}/immuta/`, store }, fakeIO({ env: env(s3!.endpoint) }));
    expect(second.objects).toEqual({ listed: 7, alreadySynced: 7, ingested: 0, testObjects: 0 });
    expect(second.bytes).toBe(0);
  });

  it('a wrong secret is an authentication error (exit 4) that names no secret', async () => {
    const io = fakeIO({ env: { ...env(s3!.endpoint), AWS_SECRET_ACCESS_KEY: 'wrong/secret/value/000000000000' } });
    const error = await failure(runSync({ source: `s3://${BUCKET}/immuta`, store: join(dir, 'store-denied') }, io));
    expect(error.code).toBe('LOGS_S3_ACCESS_DENIED');
    expect(error.exitCode).toBe(4);
    expect(error.message).not.toContain('wrong/secret');
  });
});

describe('audit logs sync from a failing S3', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-hostile-'));
  let server: HostileS3 | undefined;
  afterEach(async () => {
    server?.release();
    await server?.stop();
    server = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const objects = new Map([0, 1, 2, 3].map((n) => [`logs/job-${n}.ndjson`, Buffer.from(objectOf(n))]));
  const io = (endpoint: string, signal?: AbortSignal) => fakeIO({ env: env(endpoint), signal });

  it('retries a 500 and a body cut half way, with back-off, and says so on stderr', async () => {
    server = await startHostileS3(BUCKET, objects, (key, attempt) =>
      key.endsWith('job-1.ndjson') && attempt === 1
        ? 'error500'
        : key.endsWith('job-2.ndjson') && attempt < 3
          ? 'cut'
          : 'ok',
    );
    const out = io(server.endpoint);
    const result = await runSync(
      { source: `s3://${BUCKET}/logs`, store: join(dir, 'retry'), remote: { backoffMs: 5, pageSize: 3 } },
      out,
    );
    expect(result.events.total).toBe(12);
    expect(server.lists).toBe(2); // 4 objects in pages of 3
    expect(server.gets.filter((k) => k.endsWith('job-1.ndjson'))).toHaveLength(2);
    expect(server.gets.filter((k) => k.endsWith('job-2.ndjson'))).toHaveLength(3);
    expect(out.stderr()).toMatch(/Retrying logs\/job-1\.ndjson \(attempt 2\): .*500/);
  });

  it('a big object is staged as it downloads; a body cut part way resumes at the byte it reached', async () => {
    server = await startHostileS3(BUCKET, objects, (key, attempt) =>
      key.endsWith('job-2.ndjson') && attempt < 3 ? 'cut' : 'ok',
    );
    const out = io(server.endpoint);
    const store = join(dir, 'streamed');
    // Every object counts as big here: each is read through the stream, not downloaded ahead.
    const result = await runSync(
      { source: `s3://${BUCKET}/logs`, store, streamObjectBytes: 1, remote: { backoffMs: 5 } },
      out,
    );
    expect(result.events.total).toBe(12);
    expect(result.skippedLines).toBe(0);
    const size = (objects.get('logs/job-2.ndjson') as Buffer).length;
    const ranges = server.ranges.filter((_, i) => server!.gets[i]?.endsWith('job-2.ndjson'));
    // Cut at half of what was asked each time: the whole object, then its second half, then its last quarter.
    const half = Math.floor(size / 2);
    expect(ranges).toEqual(['', `bytes=${half}-`, `bytes=${half + Math.floor((size - half) / 2)}-`]);
    expect(out.stderr()).toMatch(/Retrying logs\/job-2\.ndjson \(attempt 2\)/);
    expect(await storeCount(store)).toEqual({ events: 12, objects: 4 });
  });

  it('a big object whose every read fails gives up (exit 5), keeping the objects before it', async () => {
    server = await startHostileS3(BUCKET, objects, (key) => (key.endsWith('job-2.ndjson') ? 'error500' : 'ok'));
    const store = join(dir, 'streamed-give-up');
    const error = await failure(
      runSync(
        { source: `s3://${BUCKET}/logs`, store, streamObjectBytes: 1, remote: { backoffMs: 1, attempts: 3 } },
        io(server.endpoint),
      ),
    );
    expect(error.code).toBe('LOGS_S3_UNREACHABLE');
    expect(error.exitCode).toBe(5);
    expect(server.gets.filter((k) => k.endsWith('job-2.ndjson'))).toHaveLength(3);
    expect(await storeCount(store)).toEqual({ events: 6, objects: 2 });
  });

  it('--config-id reads the bucket and path of that export configuration', async () => {
    server = await startHostileS3(BUCKET, objects, () => 'ok');
    const tenant = await FakeTenant.start({ apiKey: 'logs-test-key-123456' });
    try {
      tenant.replyAlways('getAllExportConfigurations', {
        data: [
          sampleConfiguration({
            id: 'cfg-logs',
            endpointConfiguration: {
              __typename: 'S3AccessKeyEndpointConfiguration',
              bucket: BUCKET,
              path: '/logs',
              region: REGION,
            },
          }),
        ],
      });
      const out = fakeIO({
        globals: { host: tenant.url },
        env: { ...env(server.endpoint), HOME: dir, IMMUTA_API_KEY: 'logs-test-key-123456' },
      });
      const result = await runSync({ configId: 'cfg-logs', store: join(dir, 'by-config') }, out);
      expect(result.source).toBe(`s3://${BUCKET}/logs`);
      expect(result.events.total).toBe(12);
      const missing = await failure(runSync({ configId: 'cfg-nope', store: join(dir, 'by-config') }, out));
      expect(missing.code).toBe('NOT_FOUND');
    } finally {
      await tenant.stop();
    }
  });

  it('gives up after the last attempt (exit 5), keeping the objects already stored', async () => {
    server = await startHostileS3(BUCKET, objects, (key) => (key.endsWith('job-2.ndjson') ? 'error500' : 'ok'));
    const store = join(dir, 'give-up');
    const error = await failure(
      runSync(
        { source: `s3://${BUCKET}/logs`, store, concurrency: 1, remote: { backoffMs: 1, attempts: 3 } },
        io(server.endpoint),
      ),
    );
    expect(error.code).toBe('LOGS_S3_UNREACHABLE');
    expect(error.exitCode).toBe(5);
    expect(server.gets.filter((k) => k.endsWith('job-2.ndjson'))).toHaveLength(3);
    expect(await storeCount(store)).toEqual({ events: 6, objects: 2 });
  });

  it('a sync interrupted half way keeps whole objects only, and the next one resumes', async () => {
    const controller = new AbortController();
    // The third object's download hangs; the user presses Ctrl-C while it does.
    server = await startHostileS3(BUCKET, objects, interruptedAt('job-2.ndjson', controller));
    const store = join(dir, 'interrupted');
    await expect(
      runSync({ source: `s3://${BUCKET}/logs`, store, concurrency: 1 }, io(server.endpoint, controller.signal)),
    ).rejects.toThrow();
    expect(await storeCount(store)).toEqual({ events: 6, objects: 2 });
    server.release();
    const resumed = await runSync({ source: `s3://${BUCKET}/logs`, store }, io(server.endpoint));
    expect(resumed.objects).toEqual({ listed: 4, alreadySynced: 2, ingested: 2, testObjects: 0 });
    expect(await storeCount(store)).toEqual({ events: 12, objects: 4 });
  });
});

describe('a sync process killed in the middle of an object', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-kill-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the store as it was before that object (SIGKILL inside its transaction)', async () => {
    const store = join(dir, 'store');
    // First a small object, committed; then a bigger one ingested in 64 KB chunks (one transaction).
    writeFileSync(join(dir, 'small.ndjson'), objectOf(1));
    const big: unknown[] = [];
    const padding = 'x'.repeat(100);
    for (let i = 0; i < 3_000; i++)
      big.push(uamEvent({ id: `big-${i}`, at: '2026-01-05T10:00:00.000Z', event: 'Query', payload: { padding } }));
    writeFileSync(join(dir, 'big.ndjson'), ndjson(big));
    const script = join(dir, 'child.mts');
    writeFileSync(
      script,
      `import { LogStore } from ${JSON.stringify(join(process.cwd(), 'src/lib/logs/store.ts'))};
import { readFileSync } from 'node:fs';
const store = await LogStore.open(${JSON.stringify(store)}, { chunkBytes: 65536 });
await store.ingest({ key: 'small.ndjson', etag: 's', size: 1 }, readFileSync(${JSON.stringify(join(dir, 'small.ndjson'))}));
await store.ingest({ key: 'big.ndjson', etag: 'b', size: 2 }, readFileSync(${JSON.stringify(join(dir, 'big.ndjson'))}), new Date(), () => {
  process.stdout.write('mid-object\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000); // stay inside the transaction
});
`,
    );
    // tsx as a loader in this very process (its CLI would run the script in a grandchild the kill misses).
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          if (d.toString().includes('mid-object')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`child exited (${code}) before the middle: ${stderr}`)));
      });
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('close', resolve));
    expect(await storeCount(store)).toEqual({ events: 3, objects: 1 });
    // The next sync (here: the same ingest) stores the big object whole.
    const reopened = await LogStore.open(store);
    const { readFileSync } = await import('node:fs');
    await reopened.ingest({ key: 'big.ndjson', etag: 'b', size: 2 }, readFileSync(join(dir, 'big.ndjson')));
    await reopened.close();
    expect(await storeCount(store)).toEqual({ events: 3_003, objects: 2 });
  }, 60_000);
});
