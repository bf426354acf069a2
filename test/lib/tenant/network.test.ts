/**
 * TLS and proxies with real servers: an HTTPS fake tenant with a self-signed certificate made at
 * test time (openssl), and a small forward proxy that records what it is asked to connect to.
 * In-process for the client, and through the real binary where Node reads the environment at
 * start-up (NODE_EXTRA_CA_CERTS).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TenantClient } from '../../../src/lib/tenant/client.js';
import { type Transport, createTransport, nodeTransport } from '../../../src/lib/tenant/transport.js';
import { FakeTenant, sampleConfiguration } from '../../helpers/fake-tenant.js';
import { runCli, tempHome } from '../../helpers/run-cli.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { type RecordingProxy, startRecordingProxy } from '../../helpers/recording-proxy.js';

/** A name that never resolves (RFC 6761): only the proxy can reach it. */
const UNRESOLVABLE = 'tenant.invalid';
const KEY = 'network-test-key-0123456789';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function client(host: string, transport?: Transport): TenantClient {
  return new TenantClient(
    { host, apiKey: KEY, profile: 'default', configFile: '/nowhere.yaml', hostSource: 'flag', apiKeySource: 'env' },
    { backoffMs: 1, timeoutMs: 5000, readAttempts: 1, env: {}, ...(transport ? { transport } : {}) },
  );
}

const openssl = hasOpenssl();
let certDir: string;
let certFile: string;
let httpsTenant: FakeTenant;
let httpTenant: FakeTenant;
let proxy: RecordingProxy;
let proxyUrl: string;
let home: { home: string; cleanup: () => void };

beforeAll(async () => {
  home = tempHome();
  httpTenant = await FakeTenant.start();
  proxy = await startRecordingProxy({ hosts: { [UNRESOLVABLE]: '127.0.0.1' } });
  proxyUrl = proxy.url;
  if (openssl) {
    certDir = mkdtempSync(join(tmpdir(), 'immuta-tls-'));
    certFile = join(certDir, 'cert.pem');
    const keyFile = join(certDir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        keyFile,
        '-out',
        certFile,
        '-days',
        '2',
        '-subj',
        `/CN=${UNRESOLVABLE}`,
        '-addext',
        `subjectAltName=DNS:${UNRESOLVABLE},IP:127.0.0.1`,
      ],
      { stdio: 'ignore' },
    );
    httpsTenant = await FakeTenant.start({
      tls: { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') },
    });
  }
});
afterAll(async () => {
  await httpTenant?.stop();
  await httpsTenant?.stop();
  await proxy?.stop();
  if (certDir) rmSync(certDir, { recursive: true, force: true });
  home?.cleanup();
});
beforeEach(() => {
  proxy.seen.length = 0;
  httpTenant.reset();
  httpsTenant?.reset();
  httpTenant.replyAlways('getAllExportConfigurations', { data: [sampleConfiguration()] });
  httpsTenant?.replyAlways('getAllExportConfigurations', { data: [sampleConfiguration()] });
});

describe.skipIf(!openssl)('TLS against a real HTTPS server with a self-signed certificate', () => {
  it('an untrusted certificate -> TENANT_TLS, exit 5, mentioning NODE_EXTRA_CA_CERTS', async () => {
    const error = await failure(client(httpsTenant.url).listExportConfigurations());
    expect(error).toMatchObject({ code: 'TENANT_TLS', exitCode: 5 });
    expect(error.fix).toContain('NODE_EXTRA_CA_CERTS');
    expect(httpsTenant.requests).toHaveLength(0);
  });

  it('the real binary: exit 5 with the NODE_EXTRA_CA_CERTS fix, then exit 0 once NODE_EXTRA_CA_CERTS names the CA', async () => {
    const env = { HOME: home.home, IMMUTA_API_KEY: KEY, IMMUTA_RETRY_BASE_MS: '1' };
    const refused = await runCli(['audit', 'exportConfig', 'list', '--host', httpsTenant.url], { env });
    expect(refused.exitCode).toBe(5);
    expect(refused.stderr).toContain('NODE_EXTRA_CA_CERTS');
    const trusted = await runCli(['audit', 'exportConfig', 'list', '--host', httpsTenant.url, '--json'], {
      env: { ...env, NODE_EXTRA_CA_CERTS: certFile },
    });
    expect(trusted.exitCode).toBe(0);
    expect(JSON.parse(trusted.stdout)).toEqual([sampleConfiguration()]);
  });
});

