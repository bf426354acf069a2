/**
 * Proxies that misbehave (HTTPS_PROXY/HTTP_PROXY): one that never answers the CONNECT, one that
 * refuses it (407, 403), and proxy variables written the way curl accepts them (no scheme) or not
 * at all. Small proxies on 127.0.0.1, started and stopped here; the tenant name never resolves, so
 * only the proxy could reach it.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TenantClient } from '../../../src/lib/tenant/client.js';
import { createTransport } from '../../../src/lib/tenant/transport.js';
import { proxyFetch } from '../../../src/lib/webhooks/proxy-fetch.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { runCli, tempHome } from '../../helpers/run-cli.js';
import { startRecordingProxy } from '../../helpers/recording-proxy.js';
import { FakeTenant, sampleConfiguration } from '../../helpers/fake-tenant.js';

const KEY = 'proxy-faults-api-key-0123456789';
const TENANT = 'https://tenant.invalid';

/** A proxy whose CONNECT answer `answer` decides: a status line, or nothing at all (a stall). */
class BadProxy {
  readonly connects: string[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(answer: (attempt: number) => string | undefined) {
    this.server = createServer((_req, res) => res.writeHead(502).end());
    this.server.on('connect', (req, socket: Socket) => {
      this.connects.push(`CONNECT ${req.url ?? ''} ${req.headers['proxy-authorization'] ?? ''}`.trim());
      const reply = answer(this.connects.length);
      if (reply !== undefined) socket.end(reply);
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const running: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function badProxy(answer: (attempt: number) => string | undefined) {
  const proxy = new BadProxy(answer);
  running.push(proxy);
  return { proxy, port: await proxy.start() };
}

async function client(
  env: NodeJS.ProcessEnv,
  host = TENANT,
  options: { timeoutMs?: number; readAttempts?: number } = {},
) {
  return new TenantClient(
    { host, apiKey: KEY, profile: 'default', configFile: '/nowhere.yaml', hostSource: 'flag', apiKeySource: 'env' },
    { backoffMs: 1, timeoutMs: 400, readAttempts: 2, env, transport: await createTransport(env), ...options },
  );
}

describe('a proxy that never answers the CONNECT', () => {
  it('the request ends at IMMUTA_TIMEOUT (TENANT_TIMEOUT, exit 5), a read after its retry', async () => {
    const { proxy, port } = await badProxy(() => undefined);
    const started = Date.now();
    const error = await failure((await client({ HTTPS_PROXY: `http://127.0.0.1:${port}` })).listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_TIMEOUT', exitCode: 5 });
    // Two attempts of 400 ms (a read is retried), not undici's own 10 s connect timeout or worse.
    expect(Date.now() - started).toBeLessThan(3000);
    expect(proxy.connects).toHaveLength(2);
  }, 15_000);

  it('the real binary ends (exit 5, TENANT_TIMEOUT) instead of hanging', async () => {
    const { port } = await badProxy(() => undefined);
    const home = tempHome();
    try {
      const result = await runCli(['audit', 'exportConfig', 'list', '--host', TENANT, '--json'], {
        env: {
          HOME: home.home,
          IMMUTA_API_KEY: KEY,
          IMMUTA_TIMEOUT: '300',
          IMMUTA_RETRY_BASE_MS: '1',
          HTTPS_PROXY: `http://127.0.0.1:${port}`,
        },
        timeoutMs: 10_000,
      });
      expect(result.exitCode).toBe(5);
      expect(JSON.parse(result.stdout).error.code).toBe('TENANT_TIMEOUT');
    } finally {
      home.cleanup();
    }
  }, 15_000);
});

describe('a proxy that refuses the CONNECT', () => {
  it.each([
    [407, 'Proxy Authentication Required'],
    [403, 'Forbidden'],
  ])(
    'HTTP %i: TENANT_UNREACHABLE (exit 5) naming the proxy and its status, at once, not retried, no password shown',
    async (status, reason) => {
      const { proxy, port } = await badProxy(
        () => `HTTP/1.1 ${status} ${reason}\r\nProxy-Authenticate: Basic realm="corp"\r\ncontent-length: 0\r\n\r\n`,
      );
      const started = Date.now();
      const error = await failure(
        (
          await client({ HTTPS_PROXY: `http://bob:proxy-pass-w0rd@127.0.0.1:${port}` }, TENANT, {
            timeoutMs: 5000,
            readAttempts: 3,
          })
        ).listExportConfigurations(),
      );
      expect(error).toMatchObject({ code: 'TENANT_UNREACHABLE', exitCode: 5 });
      expect(error.message).toContain(`HTTP ${status}`);
      expect(error.message).toContain('proxy');
      expect(error.message).not.toContain('did not answer');
      expect(error.fix).toContain('HTTPS_PROXY');
      expect(`${error.message} ${error.fix} ${JSON.stringify(error.details)}`).not.toContain('proxy-pass-w0rd');
      // A refusal is an answer: no waiting for a timeout, and asking again gets the same refusal.
      expect(Date.now() - started).toBeLessThan(2000);
      expect(proxy.connects).toHaveLength(1);
      expect(proxy.connects[0]).toMatch(/^CONNECT tenant\.invalid:443 Basic /);
    },
  );
});

describe('proxy variables', () => {
  it('HTTP_PROXY without a scheme (host:port, as curl accepts it) is an http proxy', async () => {
    const tenant = await FakeTenant.start();
    running.push(tenant);
    tenant.replyAlways('getAllExportConfigurations', { data: [sampleConfiguration()] });
    const forwarding = await startRecordingProxy({ hosts: { 'tenant.invalid': '127.0.0.1' } });
    running.push(forwarding);
    const bare = forwarding.url.replace(/^http:\/\//, '');
    const configs = await (
      await client({ HTTP_PROXY: bare }, `http://tenant.invalid:${tenant.portNumber}`)
    ).listExportConfigurations();
    expect(configs).toHaveLength(1);
    expect(forwarding.seen).toHaveLength(1);
  });

  it.each([
    ['HTTPS_PROXY', 'http://'],
    ['https_proxy', 'http://bob:proxy-pass-w0rd@:3128'],
    ['HTTPS_PROXY', 'bob:p@ss-proxy-pass-w0rd@'],
    ['HTTP_PROXY', 'ftp://proxy.example.com:21'],
  ])('%s=%s that is no proxy URL: USAGE (exit 2) naming the variable, password not shown', async (name, value) => {
    const env = { [name]: value };
    for (const attempt of [async () => (await client(env)).listExportConfigurations(), async () => proxyFetch(env)]) {
      const error = await failure(attempt());
      expect(error).toMatchObject({ code: 'USAGE', exitCode: 2 });
      expect(error.message).toContain(name);
      expect(`${error.message} ${error.fix}`).not.toContain('proxy-pass-w0rd');
      if (value.includes('@')) expect(error.message).toContain(':***@');
    }
  });
});
