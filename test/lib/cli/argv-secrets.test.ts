/**
 * `DEBUG='*' immuta configure --api-key VALUE` printed VALUE in oclif's debug lines before the CLI
 * refused the flag (issue 11, item 15). Secrets on the command line are registered before oclif runs.
 */
import { describe, expect, it } from 'vitest';
import { registerArgvSecrets } from '../../../src/lib/cli/argv-secrets.js';
import { runCli, tempHome } from '../../helpers/run-cli.js';

describe('registerArgvSecrets', () => {
  it('finds values of secret-named flags in both forms, and nothing else', () => {
    expect(
      registerArgvSecrets([
        'configure',
        '--api-key',
        'spaced-api-key-value-1',
        '--api-key=equals-api-key-value-2',
        '--secret-access-key',
        'wJalrXUtnFEMI/K7MDENG/bPxRfiCYARGVKEY',
        '--host',
        'https://not-a-secret.example',
        '--token',
        '--json',
        '--',
        '--password',
        'after-double-dash',
      ]),
    ).toEqual(['spaced-api-key-value-1', 'equals-api-key-value-2', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYARGVKEY']);
  });

  it('finds passwords in URLs, in both flag forms', () => {
    expect(
      registerArgvSecrets([
        'list',
        '--host',
        'http://admin:hunter2%21pw@tenant.example',
        '--host=https://u:plainpass9@x.example/',
      ]),
    ).toEqual(['hunter2%21pw', 'hunter2!pw', 'plainpass9']);
    expect(registerArgvSecrets(['--host', 'https://user@x.example', 'https://x.example:443/'])).toEqual([]);
  });
});

describe('webhook URLs (their path is the token)', () => {
  it('are registered for watch --webhook and webhooks create --url, in both forms', () => {
    expect(
      registerArgvSecrets([
        'audit',
        'logs',
        'watch',
        '--webhook',
        'https://hooks.slack.com/services/T0/B0/XXXXSECRET',
        '--url=https://alerts.example.com/hook/token-123',
      ]),
    ).toEqual(['https://hooks.slack.com/services/T0/B0/XXXXSECRET', 'https://alerts.example.com/hook/token-123']);
  });
});

describe('the real binary with DEBUG=*', () => {
  it('never prints an --api-key value, in debug lines or the refusal', async () => {
    const value = 'argv-debug-api-key-0123456789';
    const { home, cleanup } = tempHome();
    try {
      for (const form of [['--api-key', value], [`--api-key=${value}`]]) {
        const result = await runCli(['configure', '--host', 'https://tenant.example.com', ...form], {
          env: { HOME: home, DEBUG: '*' },
        });
        expect(result.exitCode).not.toBe(0);
        expect(result.stderr).toContain('immuta'); // the debug lines were printed
        expect(result.stdout + result.stderr).not.toContain(value);
        expect(result.stdout + result.stderr).not.toContain(value.slice(0, 20));
      }
    } finally {
      cleanup();
    }
  }, 60_000);

  it('never prints a --webhook URL whole (oclif prints argv and the parsed flags)', async () => {
    const url = 'https://hooks.slack.com/services/T0ARGV/B0ARGV/argvDebugWebhookToken';
    const { home, cleanup } = tempHome();
    try {
      const result = await runCli(
        ['audit', 'logs', 'watch', '--store', home, '--preset', 'nope', '--webhook', url, '--once'],
        { env: { HOME: home, DEBUG: '*' } },
      );
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('immuta'); // the debug lines were printed
      expect(result.stdout + result.stderr).not.toContain('argvDebugWebhookToken');
    } finally {
      cleanup();
    }
  }, 60_000);
});

describe('user info in URLs, hostile forms', () => {
  it('a password holding "@" is registered whole (to the authority\'s last "@"), not its head', () => {
    expect(registerArgvSecrets(['--host', 'https://admin:hunter@2secret@tenant.example'])).toEqual(['hunter@2secret']);
    expect(registerArgvSecrets(['https://h.example:8443/path@x', 'https://h.example/a:b@c'])).toEqual([]);
  });

  it('`--url=` with user info registers the whole URL too (its path may be the token)', () => {
    const url = 'https://u:userinfopass@hooks.example.com/services/PathToken123';
    expect(registerArgvSecrets([`--url=${url}`])).toEqual(['userinfopass', url]);
  });
});
