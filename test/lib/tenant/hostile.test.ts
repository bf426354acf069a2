/**
 * Hostile tenants (issue 11, items 6, 7, 9): small HTTP servers on 127.0.0.1, started and stopped
 * here, that redirect elsewhere, answer without end, answer huge or deeply nested errors. Each test
 * attacks the real client again and checks what it sends, reads and reports.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeHost } from '../../../src/lib/config/tenant-settings.js';
import { TenantClient } from '../../../src/lib/tenant/client.js';
import { insecureHostWarning } from '../../../src/lib/tenant/host-safety.js';
import { failure, thrown } from '../../helpers/expect-cli-error.js';
import { sampleConfiguration } from '../../helpers/fake-tenant.js';

const KEY = 'hostile-test-api-key-0123456789';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYHOSTILEKEY';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A server whose every answer `handler` writes; records what it received. */
class Hostile {
  readonly seen: Seen[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
    this.server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        handler(req, res, body);
      });
    });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const running: Hostile[] = [];
async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const server = new Hostile(handler);
  running.push(server);
  return { server, url: await server.start() };
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

function client(host: string, options: ConstructorParameters<typeof TenantClient>[1] = {}) {
  const warnings: string[] = [];
  const instance = new TenantClient(
    { host, apiKey: KEY, profile: 'default', configFile: '/nowhere.yaml', hostSource: 'flag', apiKeySource: 'env' },
    { backoffMs: 1, timeoutMs: 5000, readAttempts: 1, env: {}, warn: (m) => warnings.push(m), ...options },
  );
  return { instance, warnings };
}

const createWithSecret = (c: TenantClient) =>
  c.mutateConfiguration('createS3AccessKeyExportConfiguration', {
    data: {
      interval: 'EVERY_12_HOURS',
      bucket: 'b',
      region: 'us-east-1',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: SECRET,
    },
  });

describe('redirects (item 6): never followed to another origin, nothing re-sent', () => {
  it.each([301, 302, 303, 307, 308])(
    'HTTP %i to another origin: exit 5 naming where it pointed; the other server gets nothing',
    async (status) => {
      const other = await serve((_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ data: { createS3AccessKeyExportConfiguration: sampleConfiguration() } })),
      );
      const tenant = await serve((_req, res) =>
        res.writeHead(status, { location: `${other.url}/api/audit/graphql` }).end(),
      );
      const error = await failure(createWithSecret(client(tenant.url).instance));
      expect(error).toMatchObject({ code: 'TENANT_REDIRECTED', exitCode: 5 });
      expect(error.message).toContain(`${other.url}/api/audit/graphql`);
      expect(error.message).toContain(String(status));
      expect(other.server.seen).toEqual([]);
      expect(tenant.server.seen).toHaveLength(1);
    },
  );

  it('a redirect is not retried, even for a read', async () => {
    const tenant = await serve((_req, res) => res.writeHead(307, { location: 'https://elsewhere.example/x' }).end());
    const error = await failure(client(tenant.url, { readAttempts: 3 }).instance.listExportConfigurations());
    expect(error.code).toBe('TENANT_REDIRECTED');
    expect(tenant.server.seen).toHaveLength(1);
  });

  it('a Location with credentials or control codes is shown without the password, and capped', async () => {
    const tenant = await serve((_req, res) =>
      res.writeHead(308, { location: `http://user:hunter2pw@evil.example/${'a'.repeat(5000)}` }).end(),
    );
    const error = await failure(client(tenant.url).instance.listExportConfigurations());
    expect(error.message).not.toContain('hunter2pw');
    expect(error.message.length).toBeLessThan(1000);
  });

  it('a 307 within the same origin is followed with the same POST (one hop)', async () => {
    const tenant = await serve((req, res, body) => {
      if (req.url === '/api/audit/graphql') {
        res.writeHead(307, { location: '/v2/api/audit/graphql' }).end();
        return;
      }
      expect(JSON.parse(body).query).toContain('getAllExportConfigurations');
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: { getAllExportConfigurations: [sampleConfiguration()] } }));
    });
    expect(await client(tenant.url).instance.listExportConfigurations()).toHaveLength(1);
    expect(tenant.server.seen.map((s) => s.url)).toEqual(['/api/audit/graphql', '/v2/api/audit/graphql']);
    expect(tenant.server.seen[1]?.headers.authorization).toBe(KEY);
  });
});

