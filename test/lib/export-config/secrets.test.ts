import { afterEach, describe, expect, it } from 'vitest';
import { resolveSecretReferences } from '../../../src/lib/export-config/secrets.js';
import { clearRegisteredSecrets, redactText } from '../../../src/lib/output/redact.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function noStdin(): Promise<string> {
  throw new Error('standard input must not be read');
}

describe('secret references', () => {
  afterEach(() => clearRegisteredSecrets());

  it('reads {"fromEnv": NAME}, trims it, and registers it for redaction', async () => {
    const result = await resolveSecretReferences(
      { secretAccessKey: { fromEnv: 'MY_SECRET' }, bucket: 'b' },
      's3:accessKey',
      {
        env: { MY_SECRET: `${SECRET}\n` },
        configFromStdin: false,
        readSecret: noStdin,
      },
    );
    expect(result.problems).toEqual([]);
    expect(result.value).toEqual({ secretAccessKey: SECRET, bucket: 'b' });
    expect(result.sources).toEqual({ secretAccessKey: 'environment variable MY_SECRET' });
    expect(redactText(`key=${SECRET}`)).toBe('key=[REDACTED]');
  });

  it('registers literal secrets from the file too', async () => {
    await resolveSecretReferences({ sasToken: 'sv=1&sig=abcdefghij' }, 'adls:sasToken', {
      env: {},
      configFromStdin: false,
      readSecret: noStdin,
    });
    expect(redactText('sv=1&sig=abcdefghij')).toBe('[REDACTED]');
  });

  it('allows references on accessKeyId without treating it as a secret', async () => {
    const result = await resolveSecretReferences({ accessKeyId: { fromEnv: 'AWS_ACCESS_KEY_ID' } }, 's3:accessKey', {
      env: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE' },
      configFromStdin: false,
      readSecret: noStdin,
    });
    expect(result.value.accessKeyId).toBe('AKIAIOSFODNN7EXAMPLE');
    expect(redactText('AKIAIOSFODNN7EXAMPLE')).toBe('AKIAIOSFODNN7EXAMPLE');
  });

  it('reads {"fromStdin": true} once', async () => {
    const calls: string[] = [];
    const result = await resolveSecretReferences({ sasToken: { fromStdin: true } }, 'adls:sasToken', {
      env: {},
      configFromStdin: false,
      readSecret: async (field) => {
        calls.push(field);
        return '?sv=1&sig=from-stdin-123\n';
      },
    });
    expect(calls).toEqual(['sasToken']);
    expect(result.value.sasToken).toBe('?sv=1&sig=from-stdin-123');
    expect(result.sources.sasToken).toBe('standard input');
  });

  it.each([
    [
      { secretAccessKey: { fromEnv: 'UNSET_ONE' } },
      ['secretAccessKey', 'fromEnv'],
      /UNSET_ONE .*is not set/,
      /export UNSET_ONE=/,
    ],
    [
      { secretAccessKey: { fromEnv: 'EMPTY_ONE' } },
      ['secretAccessKey', 'fromEnv'],
      /EMPTY_ONE .*is empty/,
      /export EMPTY_ONE=/,
    ],
    [
      { secretAccessKey: { fromEnv: '$MY_SECRET' } },
      ['secretAccessKey', 'fromEnv'],
      /without "\$"/,
      /\{"fromEnv": "MY_SECRET"\}/,
    ],
    [
      { secretAccessKey: { fromEnv: 42 } },
      ['secretAccessKey', 'fromEnv'],
      /name of an environment variable/,
      /fromEnv/,
    ],
    [
      { secretAccessKey: { env: 'X' } },
      ['secretAccessKey', 'env'],
      /did you mean "fromEnv"/,
      /Rename "env" to "fromEnv"/,
    ],
    [{ secretAccessKey: { stdin: true } }, ['secretAccessKey', 'stdin'], /did you mean "fromStdin"/, /Rename/],
    [
      { secretAccessKey: { fromFile: '/run/secret' } },
      ['secretAccessKey', 'fromFile'],
      /not supported/,
      /fromStdin.*redirect/,
    ],
    [{ secretAccessKey: {} }, ['secretAccessKey'], /empty object/, /fromEnv/],
    [
      { secretAccessKey: { fromEnv: 'A', fromStdin: true } },
      ['secretAccessKey'],
      /both "fromEnv" and "fromStdin"/,
      /Give the value as a string/,
    ],
    [{ secretAccessKey: { fromStdin: 'yes' } }, ['secretAccessKey', 'fromStdin'], /must be true/, /"fromStdin": true/],
  ])('%j is reported at %j', async (raw, path, message, fix) => {
    const result = await resolveSecretReferences(raw, 's3:accessKey', {
      env: { EMPTY_ONE: '  ', MY_SECRET: 'x' },
      configFromStdin: false,
      readSecret: noStdin,
    });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ path });
    expect(result.problems[0]?.message).toMatch(message);
    expect(result.problems[0]?.fix).toMatch(fix);
    expect([...result.unresolved]).toEqual(['secretAccessKey']);
  });

  it('refuses fromStdin when the configuration itself comes from standard input', async () => {
    const result = await resolveSecretReferences({ secretAccessKey: { fromStdin: true } }, 's3:accessKey', {
      env: {},
      configFromStdin: true,
      readSecret: noStdin,
    });
    expect(result.problems[0]?.message).toMatch(/configuration itself is read from standard input/);
  });

  it('lets only one field read standard input, and reports empty input', async () => {
    const two = await resolveSecretReferences(
      { accessKeyId: { fromStdin: true }, secretAccessKey: { fromStdin: true } },
      's3:accessKey',
      {
        env: {},
        configFromStdin: false,
        readSecret: async () => 'AKIAIOSFODNN7EXAMPLE',
      },
    );
    expect(two.problems.map((p) => p.message)).toEqual([
      '"secretAccessKey" and "accessKeyId" both read standard input; only one field can',
    ]);
    const empty = await resolveSecretReferences({ sasToken: { fromStdin: true } }, 'adls:sasToken', {
      env: {},
      configFromStdin: false,
      readSecret: async () => '\n',
    });
    expect(empty.problems[0]?.message).toMatch(/standard input was empty/);
  });

  it('leaves references on other fields to the schema (which rejects them)', async () => {
    const result = await resolveSecretReferences({ bucket: { fromEnv: 'B' } }, 's3:accessKey', {
      env: { B: 'bucket' },
      configFromStdin: false,
      readSecret: noStdin,
    });
    expect(result.problems).toEqual([]);
    expect(result.value.bucket).toEqual({ fromEnv: 'B' });
  });
});
