/**
 * Secrets that reached output or files by ways the other scans did not try (found by hostile use):
 * a password holding "@" in a URL's user info, a secret URL flag written `--url=` with user info, a
 * presigned S3 URL (or an s3:// URL with user info) given as a source, an answer that quotes the
 * webhook URL late (cut for display before it was redacted).
 * Each case runs the real binary (or the command in-process) and looks for the secret's every part.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets } from '../../src/lib/output/redact.js';
import { type CliResult, runCli, tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';

let home: ReturnType<typeof tempHome>;
beforeAll(() => {
  home = tempHome();
});
afterAll(() => home.cleanup());
afterEach(() => clearRegisteredSecrets());

const everything = (result: CliResult) => `${result.stdout}\n${result.stderr}`;

describe('a password with "@" in a URL (`https://admin:hunter@2secret@host`, as curl takes it)', () => {
  // URL parsers take the user info to the authority's last "@": the password is `hunter@2secretTail`.
  const host = 'https://admin:hunter@2secretTail@tenant.example.com';

  it('IMMUTA_HOST: the refusal shows no part of the password, in human output or --json', async () => {
    for (const json of [[], ['--json']]) {
      const result = await runCli(['audit', 'exportConfig', 'list', ...json], {
        env: { HOME: home.home, IMMUTA_HOST: host, IMMUTA_API_KEY: 'leak-test-api-key-0123456789' },
      });
      expect(result.exitCode).toBe(2);
      if (json.length) expect(result.stdout).toContain('"code": "HOST_INVALID"');
      expect(everything(result)).toContain('must not contain a user name or password');
      expect(everything(result)).not.toContain('2secretTail');
      expect(everything(result)).not.toContain('hunter');
    }
  }, 60_000);

  it('a password with a malformed %-escape (`p%zz`): HOST_INVALID, not an unexpected failure', async () => {
    const result = await runCli(['audit', 'exportConfig', 'list', '--json'], {
      env: { HOME: home.home, IMMUTA_HOST: 'https://admin:secret%zzTail@tenant.example.com', IMMUTA_API_KEY: 'k' },
    });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stdout).toContain('"code": "HOST_INVALID"');
    expect(everything(result)).not.toContain('zzTail');
  }, 60_000);

  it('--host with DEBUG=*: neither oclif debug lines nor the refusal show it', async () => {
    const result = await runCli(['audit', 'exportConfig', 'list', '--host', host], {
      env: { HOME: home.home, IMMUTA_API_KEY: 'leak-test-api-key-0123456789', DEBUG: '*' },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('oclif'); // the debug lines were printed
    expect(everything(result)).not.toContain('2secretTail');
  }, 60_000);
});

describe('a secret URL flag in its `--flag=VALUE` form with user info', () => {
  it('webhooks create --url=https://u:pw@host/<token>, DEBUG=*: the token is in no debug line', async () => {
    const result = await runCli(
      [
        'webhooks',
        'create',
        '--url=https://u:userinfopass@hooks.example.com/services/PathTokenValue123',
        '--name',
        'x',
        '--notification',
        'permissionsUpdated',
      ],
      {
        env: {
          HOME: home.home,
          IMMUTA_HOST: 'http://127.0.0.1:9',
          IMMUTA_API_KEY: 'leak-test-api-key-0123',
          DEBUG: '*',
        },
      },
    );
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('oclif');
    expect(everything(result)).not.toContain('PathTokenValue123');
    expect(everything(result)).not.toContain('userinfopass');
  }, 60_000);
});

describe('a presigned S3 URL, or an s3:// URL with credentials, given as the source', () => {
  const token = 'IQoJb3JpZ2luSecretSessionToken';
  const signature = '0123abcdsignature9876';
  const presigned =
    'https://bucket.s3.us-east-1.amazonaws.com/immuta/x.json?X-Amz-Algorithm=AWS4-HMAC-SHA256' +
    `&X-Amz-Credential=ASIAEXAMPLEKEY%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z` +
    `&X-Amz-Expires=300&X-Amz-Security-Token=${token}&X-Amz-Signature=${signature}&X-Amz-SignedHeaders=host`;
  // An AWS secret key often holds a "/": its user info then ends, as a URL parser reads it, at that
  // "/", so the "@" is in the prefix and the bucket is `KEY:SECRET-HEAD`.
  const secrets = [token, signature, 'ASIAEXAMPLEKEY', 'UserInfoSecret99', 'SlashedSecretHead', 'SlashedSecretTail'];
  const leaked = (text: string) => secrets.filter((secret) => text.includes(secret));
  /** Every file under a folder, names and contents. */
  const filesUnder = (dir: string): string[] =>
    existsSync(dir)
      ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).flatMap((name) => {
          const path = join(dir, name);
          return statSync(path).isFile() ? [path, readFileSync(path, 'latin1')] : [path];
        })
      : [];

  it('athena-ddl and sync refuse it without repeating its credentials; no store folder holds them', async () => {
    const cache = join(home.home, 'cache');
    const env = {
      HOME: home.home,
      XDG_CACHE_HOME: cache,
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEONLY12345',
      AWS_SECRET_ACCESS_KEY: 'not-a-real-secret-access-key-0123456789',
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
      IMMUTA_RETRY_BASE_MS: '1',
    };
    const cases = [
      ['audit', 'logs', 'athena-ddl', presigned],
      ['audit', 'logs', 'athena-ddl', `s3://bucket/immuta?X-Amz-Security-Token=${token}&X-Amz-Signature=${signature}`],
      ['audit', 'logs', 'sync', `s3://bucket/immuta?X-Amz-Security-Token=${token}&X-Amz-Signature=${signature}`],
      ['audit', 'logs', 'sync', 's3://ASIAEXAMPLEKEY:UserInfoSecret99@bucket/immuta'],
      ['audit', 'logs', 'sync', 's3://ASIAEXAMPLEKEY:SlashedSecretHead/SlashedSecretTail@bucket/immuta'],
      ['audit', 'logs', 'athena-ddl', 's3://ASIAEXAMPLEKEY:SlashedSecretHead/SlashedSecretTail@bucket/immuta'],
      ['audit', 'logs', 'sync', 'https://ASIAEXAMPLEKEY:SlashedSecretHead/SlashedSecretTail@bucket.s3.amazonaws.com/x'],
      ['audit', 'logs', 'sync', presigned],
    ];
    for (const args of cases) {
      for (const json of [[], ['--json']]) {
        const result = await runCli([...args, ...json], { env });
        expect(result.exitCode, args.join(' ')).toBe(2);
        expect(leaked(everything(result)), everything(result)).toEqual([]);
      }
    }
    expect(leaked(filesUnder(cache).join('\n'))).toEqual([]);
  }, 120_000);
});