describe('answers are capped (item 7)', () => {
  it('an endless body stops at the cap: TENANT_ANSWER_TOO_LARGE, exit 5, memory bounded', async () => {
    const tenant = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    const before = process.memoryUsage().rss;
    const error = await failure(client(tenant.url).instance.listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_ANSWER_TOO_LARGE', exitCode: 5 });
    expect(error.message).toContain('4 MiB');
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('a Content-Length over the cap is refused before the body is read', async () => {
    const tenant = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 * 1024 * 1024) });
      res.write('{"data":');
    });
    const error = await failure(client(tenant.url, { maxAnswerBytes: 1024 }).instance.listExportConfigurations());
    expect(error.code).toBe('TENANT_ANSWER_TOO_LARGE');
  });

  it('a 3 MB GraphQL error message: classified as a GraphQL error, printed capped', async () => {
    const huge = `bad value ${'z'.repeat(3 * 1024 * 1024)}`;
    const tenant = await serve((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: Array.from({ length: 1 }, () => ({ message: huge })) })),
    );
    const error = await failure(createWithSecret(client(tenant.url).instance));
    expect(error).toMatchObject({ code: 'TENANT_GRAPHQL_ERROR', exitCode: 5 });
    expect(error.message.length).toBeLessThan(1000);
    expect(error.message).toContain('more characters');
    expect(JSON.stringify(error.details).length).toBeLessThan(2000);
  });

  it('many GraphQL errors: at most five are kept', async () => {
    const tenant = await serve((_req, res) =>
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: Array.from({ length: 10_000 }, (_, i) => ({ message: `error ${i}` })) })),
    );
    const error = await failure(client(tenant.url).instance.listExportConfigurations());
    expect(error.code).toBe('TENANT_SERVER_ERROR');
    expect(error.message).toContain('error 4');
    expect(error.message).not.toContain('error 5');
  });

  it.each([200, 400])(
    'a Content-Type of 8,000 characters with a tab (HTTP %i, not JSON): shown capped, on one line',
    async (status) => {
      const contentType = `text/html+${'x'.repeat(8000)}\t; charset=utf-8`;
      const tenant = await serve((_req, res) => res.writeHead(status, { 'content-type': contentType }).end('<html>'));
      const error = await failure(client(tenant.url).instance.listExportConfigurations());
      expect(error).toMatchObject({ code: 'TENANT_NOT_AUDIT_ENDPOINT', exitCode: 5 });
      expect(error.message.length).toBeLessThan(500);
      expect(error.message).toContain('text/html');
      expect(error.message).not.toContain('\t');
    },
  );

  it('deeply nested JSON (100,000 levels) is no crash: a classified answer, exit 5, renderable', async () => {
    const depth = 100_000;
    const deep = `{"errors":[{"message":"x","extensions":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}]}`;
    const tenant = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(deep));
    const error = await failure(client(tenant.url).instance.listExportConfigurations());
    expect(error.exitCode).toBe(5);
    expect(() => JSON.stringify({ message: error.message, details: error.details })).not.toThrow();
  });

  it('deep nesting inside `data` is refused the same way (it would overflow rendering later)', async () => {
    const depth = 50_000;
    const deep = `{"data":{"getAllExportConfigurations":[${'['.repeat(depth)}${']'.repeat(depth)}]}}`;
    const tenant = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(deep));
    const error = await failure(client(tenant.url).instance.listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_NOT_AUDIT_ENDPOINT', exitCode: 5 });
  });
});

