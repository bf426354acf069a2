import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseUamLines } from '../../../src/lib/sandbox/events/index.js';
import { Exporter, intervalMs, objectKey } from '../../../src/lib/sandbox/exporter.js';
import type { DestinationEnvironment } from '../../../src/lib/sandbox/destination.js';
import type { S3PutInput } from '../../../src/lib/sandbox/s3-port.js';
import type { ConfigurationRecord } from '../../../src/lib/sandbox/state/schema.js';
import { StateStore } from '../../../src/lib/sandbox/state/store.js';

let dir: string;
let store: StateStore;
let now: number;
let puts: S3PutInput[];
let failWith: { code: string; message: string } | undefined;

const env = (): DestinationEnvironment => ({
  endpoint: 'http://s3.test',
  embedded: true,
  findRole: () => undefined,
  s3: {
    writeProbe: async () => ({ ok: true }),
    putObject: async (input) => {
      if (failWith) throw Object.assign(new Error(failWith.message), { code: failWith.code });
      puts.push(input);
    },
  },
});

const user = { id: 'u@example.com', name: 'U' };
function config(id: string, changes: Partial<ConfigurationRecord> = {}): ConfigurationRecord {
  return {
    id,
    kind: 's3:accessKey',
    interval: 'EVERY_2_HOURS',
    enabled: true,
    bucket: 'bucket',
    path: 'audit',
    region: 'us-east-1',
    accessKeyId: 'AKIAEXAMPLE000000001',
    secretAccessKey: 'secret',
    connectionStatus: 'SUCCESS',
    revision: 1,
    exportCursor: new Date(now).toISOString(),
    createdAt: new Date(now).toISOString(),
    createdBy: user,
    updatedAt: new Date(now).toISOString(),
    updatedBy: user,
    ...changes,
  };
}

