/**
 * Secrets that reached output or files by ways the other scans did not try (found by hostile use):
 * a password holding "@" in a URL's user info, a secret URL flag written `--url=` with user info.
 * Each case runs the real binary (or the command in-process) and looks for the secret's every part.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clearRegisteredSecrets } from '../../src/lib/output/redact.js';
import { type CliResult, runCli, tempHome } from '../helpers/run-cli.js';

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