describe('hosts (item 9)', () => {
  it('an http:// host that is not loopback gets a warning before the API key is sent', async () => {
    // Reached through 127.0.0.1, named otherwise: the warning is about the name the user gave.
    const tenant = await serve((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: { getAllExportConfigurations: [] } })),
    );
    const { instance, warnings } = client(tenant.url.replace('127.0.0.1', 'localhost'));
    await instance.listExportConfigurations();
    expect(warnings).toEqual([]);
    expect(insecureHostWarning('http://tenant.example.com')).toMatch(/plain http.*https:\/\/tenant\.example\.com/);
    expect(insecureHostWarning('http://10.0.0.5:8080')).toContain('plain http');
    for (const safe of ['https://tenant.example.com', 'http://127.0.0.1:4466', 'http://localhost', 'http://[::1]:80'])
      expect(insecureHostWarning(safe)).toBeUndefined();
  });

  it('the client warns once, before sending, for a non-loopback http host', async () => {
    const { instance, warnings } = client('http://tenant.invalid', { readAttempts: 1, timeoutMs: 2000 });
    await failure(instance.listExportConfigurations());
    await failure(instance.listExportConfigurations());
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('tenant.invalid');
  });

  it('--host http://admin:pw@... is refused (exit 2) without echoing the password', () => {
    for (const raw of ['http://admin:s3cretPassw0rd@tenant.example.com', 'https://admin:s3cretPassw0rd@x.example/']) {
      const error = thrown(() => normalizeHost(raw));
      expect(error).toMatchObject({ code: 'HOST_INVALID', exitCode: 2 });
      expect(JSON.stringify({ m: error.message, f: error.fix, d: error.details })).not.toContain('s3cretPassw0rd');
      expect(error.message).toContain('admin:***@');
    }
    const invalid = thrown(() => normalizeHost('http://admin:s3cretPassw0rd@[bad'));
    expect(invalid.message).not.toContain('s3cretPassw0rd');
  });

  it('the client never shows credentials of its host in messages or details.host', async () => {
    const { instance } = client('http://admin:s3cretPassw0rd@127.0.0.1:1', { readAttempts: 1 });
    const error = await failure(instance.listExportConfigurations());
    expect(JSON.stringify({ m: error.message, d: error.details })).not.toContain('s3cretPassw0rd');
  });
});

describe('a tenant that never answers: a mutation may have been made', () => {
  const silent = () => serve(() => undefined);
  const withProfile = (host: string, profile: string) =>
    new TenantClient(
      { host, apiKey: KEY, profile, configFile: '/nowhere.yaml', hostSource: 'flag', apiKeySource: 'env' },
      { backoffMs: 1, timeoutMs: 200, readAttempts: 1, env: {}, warn: () => undefined },
    );

  it('a create that times out says to check with list before running it again (a retry could duplicate)', async () => {
    const tenant = await silent();
    const error = await failure(createWithSecret(client(tenant.url, { timeoutMs: 200 }).instance));
    expect(error).toMatchObject({ code: 'TENANT_TIMEOUT', exitCode: 5 });
    expect(error.message).toBe('the tenant did not answer within 200 ms; the change may have been made all the same');
    expect(error.fix).toContain('`immuta audit exportConfig list`');
    expect(error.fix).toContain('before running the command again');
    expect(error.fix).not.toMatch(/^Try again/);
    expect(error.details).toMatchObject({ changeMayHaveBeenMade: true });
    expect(tenant.server.seen).toHaveLength(1);
  });

  it.each([
    [
      'update',
      (c: TenantClient) => c.mutateConfiguration('updateS3AssumedRoleExportConfiguration', { data: { id: 'cfg-9' } }),
    ],
    ['enable', (c: TenantClient) => c.mutateConfiguration('enableExportConfiguration', { id: 'cfg-9' })],
    ['disable', (c: TenantClient) => c.mutateConfiguration('disableExportConfiguration', { id: 'cfg-9' })],
    ['delete', (c: TenantClient) => c.deleteExportConfiguration('cfg-9')],
  ])('%s that times out points at `get ID`, with the profile the run used', async (_name, mutate) => {
    const tenant = await silent();
    const error = await failure(mutate(withProfile(tenant.url, 'prod')));
    expect(error).toMatchObject({ code: 'TENANT_TIMEOUT', exitCode: 5 });
    expect(error.message).toContain('the change may have been made');
    expect(error.fix).toContain('`immuta -p prod audit exportConfig get cfg-9`');
  });

  it('a read that times out keeps "Try again"', async () => {
    const tenant = await silent();
    const error = await failure(client(tenant.url, { timeoutMs: 200 }).instance.listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_TIMEOUT', exitCode: 5 });
    expect(error.message).toBe('the tenant did not answer within 200 ms');
    expect(error.fix).toMatch(/^Try again/);
  });

  it('a mutation whose connection is cut before the answer may have been made too', async () => {
    const tenant = await serve((req) => req.socket.destroy());
    const error = await failure(withProfile(tenant.url, 'default').deleteExportConfiguration('cfg-9'));
    expect(error).toMatchObject({ code: 'TENANT_UNREACHABLE', exitCode: 5 });
    expect(error.message).toContain('the change may have been made');
    expect(error.fix).toContain('`immuta audit exportConfig get cfg-9`');
  });
});
