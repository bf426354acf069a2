import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runSync } from '../../../src/lib/logs/sync.js';
import { configDestination } from '../../../src/lib/logs/sources/resolve.js';
import { parseAbfssUrl, parseAzureHttpsUrl } from '../../../src/lib/logs/sources/adls.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { failure, thrown } from '../../helpers/expect-cli-error.js';
import { FakeTenant, sampleConfiguration } from '../../helpers/fake-tenant.js';
import { runCommand } from '../../helpers/run-command.js';
import { ndjson, uamEvent } from './events.js';
import { type Behaviour, type FakeBlob, startFakeBlob } from './fake-blob.js';
import { interruptedAt } from './faulty-get.js';

const ACCOUNT = 'auditlogs01';
const FS = 'audit-export';
const SIG = 'c2lnbmF0dXJlLWZvci10ZXN0cw%2Bslash%2FSECRET';
const SAS = `sv=2025-01-05&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&spr=https,http&sig=${SIG}`;
/** What must never be printed: the signature, raw or decoded, and the whole token. */
const SECRETS = [SAS, SIG, decodeURIComponent(SIG)];
const URL_OF = (path: string) => `abfss://${FS}@${ACCOUNT}.dfs.core.windows.net/${path}`;
const env = (server: FakeBlob, sas: string | null = SAS) => ({
  AZURE_STORAGE_BLOB_ENDPOINT: server.accountUrl,
  ...(sas === null ? {} : { AZURE_STORAGE_SAS_TOKEN: sas }),
});

const objectOf = (n: number) =>
  ndjson(
    [0, 1, 2].map((i) =>
      uamEvent({ id: `a${n}-e${i}`, at: `2026-01-0${1 + (n % 9)}T10:00:0${i}.000Z`, event: 'TagApplied' }),
    ),
  );

/** 7 objects under immuta/ (odd ones gzip), their date directories, and one outside the folder. */
function exported(): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  for (let n = 0; n < 7; n++) {
    const body = Buffer.from(objectOf(n));
    blobs.set(`immuta/2026/01/0${n}/job-${n}.ndjson${n % 2 ? '.gz' : ''}`, n % 2 ? gzipSync(body) : body);
  }
  blobs.set('immuta-old/other.ndjson', Buffer.from(objectOf(8)));
  return blobs;
}
const DIRECTORIES = ['immuta', 'immuta/2026', 'immuta/2026/01', 'immuta/2026/01/00'];

function expectNoSecret(...texts: string[]): void {
  for (const text of texts) for (const secret of SECRETS) expect(text).not.toContain(secret);
}

