import { isSecretKey, registerSecret, registerUrlPassword } from '../output/redact.js';

/**
 * Secrets given on the command line (`configure --api-key VALUE`, which the CLI refuses, or any flag
 * named like a secret) are registered before oclif sees argv: oclif's own debug lines
 * (`DEBUG=*`) print argv and parsed flags before any command can refuse them.
 * Passwords in URLs (`--host http://admin:pw@...`) are registered too. Returns the values registered.
 */
/**
 * Flags whose value is a URL that is itself a credential (a Slack incoming webhook's path is its
 * token): `watch --webhook`, `webhooks create --url`. The commands show them masked; oclif's debug
 * lines would print them whole.
 */
const URL_SECRET_FLAGS = new Set(['webhook', 'url']);

export function registerArgvSecrets(argv: readonly string[]): string[] {
  const found: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index] ?? '';
    if (token === '--') break;
    // A URL with a password (`--host http://admin:pw@...`): the CLI refuses it, but never echoes the password.
    // The password runs to the authority's last "@", as URL parsers read it: `admin:p@ss@host` is the
    // password `p@ss` (stopping at the first "@" registered `p` and printed `ss`).
    const password = /^(?:--?[\w-]+=)?[a-z][a-z0-9+.-]*:\/\/[^/?#@\s:]*:([^/?#\s]+)@/i.exec(token)?.[1];
    if (password) {
      found.push(...registerUrlPassword(password));
      // `--url=https://u:pw@host/<token>` is also a secret flag's value: registered whole below.
      if (!token.startsWith('-')) continue;
    }
    const match = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/s.exec(token);
    if (!match) continue;
    const name = (match[1] ?? '').replace(/[-_]/g, '');
    if (!isSecretKey(name) && !isSecretKey(match[1] ?? '') && !URL_SECRET_FLAGS.has(name)) continue;
    const value = match[2] ?? argv[index + 1];
    if (value === undefined || (match[2] === undefined && value.startsWith('-'))) continue;
    registerSecret(value);
    found.push(value);
  }
  return found;
}
