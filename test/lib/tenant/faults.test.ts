/**
 * Network faults a real local server cannot easily produce (DNS failures, resets before any
 * answer, certificate errors of a public host), injected with nock into the client's fetch.
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHQL_PATH, TenantClient } from '../../../src/lib/tenant/client.js';
import { failure } from '../../helpers/expect-cli-error.js';

const HOST = 'https://tenant.example.com';

beforeAll(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
});
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

function client(): TenantClient {
  return new TenantClient(
    {
      host: HOST,
      apiKey: 'raw-api-key-0123456789',
      profile: 'default',
      configFile: '/nowhere.yaml',
      hostSource: 'flag',
      apiKeySource: 'env',
    },
    { backoffMs: 1, timeoutMs: 5000, fetch: globalThis.fetch },
  );
}

const ok = {
  data: {
    getAllExportConfigurations: [
      { id: 'cfg-1', interval: 'EVERY_2_HOURS', enabled: true, connectionStatus: 'SUCCESS' },
    ],
  },
};

describe('TenantClient: injected network faults', () => {
  it('DNS failure (ENOTFOUND) -> TENANT_DNS, exit 5, naming the host; not retried', async () => {
    const scope = nock(HOST)
      .post(GRAPHQL_PATH)
      .replyWithError({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND tenant.example.com' });
    const error = await failure(client().listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_DNS', exitCode: 5 });
    expect(error.message).toContain('tenant.example.com');
    expect(error.fix).toMatch(/typo|resolve/);
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('a temporary DNS failure (EAI_AGAIN) is retried, then succeeds', async () => {
    const scope = nock(HOST)
      .post(GRAPHQL_PATH)
      .replyWithError({ code: 'EAI_AGAIN', message: 'getaddrinfo EAI_AGAIN' })
      .post(GRAPHQL_PATH)
      .reply(200, ok);
    expect(await client().listExportConfigurations()).toHaveLength(1);
    expect(scope.isDone()).toBe(true);
  });

  it('ECONNRESET twice on a read: retried, the third attempt succeeds', async () => {
    const scope = nock(HOST)
      .post(GRAPHQL_PATH)
      .times(2)
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' })
      .post(GRAPHQL_PATH)
      .reply(200, ok, { 'content-type': 'application/json' });
    expect(await client().listExportConfigurations()).toHaveLength(1);
    expect(scope.isDone()).toBe(true);
  });

  it('ECONNRESET on every attempt: gives up with TENANT_UNREACHABLE after 3 attempts', async () => {
    let requests = 0;
    const scope = nock(HOST)
      .post(GRAPHQL_PATH)
      .times(5)
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    scope.on('request', () => requests++);
    const error = await failure(client().listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_UNREACHABLE', exitCode: 5 });
    expect(error.message).toContain('ECONNRESET');
    expect(requests).toBe(3);
  });

  it('ECONNRESET on a mutation: one attempt only (a retry could apply it twice)', async () => {
    let requests = 0;
    const scope = nock(HOST)
      .post(GRAPHQL_PATH)
      .times(3)
      .replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
    scope.on('request', () => requests++);
    const error = await failure(client().mutateConfiguration('disableExportConfiguration', { id: 'cfg-1' }));
    expect(error).toMatchObject({ code: 'TENANT_UNREACHABLE', exitCode: 5 });
    expect(requests).toBe(1);
  });

  it.each([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ])('TLS failure %s -> TENANT_TLS, exit 5, mentioning NODE_EXTRA_CA_CERTS; not retried', async (code) => {
    const scope = nock(HOST)
      .post(GRAPHQL_PATH)
      .replyWithError({ code, message: `certificate problem: ${code}` });
    const error = await failure(client().listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_TLS', exitCode: 5 });
    expect(error.message).toContain(code);
    expect(error.fix).toContain('NODE_EXTRA_CA_CERTS');
    expect(scope.isDone()).toBe(true);
  });
});