describe('proxies (HTTPS_PROXY, HTTP_PROXY, NO_PROXY)', () => {
  it('HTTP_PROXY: the request goes through the proxy and succeeds', async () => {
    const configs = await client(
      httpTenant.url,
      await createTransport({ HTTP_PROXY: proxyUrl }),
    ).listExportConfigurations();
    expect(configs).toHaveLength(1);
    expect(proxy.seen).toHaveLength(1);
    expect(proxy.seen[0]).toMatch(
      new RegExp(
        `^(CONNECT 127\\.0\\.0\\.1:${httpTenant.portNumber}|POST http://127\\.0\\.0\\.1:${httpTenant.portNumber}/api/audit/graphql)$`,
      ),
    );
    expect(httpTenant.requests[0]?.headers.authorization).toBe(KEY);
  });

  it.skipIf(!openssl)('HTTPS_PROXY: an https tenant is reached with CONNECT through the proxy', async () => {
    // In-process the certificate is not trusted, so the call fails after the tunnel: the CONNECT is the proof.
    const error = await failure(
      client(httpsTenant.url, await createTransport({ HTTPS_PROXY: proxyUrl })).listExportConfigurations(),
    );
    expect(error.code).toBe('TENANT_TLS');
    expect(proxy.seen).toEqual([`CONNECT 127.0.0.1:${httpsTenant.portNumber}`]);
  });

  it('NO_PROXY: a listed host is reached directly, the proxy sees nothing', async () => {
    const configs = await client(
      httpTenant.url,
      await createTransport({ HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: 'localhost,127.0.0.1' }),
    ).listExportConfigurations();
    expect(configs).toHaveLength(1);
    expect(proxy.seen).toEqual([]);
    expect(httpTenant.requests).toHaveLength(1);
  });

  it('no proxy variable: plain node:http, the proxy sees nothing', async () => {
    expect(await createTransport({})).toBe(nodeTransport);
    await client(httpTenant.url, await createTransport({})).listExportConfigurations();
    expect(proxy.seen).toEqual([]);
  });

  it.skipIf(!openssl)(
    'the real binary: HTTPS_PROXY reaches a host only the proxy can resolve; NO_PROXY sends it direct (and DNS fails)',
    async () => {
      const host = `https://${UNRESOLVABLE}:${httpsTenant.portNumber}`;
      const env = {
        HOME: home.home,
        IMMUTA_API_KEY: KEY,
        IMMUTA_RETRY_BASE_MS: '1',
        NODE_EXTRA_CA_CERTS: certFile,
        HTTPS_PROXY: proxyUrl,
      };
      const viaProxy = await runCli(['audit', 'exportConfig', 'list', '--host', host, '--json'], { env });
      expect(viaProxy.stderr).toBe('');
      expect(viaProxy.exitCode).toBe(0);
      expect(JSON.parse(viaProxy.stdout)).toHaveLength(1);
      expect(proxy.seen).toEqual([`CONNECT ${UNRESOLVABLE}:${httpsTenant.portNumber}`]);

      proxy.seen.length = 0;
      const direct = await runCli(['audit', 'exportConfig', 'list', '--host', host, '--json'], {
        env: { ...env, NO_PROXY: UNRESOLVABLE },
      });
      expect(direct.exitCode).toBe(5);
      expect(JSON.parse(direct.stdout).error.code).toBe('TENANT_DNS');
      expect(proxy.seen).toEqual([]);
    },
  );
});