describe('audit logs sync from ADLS Gen2 (a fake Blob endpoint)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-adls-'));
  let server: FakeBlob | undefined;
  const start = async (plan?: (name: string, attempt: number) => Behaviour) => {
    server = await startFakeBlob({
      account: ACCOUNT,
      container: FS,
      blobs: exported(),
      directories: DIRECTORIES,
      sasToken: SAS,
      plan,
    });
    return server;
  };
  afterEach(async () => {
    server?.release();
    await server?.stop();
    server = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the https URL the portal shows reads the same path into the same store as its abfss:// form', async () => {
    const blob = await start();
    const io = fakeIO({ env: env(blob) });
    const first = await runSync({ source: `https://${ACCOUNT}.blob.core.windows.net/${FS}/immuta/` }, io);
    expect(first.source).toBe(URL_OF('immuta/'));
    expect(first.objects).toEqual({ listed: 7, alreadySynced: 0, ingested: 7, testObjects: 0 });
    const again = await runSync({ source: URL_OF('immuta/') }, io);
    expect(again.store).toBe(first.store);
    expect(again.objects).toEqual({ listed: 7, alreadySynced: 7, ingested: 0, testObjects: 0 });
    rmSync(first.store, { recursive: true, force: true });
  });

  it('reads a path in pages (plain and gzip files, directories skipped), then downloads nothing the second time', async () => {
    const blob = await start();
    const store = join(dir, 'paging');
    const io = fakeIO({ env: env(blob) });
    const first = await runSync({ source: URL_OF('immuta'), store, remote: { pageSize: 3 } }, io);
    expect(first.source).toBe(URL_OF('immuta'));
    // The path is a folder: immuta-old/ is not part of immuta/.
    expect(first.objects).toEqual({ listed: 7, alreadySynced: 0, ingested: 7, testObjects: 0 });
    expect(first.events).toEqual({ read: 21, new: 21, total: 21 });
    // 7 files and 3 directories under immuta/ in pages of 3.
    expect(blob.lists).toBe(4);
    expect(blob.urls.every((u) => u.includes(`sig=${SIG}`))).toBe(true);
    const second = await runSync({ source: `${URL_OF('immuta/')}`, store }, fakeIO({ env: env(blob) }));
    expect(second.objects).toEqual({ listed: 7, alreadySynced: 7, ingested: 0, testObjects: 0 });
    expect(second.bytes).toBe(0);
    expect(blob.gets).toHaveLength(7);
    expectNoSecret(io.stdout(), io.stderr(), JSON.stringify(first));
  });

  it('retries a 500 and a body cut half way, with back-off, and says so on stderr', async () => {
    const blob = await start((name, attempt) =>
      name.endsWith('job-1.ndjson.gz') && attempt === 1
        ? 'error500'
        : name.endsWith('job-2.ndjson') && attempt < 3
          ? 'cut'
          : 'ok',
    );
    const io = fakeIO({ env: env(blob) });
    const result = await runSync({ source: URL_OF('immuta'), store: join(dir, 'retry'), remote: { backoffMs: 5 } }, io);
    expect(result.events.total).toBe(21);
    expect(blob.gets.filter((k) => k.endsWith('job-1.ndjson.gz'))).toHaveLength(2);
    expect(blob.gets.filter((k) => k.endsWith('job-2.ndjson'))).toHaveLength(3);
    expect(io.stderr()).toMatch(/Retrying immuta\/2026\/01\/01\/job-1\.ndjson\.gz \(attempt 2\): .*500/);
    expectNoSecret(io.stderr());
  });

  it('a big file is staged as it downloads; a body cut part way resumes at the byte it reached', async () => {
    const blob = await start((name, attempt) => (name.endsWith('job-2.ndjson') && attempt < 3 ? 'cut' : 'ok'));
    const io = fakeIO({ env: env(blob) });
    // Every file counts as big here: each is read through the stream, not downloaded ahead.
    const result = await runSync(
      { source: URL_OF('immuta'), store: join(dir, 'streamed'), streamObjectBytes: 1, remote: { backoffMs: 5 } },
      io,
    );
    expect(result.events.total).toBe(21);
    expect(result.skippedLines).toBe(0);
    const size = (exported().get('immuta/2026/01/02/job-2.ndjson') as Buffer).length;
    const ranges = blob.ranges.filter((_, i) => blob.gets[i]?.endsWith('job-2.ndjson'));
    const half = Math.floor(size / 2);
    // The SDK asks for the whole file without a range; then from the first byte not read.
    expect(ranges.slice(1)).toEqual([`bytes=${half}-`, `bytes=${half + Math.floor((size - half) / 2)}-`]);
    expect(ranges[0]).not.toMatch(/^bytes=[1-9]/);
    expect(io.stderr()).toMatch(/Retrying immuta\/2026\/01\/02\/job-2\.ndjson \(attempt 2\)/);
    expectNoSecret(io.stderr(), JSON.stringify(result));
  });

  it('gives up after the last attempt (exit 5), keeping the files already stored', async () => {
    let failing = true;
    const blob = await start((name) => (failing && name.endsWith('job-2.ndjson') ? 'error500' : 'ok'));
    const store = join(dir, 'give-up');
    const error = await failure(
      runSync(
        { source: URL_OF('immuta'), store, concurrency: 1, remote: { backoffMs: 1, attempts: 3 } },
        fakeIO({ env: env(blob) }),
      ),
    );
    expect(error.code).toBe('LOGS_ADLS_UNREACHABLE');
    expect(error.exitCode).toBe(5);
    expect(error.message).toMatch(/job-2\.ndjson .*InternalError \(HTTP 500\)/);
    expect(blob.gets.filter((k) => k.endsWith('job-2.ndjson'))).toHaveLength(3);
    failing = false;
    const resumed = await runSync({ source: URL_OF('immuta'), store }, fakeIO({ env: env(blob) }));
    expect(resumed.objects).toEqual({ listed: 7, alreadySynced: 2, ingested: 5, testObjects: 0 });
  });

  it('a sync interrupted half way keeps whole files only, and the next one resumes', async () => {
    const controller = new AbortController();
    // The third file's download hangs; the user presses Ctrl-C while it does.
    const blob = await start(interruptedAt('job-2.ndjson', controller));
    const store = join(dir, 'interrupted');
    await expect(
      runSync(
        { source: URL_OF('immuta'), store, concurrency: 1 },
        fakeIO({ env: env(blob), signal: controller.signal }),
      ),
    ).rejects.toThrow();
    blob.release();
    const resumed = await runSync({ source: URL_OF('immuta'), store }, fakeIO({ env: env(blob) }));
    expect(resumed.objects).toEqual({ listed: 7, alreadySynced: 2, ingested: 5, testObjects: 0 });
    expect(resumed.events.total).toBe(21);
  });

  it('an unreachable endpoint is exit 5 after the retries', async () => {
    const blob = await start();
    const endpoint = blob.accountUrl;
    await blob.stop();
    server = undefined;
    const error = await failure(
      runSync(
        { source: URL_OF('immuta'), store: join(dir, 'unreachable'), remote: { backoffMs: 1, attempts: 2 } },
        fakeIO({ env: { AZURE_STORAGE_BLOB_ENDPOINT: endpoint, AZURE_STORAGE_SAS_TOKEN: SAS } }),
      ),
    );
    expect(error.code).toBe('LOGS_ADLS_UNREACHABLE');
    expect(error.exitCode).toBe(5);
    expect(error.message).toContain(URL_OF('immuta'));
    expect(error.fix).toMatch(/AZURE_STORAGE_BLOB_ENDPOINT/);
    expectNoSecret(error.message, error.fix ?? '');
  });

  it('a wrong SAS token is an authentication error (exit 4) that names no secret, and is not retried', async () => {
    const blob = await start();
    const wrong = SAS.replace(SIG, 'd3JvbmctYnV0LWxvbmctZW5vdWdoLXNpZw%3D%3D');
    const io = fakeIO({ env: env(blob, wrong) });
    const error = await failure(runSync({ source: URL_OF('immuta'), store: join(dir, 'denied') }, io));
    expect(error.code).toBe('LOGS_ADLS_ACCESS_DENIED');
    expect(error.exitCode).toBe(4);
    expect(error.message).toMatch(/AuthenticationFailed \(HTTP 403\)/);
    expect(error.fix).toMatch(/AZURE_STORAGE_SAS_TOKEN/);
    expect(blob.urls).toHaveLength(1);
    for (const text of [error.message, error.fix ?? '', io.stdout(), io.stderr()]) {
      expect(text).not.toContain('d3JvbmctYnV0');
    }
  });

  it('no SAS token on a plain-http endpoint is exit 4 before any request', async () => {
    const blob = await start();
    const error = await failure(
      runSync({ source: URL_OF('immuta'), store: join(dir, 'no-sas') }, fakeIO({ env: env(blob, null) })),
    );
    expect(error.code).toBe('LOGS_ADLS_ACCESS_DENIED');
    expect(error.exitCode).toBe(4);
    expect(error.fix).toMatch(/Set AZURE_STORAGE_SAS_TOKEN/);
    expect(blob.urls).toHaveLength(0);
  });

  it('a file system that does not exist is exit 2', async () => {
    const blob = await start();
    const error = await failure(
      runSync(
        { source: `abfss://other-fs@${ACCOUNT}.dfs.core.windows.net/immuta`, store: join(dir, 'missing') },
        fakeIO({ env: env(blob) }),
      ),
    );
    expect(error.code).toBe('LOGS_SOURCE_NOT_FOUND');
    expect(error.exitCode).toBe(2);
  });

  it('--config-id reads the account, file system and path of an ADLS export configuration', async () => {
    const blob = await start();
    const tenant = await FakeTenant.start({ apiKey: 'logs-test-key-123456' });
    try {
      tenant.replyAlways('getAllExportConfigurations', {
        data: [
          sampleConfiguration({
            id: 'cfg-adls',
            endpointConfiguration: {
              __typename: 'AdlsSasTokenEndpointConfiguration',
              storageAccount: ACCOUNT,
              fileSystem: FS,
              path: '/immuta',
            },
          }),
        ],
      });
      const io = fakeIO({
        globals: { host: tenant.url },
        env: { ...env(blob), HOME: dir, IMMUTA_API_KEY: 'logs-test-key-123456' },
      });
      const result = await runSync({ configId: 'cfg-adls', store: join(dir, 'by-config') }, io);
      expect(result.source).toBe(URL_OF('immuta'));
      expect(result.events.total).toBe(21);
      // Athena reads S3 only: the same configuration is refused there, with the way to read it.
      const athena = await failure(configDestination('cfg-adls', io));
      expect(athena.code).toBe('LOGS_SOURCE_UNSUPPORTED');
      expect(athena.fix).toMatch(/sync --config-id/);
    } finally {
      await tenant.stop();
    }
  });

  it('the SAS token appears nowhere in what the command prints, failing or succeeding', async () => {
    const blob = await start();
    const home = join(dir, 'home');
    const run = (sas: string, ...argv: string[]) =>
      runCommand(['audit', 'logs', 'sync', URL_OF('immuta'), '--store', join(dir, 'cmd'), ...argv], {
        env: { ...env(blob, sas), HOME: home, DEBUG: '*', AZURE_LOG_LEVEL: 'verbose' },
      });
    const ok = await run(SAS, '--json');
    expect(ok.exitCode).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ source: URL_OF('immuta'), objects: { ingested: 7 } });
    const human = await run(SAS);
    expect(human.exitCode).toBe(0);
    const denied = await run(SAS.replace('sp=rl', 'sp=r'), '--json');
    expect(denied.exitCode).toBe(4);
    expect(denied.stdout + denied.stderr).toContain('LOGS_ADLS_ACCESS_DENIED');
    expectNoSecret(ok.stdout, ok.stderr, human.stdout, human.stderr, denied.stdout, denied.stderr);
  });
});