describe('an answer that echoes the webhook URL late, cut for display', () => {
  // The cut came before the redaction: the URL, cut in two, was no longer the registered value,
  // and its head (the token's first characters with it) was printed.
  const token = 'LateEchoedWebhookTokenABCDEFGHIJKLMNOP';
  const hook = `https://hooks.example.com/services/T000/B000/${token}`;
  const head = token.slice(0, 10);

  /** A server on 127.0.0.1 answering every request with `status` and `body(url it was sent)`. */
  async function echoing(status: number, body: (sent: string) => string) {
    const server: Server = createServer((req, res) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => {
        const sent = /"url":"([^"]+)"/.exec(text)?.[1] ?? hook;
        res.writeHead(status, { 'content-type': 'application/json' }).end(body(sent));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  it("webhooks create: the tenant's 400 message (Hapi `message`, or plain text) shows no part of the token", async () => {
    for (const shape of ['json', 'text'] as const) {
      const tenant = await echoing(400, (sent) => {
        // Cut at 300 characters: 12 of them the token's.
        const message = `invalid webhook: ${'a'.repeat(300 - 18 - (sent.length - token.length) - 12)} ${sent}`;
        return shape === 'json' ? JSON.stringify({ statusCode: 400, error: 'Bad Request', message }) : message;
      });
      try {
        const result = await runCommand(
          ['webhooks', 'create', '--url', hook, '--name', 'n', '--notification', 'permissionsUpdated', '--json'],
          { env: { HOME: home.home, IMMUTA_HOST: tenant.url, IMMUTA_API_KEY: 'leak-test-api-key-0123456789' } },
        );
        expect(result.exitCode).toBe(2);
        expect(result.stdout).toContain('WEBHOOK_API_REJECTED');
        expect(everything(result)).not.toContain(head);
      } finally {
        await tenant.stop();
      }
    }
  });

  it("logs watch: a receiver's refusal that quotes its URL late shows no part of the token", async () => {
    let url = '';
    // Cut at 199 characters: 12 of them the token's.
    const receiver = await echoing(
      400,
      () => `invalid_payload ${'b'.repeat(199 - 17 - (url.length - token.length) - 12)} ${url}`,
    );
    const events = join(home.home, 'events');
    mkdirSync(events, { recursive: true });
    writeFileSync(
      join(events, 'a.ndjson'),
      `${JSON.stringify({ id: 'e1', eventTimestamp: new Date().toISOString(), event: 'QueryFailed', action: 'QUERY', actionStatus: 'FAILURE', actor: { id: 'u', name: 'Ann' }, targets: [] })}\n`,
    );
    try {
      url = `${receiver.url}/services/T000/B000/${token}`;
      const result = await runCommand(
        [
          'audit',
          'logs',
          'watch',
          '--source',
          events,
          '--preset',
          'failed-queries',
          '--webhook',
          url,
          '--once',
          '--since',
          '7d',
          '--format',
          'json',
        ],
        { env: { HOME: home.home, XDG_CACHE_HOME: join(home.home, 'watch-cache') } },
      );
      expect(result.stderr).toContain('refused');
      expect(everything(result)).not.toContain(head);
    } finally {
      await receiver.stop();
    }
  });
});
