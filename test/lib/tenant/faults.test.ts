/**
 * Network faults a real local server cannot easily produce (DNS failures, resets before any
 * answer, certificate errors of a public host), injected as a transport that fails the way
 * node:http fails (an Error with the system code), or answers, in the order scripted.
 */
import { describe, expect, it } from 'vitest';
import { TenantClient } from '../../../src/lib/tenant/client.js';
import type { HttpAnswer, Transport } from '../../../src/lib/tenant/transport.js';
import { failure } from '../../helpers/expect-cli-error.js';

const HOST = 'https://tenant.example.com';

type Step = { error: { code: string; message: string } } | { answer: HttpAnswer };

/** A transport that plays `steps` in order (the last one repeats) and counts the requests. */
function scripted(...steps: Step[]): Transport & { requests: number } {
  const transport = Object.assign(
    async () => {
      const step = steps[Math.min(transport.requests, steps.length - 1)] as Step;
      transport.requests++;
      if ('error' in step) throw Object.assign(new Error(step.error.message), { code: step.error.code });
      return step.answer;
    },
    { requests: 0 },
  );
  return transport;
}

function client(transport: Transport): TenantClient {
  return new TenantClient(
    {
      host: HOST,
      apiKey: 'raw-api-key-0123456789',
      profile: 'default',
      configFile: '/nowhere.yaml',
      hostSource: 'flag',
      apiKeySource: 'env',
    },
    { backoffMs: 1, timeoutMs: 5000, env: {}, transport },
  );
}

const ok: Step = {
  answer: {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      data: {
        getAllExportConfigurations: [
          { id: 'cfg-1', interval: 'EVERY_2_HOURS', enabled: true, connectionStatus: 'SUCCESS' },
        ],
      },
    }),
  },
};
const fail = (code: string, message = code): Step => ({ error: { code, message } });

describe('TenantClient: injected network faults', () => {
  it('DNS failure (ENOTFOUND) -> TENANT_DNS, exit 5, naming the host; not retried', async () => {
    const transport = scripted(fail('ENOTFOUND', 'getaddrinfo ENOTFOUND tenant.example.com'));
    const error = await failure(client(transport).listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_DNS', exitCode: 5 });
    expect(error.message).toContain('tenant.example.com');
    expect(error.fix).toMatch(/typo|resolve/);
    expect(transport.requests).toBe(1);
  });

  it('a temporary DNS failure (EAI_AGAIN) is retried, then succeeds', async () => {
    const transport = scripted(fail('EAI_AGAIN'), ok);
    expect(await client(transport).listExportConfigurations()).toHaveLength(1);
    expect(transport.requests).toBe(2);
  });

  it('ECONNRESET twice on a read: retried, the third attempt succeeds', async () => {
    const transport = scripted(fail('ECONNRESET', 'socket hang up'), fail('ECONNRESET', 'socket hang up'), ok);
    expect(await client(transport).listExportConfigurations()).toHaveLength(1);
    expect(transport.requests).toBe(3);
  });

  it('ECONNRESET on every attempt: gives up with TENANT_UNREACHABLE after 3 attempts', async () => {
    const transport = scripted(fail('ECONNRESET', 'socket hang up'));
    const error = await failure(client(transport).listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_UNREACHABLE', exitCode: 5 });
    expect(error.message).toContain('ECONNRESET');
    expect(transport.requests).toBe(3);
  });

  it('ECONNRESET on a mutation: one attempt only (a retry could apply it twice)', async () => {
    const transport = scripted(fail('ECONNRESET', 'socket hang up'));
    const error = await failure(client(transport).mutateConfiguration('disableExportConfiguration', { id: 'cfg-1' }));
    expect(error).toMatchObject({ code: 'TENANT_UNREACHABLE', exitCode: 5 });
    expect(transport.requests).toBe(1);
  });

  it.each([
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ])('TLS failure %s -> TENANT_TLS, exit 5, mentioning NODE_EXTRA_CA_CERTS; not retried', async (code) => {
    const transport = scripted(fail(code, `certificate problem: ${code}`));
    const error = await failure(client(transport).listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_TLS', exitCode: 5 });
    expect(error.message).toContain(code);
    expect(error.fix).toContain('NODE_EXTRA_CA_CERTS');
    expect(transport.requests).toBe(1);
  });
});
