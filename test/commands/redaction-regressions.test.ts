/**
 * Redaction, end to end: a hostile tenant that echoes the secret it received inside a long GraphQL
 * error (the part shown before the cut must not be the secret's head), and our own wording that
 * redaction by shape must leave alone (a plan entry after a field name, a fix that shows a secret
 * reference, a message about a profile's api_key).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApplyPlan } from '../../src/lib/apply/plan.js';
import { renderPlan } from '../../src/lib/apply/render.js';
import { clearRegisteredSecrets, redactText } from '../../src/lib/output/redact.js';
import { ROOT, tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';

const API_KEY = 'redaction-test-api-key-0123456789';
const EXAMPLE = join(ROOT, 'examples', 'sandbox-access-key.json');
const SECRET = (JSON.parse(readFileSync(EXAMPLE, 'utf8')) as { secretAccessKey: string }).secretAccessKey;

let home: ReturnType<typeof tempHome>;
beforeAll(() => {
  home = tempHome();
});
afterAll(() => home.cleanup());
afterEach(() => clearRegisteredSecrets());

/** The value under `key` anywhere in a parsed JSON value. */
function find(value: unknown, key: string): unknown {
  if (!value || typeof value !== 'object') return undefined;
  for (const [k, inner] of Object.entries(value)) {
    if (k === key) return inner;
    const found = find(inner, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A tenant that answers every request with one GraphQL error: `padding` a's, then the secretAccessKey it received. */
async function echoingTenant(padding: number): Promise<{ url: string; received: string[]; stop: () => Promise<void> }> {
  const received: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const secret = find(JSON.parse(body) as unknown, 'secretAccessKey');
      received.push(typeof secret === 'string' ? secret : '');
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ message: `${'a'.repeat(padding)}${String(secret)}` }] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a GraphQL error that echoes the secret, cut for display', () => {
  // 280: the cut at 300 characters fell 20 characters into the secret; 292: 8 characters into it.
  it.each([280, 292])(
    'with %i characters before the secret: no part of it in stdout, stderr or --json',
    async (padding) => {
      const tenant = await echoingTenant(padding);
      try {
        const env = { HOME: home.home, IMMUTA_API_KEY: API_KEY };
        const args = ['--host', tenant.url, 'audit', 'exportConfig', 'create:s3:accessKey', EXAMPLE];
        const human = await runCommand(args, { env });
        const json = await runCommand([...args, '--json'], { env });
        expect(tenant.received).toEqual([SECRET, SECRET]); // the secret did reach the tenant
        for (const result of [human, json]) {
          expect(result.exitCode).toBe(5);
          const output = result.stdout + result.stderr;
          expect(output).toContain('aaaa');
          expect(output).not.toContain(SECRET.slice(0, 8));
        }
        const answer = JSON.parse(json.stdout) as { error: { message: string; details: { graphqlErrors: string[] } } };
        // Redacted, then cut: the marker is shown whole, or left out with what follows it.
        expect(answer.error.message).toMatch(padding === 280 ? /a\[REDACTED\]$/ : /a… \(10 more characters\)$/);
        expect(answer.error.details.graphqlErrors.join('')).not.toContain(SECRET.slice(0, 8));
      } finally {
        await tenant.stop();
      }
    },
  );
});

describe('our own wording is not redacted by shape', () => {
  it('apply: an entry after a "not compared: secretAccessKey" line still reads "= unchanged"', () => {
    const entry = (id: string, file: string) => ({
      action: {
        action: 'unchanged' as const,
        id,
        file,
        kind: 's3:accessKey' as const,
        destination: `s3://bucket-${id}/audit`,
        notCompared: ['secretAccessKey'],
      },
    });
    const plan: ApplyPlan = { steps: [entry('cfg-1', 'a.json'), entry('cfg-2', 'b.json')] };
    const text = renderPlan(plan, new Chalk({ level: 0 }));
    expect(text).toMatch(/secretAccessKey\n= unchanged cfg-2 /);
    expect(redactText(text)).toBe(text);
  });

  const write = (name: string, config: Record<string, unknown>) => {
    const path = join(home.home, name);
    writeFileSync(path, JSON.stringify(config, null, 2));
    return path;
  };
  const s3 = { interval: 'EVERY_2_HOURS', bucket: 'b', region: 'us-east-1', accessKeyId: 'AKIASANDBOXDEMO00001' };
  const adls = { interval: 'EVERY_2_HOURS', storageAccount: 'account', fileSystem: 'audit-output' };

  it.each([
    ['create:s3:accessKey', s3, 'Add "secretAccessKey": {"fromEnv": "AWS_SECRET_ACCESS_KEY"} to the object.'],
    ['create:adls:sasToken', adls, 'Add "sasToken": {"fromEnv": "AZURE_SAS_TOKEN"} to the object.'],
    [
      'create:s3:accessKey',
      { ...s3, secretAccessKey: { fromEnv: 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY' } },
      'e.g. "secretAccessKey": {"fromEnv": "AWS_SECRET_ACCESS_KEY"}.',
    ],
  ])('%s: the fix shows the secret reference whole (%#)', async (command, config, fix) => {
    const file = write(`config-${command.replace(/:/g, '-')}.json`, config);
    const result = await runCommand(['audit', 'exportConfig', command, file], {
      env: { HOME: home.home, IMMUTA_HOST: 'http://127.0.0.1:9', IMMUTA_API_KEY: API_KEY },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(fix);
    expect(result.stderr).not.toContain('[REDACTED]');
  });

  it('a profile whose api_key is a number: "invalid api_key: it must be a string"', async () => {
    const profileHome = join(home.home, 'numeric-key');
    mkdirSync(profileHome);
    writeFileSync(join(profileHome, '.immutacfg.yaml'), 'sandbox:\n  host: http://127.0.0.1:9\n  api_key: 12345\n');
    const result = await runCommand(['-p', 'sandbox', 'audit', 'exportConfig', 'list'], { env: { HOME: profileHome } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('invalid api_key: it must be a string');
  });
});