function exporter(gzip = false): Exporter {
  return new Exporter({
    store,
    env: env(),
    intervalScale: 0.001,
    gzip,
    seed: 'fixed',
    now: () => now,
    retryDelayMs: 1,
  });
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-exporter-'));
  store = await StateStore.open(dir);
  now = Date.parse('2026-03-04T10:00:00Z');
  puts = [];
  failWith = undefined;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('intervals and keys', () => {
  it('scales intervals, with a floor', () => {
    expect(intervalMs('EVERY_2_HOURS', 1)).toBe(7_200_000);
    expect(intervalMs('EVERY_2_HOURS', 0.001)).toBe(7_200);
    expect(intervalMs('EVERY_24_HOURS', 0.001)).toBe(86_400);
    expect(intervalMs('EVERY_2_HOURS', 1e-9)).toBe(500);
  });

  it('lays objects out under the path by UTC date', () => {
    const at = new Date('2026-03-04T23:59:59Z');
    expect(objectKey('audit', at, 'job', 2, false)).toBe('audit/2026/03/04/job-2.ndjson');
    expect(objectKey('/a/b/', at, 'job', 0, true)).toBe('a/b/2026/03/04/job-0.ndjson.gz');
    expect(objectKey(null, at, 'job', 0, false)).toBe('2026/03/04/job-0.ndjson');
  });
});

describe('Exporter', () => {
  it('runs a job once the scaled interval has passed, split into tasks of NDJSON UAM events', async () => {
    await store.update((s) => void s.configurations.push(config('c1')));
    const ex = exporter();
    now += 7_199;
    expect(await ex.runDueJobs()).toEqual([]);
    now += 1;
    const [job] = await ex.runDueJobs();
    expect(job?.status).toBe('SUCCESS');
    expect(job?.eventCount).toBeGreaterThanOrEqual(30);
    expect(job?.tasks.length).toBe(Math.ceil((job?.eventCount ?? 0) / 25));
    expect(job?.tasks.every((t) => t.status === 'SUCCESS' && t.attempts === 1 && t.failureReason === null)).toBe(true);
    expect(job?.tasks.map((t) => [t.offset, t.limit])).toEqual(
      job?.tasks.map((_, i) => [i * 25, Math.min(25, (job?.eventCount ?? 0) - i * 25)]),
    );
    expect(puts.map((p) => p.key)).toEqual(job?.tasks.map((t) => t.objectKey));
    expect(puts[0]?.key).toMatch(/^audit\/2026\/03\/04\/[0-9a-f-]{36}-0\.ndjson$/);
    expect(puts[0]?.credentials).toEqual({ accessKeyId: 'AKIAEXAMPLE000000001', secretAccessKey: 'secret' });
    const events = puts.flatMap((p) => parseUamLines(p.body.toString('utf8')));
    expect(events.flatMap((e) => e.issues)).toEqual([]);
    expect(events.flatMap((e) => e.events)).toHaveLength(job?.eventCount ?? -1);
    // The clock restarts: nothing more is due until another interval has passed.
    expect(await ex.runDueJobs()).toEqual([]);
    expect(store.snapshot.jobs).toHaveLength(1);
  });

  it('dates no event while the sandbox was stopped (the window before it started)', async () => {
    // The cursor is a day old: the sandbox was stopped since, and has run for an hour now.
    await store.update(
      (s) => void s.configurations.push(config('c1', { exportCursor: new Date(now - 86_400_000).toISOString() })),
    );
    const startedAt = now - 3_600_000;
    const ex = new Exporter({
      store,
      env: env(),
      intervalScale: 0.001,
      gzip: false,
      seed: 'fixed',
      now: () => now,
      runningSince: startedAt,
    });
    const [job] = await ex.runDueJobs();
    expect(job?.status).toBe('SUCCESS');
    const events = puts.flatMap((p) => parseUamLines(p.body.toString('utf8')).events);
    expect(events.length).toBe(job?.eventCount);
    for (const event of events) expect(Date.parse(event.eventTimestamp)).toBeGreaterThanOrEqual(startedAt);
  });

  it('is reproducible: the same seed and job sequence give the same events', async () => {
    await store.update((s) => void s.configurations.push(config('c1')));
    now += 10_000;
    await exporter().runDueJobs();
    const first = puts.map((p) => p.body.toString('utf8'));
    rmSync(dir, { recursive: true, force: true });
    store = await StateStore.open(dir);
    puts = [];
    now -= 10_000;
    await store.update((s) => void s.configurations.push(config('c1')));
    now += 10_000;
    await exporter().runDueJobs();
    expect(puts.map((p) => p.body.toString('utf8'))).toEqual(first);
  });

  it('gzips when asked', async () => {
    await store.update((s) => void s.configurations.push(config('c1')));
    now += 10_000;
    await exporter(true).runDueJobs();
    expect(puts[0]?.key).toMatch(/\.ndjson\.gz$/);
    expect(parseUamLines(gunzipSync(puts[0]?.body ?? Buffer.alloc(0)).toString('utf8')).events.length).toBeGreaterThan(
      0,
    );
  });

  it('gives disabled, failing and ADLS configurations no jobs', async () => {
    await store.update((s) => {
      s.configurations.push(config('off', { enabled: false }));
      s.configurations.push(
        config('broken', { connectionStatus: 'Error testing access to S3 using AccessKey X - nope' }),
      );
      s.configurations.push(config('adls', { kind: 'adls:sasToken', connectionStatus: 'SUCCESS' }));
    });
    now += 100_000_000;
    expect(await exporter().runDueJobs()).toEqual([]);
    expect(puts).toEqual([]);
  });

  it('shows a failing destination as FAILURE tasks with the S3 error, after retries', async () => {
    await store.update((s) => void s.configurations.push(config('c1')));
    failWith = { code: 'AccessDenied', message: 'Access Denied' };
    now += 10_000;
    const [job] = await exporter().runDueJobs();
    expect(job?.status).toBe('FAILURE');
    for (const task of job?.tasks ?? []) {
      expect(task.status).toBe('FAILURE');
      expect(task.attempts).toBe(3);
      expect(task.failureReason).toBe(
        'Error writing audit logs to S3 using AccessKey AKIAEXAMPLE000000001 - Access Denied (Service: S3, Status Code: 403, Error Code: AccessDenied)',
      );
      expect(task.failureReason).not.toContain('secret');
    }
  });

  it('fails the tasks of an assumed-role configuration whose trust policy no longer allows Immuta', async () => {
    await store.update(
      (s) =>
        void s.configurations.push(
          config('r1', {
            kind: 's3:assumedRole',
            roleArn: 'arn:aws:iam::444455556666:role/gone',
            accessKeyId: undefined,
            secretAccessKey: undefined,
          }),
        ),
    );
    now += 10_000;
    const [job] = await exporter().runDueJobs();
    expect(job?.status).toBe('FAILURE');
    expect(job?.tasks[0]?.failureReason).toMatch(
      /^Error writing audit logs to S3 using AssumedRole arn:aws:iam::444455556666:role\/gone - User: arn:aws:sts::111122223333:assumed-role\/.* is not authorized to perform: sts:AssumeRole/,
    );
    expect(puts).toEqual([]);
  });
});