describe('abfss:// URLs', () => {
  it('parses the file system, account, path and cloud', () => {
    expect(parseAbfssUrl('abfss://audit-export@auditlogs01.dfs.core.windows.net/immuta/logs')).toEqual({
      account: 'auditlogs01',
      fileSystem: 'audit-export',
      path: 'immuta/logs',
      endpointSuffix: 'core.windows.net',
    });
    expect(parseAbfssUrl('abfss://fs1@acct1.dfs.core.chinacloudapi.cn')).toMatchObject({
      path: '',
      endpointSuffix: 'core.chinacloudapi.cn',
    });
    expect(parseAbfssUrl('s3://bucket/prefix')).toBeUndefined();
  });

  it.each([
    ['abfss://auditlogs01.dfs.core.windows.net/immuta', /no file system before "@"/],
    ['abfss://audit-export@auditlogs01/immuta', /is not ACCOUNT\.dfs\.core\.windows\.net/],
    ['abfss://audit-export@Audit_Logs.dfs.core.windows.net/x', /account name .* 3-24 lowercase/],
    ['abfss://Audit--Export@auditlogs01.dfs.core.windows.net/x', /file system name .* 3-63/],
  ])('%s is a usage error (exit 2) with the fix', async (source, message) => {
    const error = await failure(runSync({ source, store: join(tmpdir(), 'never-used') }, fakeIO()));
    expect(error.code).toBe('USAGE');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(message);
    expect(error.fix).toBe(
      'Write it as abfss://FILESYSTEM@ACCOUNT.dfs.core.windows.net/PATH (or https://ACCOUNT.blob.core.windows.net/CONTAINER/PATH).',
    );
  });

  it('https://ACCOUNT.blob|dfs.core.windows.net/CONTAINER/PATH is the abfss:// location; other https URLs are not', () => {
    const location = parseAbfssUrl(URL_OF('immuta/logs'));
    expect(parseAzureHttpsUrl(`https://${ACCOUNT}.blob.core.windows.net/${FS}/immuta/logs`)).toEqual(location);
    expect(parseAzureHttpsUrl(`https://${ACCOUNT}.dfs.core.windows.net/${FS}/immuta/logs`)).toEqual(location);
    expect(parseAzureHttpsUrl(`https://${ACCOUNT}.blob.core.usgovcloudapi.net/${FS}`)).toEqual({
      account: ACCOUNT,
      fileSystem: FS,
      path: '',
      endpointSuffix: 'core.usgovcloudapi.net',
    });
    expect(parseAzureHttpsUrl('https://example.com/audit/logs')).toBeUndefined();
    expect(parseAzureHttpsUrl('https://bucket.s3.amazonaws.com/audit')).toBeUndefined();
    expect(thrown(() => parseAzureHttpsUrl(`https://${ACCOUNT}.blob.core.windows.net/`)).message).toMatch(
      /no container/,
    );
  });

  it('an https URL with a SAS token (a "Blob SAS URL") is refused without repeating the token', () => {
    const error = thrown(() => parseAzureHttpsUrl(`https://${ACCOUNT}.blob.core.windows.net/${FS}/immuta?${SAS}`));
    expect(error.exitCode).toBe(2);
    expect(error.fix).toMatch(/AZURE_STORAGE_SAS_TOKEN/);
    expectNoSecret(error.message, error.fix ?? '');
  });

  it('an unsupported URL is named without its query string or user info (presigned and SAS URLs carry secrets there)', async () => {
    const presigned = `https://audit.s3.amazonaws.com/x.ndjson?X-Amz-Signature=${SIG}`;
    const withPassword = `https://user:${SIG}@example.com/audit`;
    for (const source of [presigned, withPassword]) {
      const error = await failure(runSync({ source, store: join(tmpdir(), 'never-used') }, fakeIO()));
      expect(error.code).toBe('LOGS_SOURCE_UNSUPPORTED');
      expect(error.exitCode).toBe(2);
      expectNoSecret(error.message, error.fix ?? '');
    }
  });

  it('a URL with a SAS token in it is refused without repeating the token', () => {
    const error = thrown(() => parseAbfssUrl(`${URL_OF('immuta')}?${SAS}`));
    expect(error.exitCode).toBe(2);
    expect(error.fix).toMatch(/AZURE_STORAGE_SAS_TOKEN/);
    expectNoSecret(error.message, error.fix ?? '');
  });
});
