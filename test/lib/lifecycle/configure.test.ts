import { describe, expect, it } from 'vitest';
import {
  type ConfigureIO,
  collectSettings,
  maskKey,
  renderShow,
  showResult,
  verificationFailed,
} from '../../../src/lib/lifecycle/configure.js';
import { CliError } from '../../../src/lib/errors/cli-error.js';
import { REDACTED, redactText } from '../../../src/lib/output/redact.js';

const KEY = 'abcdef0123456789abcdef0123456789';

/** Scripted answers; records what was asked. Fails the test if asked something unscripted. */
function io(answers: { stdin?: string; line?: string; secret?: string } = {}) {
  const asked: string[] = [];
  const fake: ConfigureIO = {
    readStdin: async () => {
      asked.push('stdin');
      if (answers.stdin === undefined) throw new Error('stdin read unexpectedly');
      return answers.stdin;
    },
    askLine: async (message, defaultValue) => {
      asked.push(`line:${message}|${defaultValue ?? ''}`);
      if (answers.line === undefined) throw new Error('prompted unexpectedly');
      return answers.line || defaultValue || '';
    },
    askSecret: async (message) => {
      asked.push(`secret:${message}`);
      if (answers.secret === undefined) throw new Error('prompted unexpectedly');
      return answers.secret;
    },
  };
  return { fake, asked };
}

async function usage(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}

describe('collectSettings (non-interactive)', () => {
  it('takes --host and the key from standard input, trimmed', async () => {
    const { fake, asked } = io({ stdin: `  ${KEY}\n` });
    const s = await collectSettings({
      profile: 'default',
      host: 'https://x.example',
      apiKeyStdin: true,
      interactive: false,
      io: fake,
    });
    expect(s).toEqual({ host: 'https://x.example', apiKey: KEY, hostFrom: 'flag', apiKeyFrom: 'stdin' });
    expect(asked).toEqual(['stdin']);
    // Registered as a secret as soon as it is read.
    expect(redactText(`k=${KEY}`)).toBe(`k=${REDACTED}`);
  });

  it('keeps the profile values not given again (rotate a key, move a host)', async () => {
    const existing = { host: 'https://old.example', api_key: 'old-key-0123456789' };
    const rotated = await collectSettings({
      profile: 'p',
      apiKeyStdin: true,
      interactive: false,
      existing,
      io: io({ stdin: KEY }).fake,
    });
    expect(rotated).toMatchObject({ host: 'https://old.example', hostFrom: 'profile', apiKey: KEY });
    const moved = await collectSettings({
      profile: 'p',
      host: 'https://new.example',
      apiKeyStdin: false,
      interactive: false,
      existing,
      io: io().fake,
    });
    expect(moved).toMatchObject({ host: 'https://new.example', apiKey: 'old-key-0123456789', apiKeyFrom: 'profile' });
  });

  it('without a host: exit 2 naming --host, before reading the key', async () => {
    const { fake, asked } = io({ stdin: KEY });
    const error = await usage(collectSettings({ profile: 'prod', apiKeyStdin: true, interactive: false, io: fake }));
    expect(error).toMatchObject({ code: 'HOST_MISSING', exitCode: 2 });
    expect(error.fix).toContain('--host');
    expect(error.fix).toContain('-p prod');
    expect(asked).toEqual([]);
  });

  it('without a key: exit 2 naming --api-key-stdin', async () => {
    const error = await usage(
      collectSettings({
        profile: 'default',
        host: 'https://x.example',
        apiKeyStdin: false,
        interactive: false,
        io: io().fake,
      }),
    );
    expect(error).toMatchObject({ code: 'API_KEY_MISSING', exitCode: 2 });
    expect(error.fix).toContain('--api-key-stdin');
  });

  it('with --api-key-stdin and empty input: exit 2', async () => {
    const error = await usage(
      collectSettings({
        profile: 'default',
        host: 'https://x.example',
        apiKeyStdin: true,
        interactive: false,
        io: io({ stdin: ' \n' }).fake,
      }),
    );
    expect(error).toMatchObject({ code: 'API_KEY_MISSING', exitCode: 2 });
    expect(error.message).toContain('empty');
  });
});

describe('collectSettings (interactive)', () => {
  it('asks for the host (current value as default) and the key at a masked prompt', async () => {
    const { fake, asked } = io({ line: 'https://typed.example', secret: KEY });
    const s = await collectSettings({
      profile: 'default',
      apiKeyStdin: false,
      interactive: true,
      existing: { host: 'https://old.example' },
      io: fake,
    });
    expect(s).toEqual({ host: 'https://typed.example', apiKey: KEY, hostFrom: 'prompt', apiKeyFrom: 'prompt' });
    expect(asked[0]).toContain('|https://old.example');
    expect(asked[1]).toMatch(/^secret:/);
  });

  it('Enter keeps the current host and key; the prompt shows the key masked only', async () => {
    const existing = { host: 'https://old.example', api_key: 'old-key-0123456789' };
    const { fake, asked } = io({ line: '', secret: '' });
    const s = await collectSettings({ profile: 'default', apiKeyStdin: false, interactive: true, existing, io: fake });
    expect(s).toEqual({
      host: 'https://old.example',
      apiKey: 'old-key-0123456789',
      hostFrom: 'profile',
      apiKeyFrom: 'profile',
    });
    expect(asked[1]).toContain('****6789');
    expect(asked.join(' ')).not.toContain('old-key-0123456789');
  });

  it('does not prompt for what flags gave', async () => {
    const { fake, asked } = io({ stdin: KEY });
    await collectSettings({
      profile: 'default',
      host: 'https://x.example',
      apiKeyStdin: true,
      interactive: true,
      io: fake,
    });
    expect(asked).toEqual(['stdin']);
  });

  it('an empty answer with nothing to keep: exit 2', async () => {
    const error = await usage(
      collectSettings({
        profile: 'default',
        apiKeyStdin: false,
        interactive: true,
        io: io({ line: '', secret: '' }).fake,
      }),
    );
    expect(error).toMatchObject({ code: 'HOST_MISSING', exitCode: 2 });
  });
});

describe('maskKey', () => {
  it('shows the last 4 characters of a long key, nothing of a short one', () => {
    expect(maskKey(KEY)).toBe('****6789');
    expect(maskKey('short-key')).toBe('****');
  });
});

describe('verificationFailed', () => {
  it('keeps the code and exit code, says nothing was saved, and offers --no-verify for network failures only', () => {
    const network = verificationFailed(
      new CliError('cannot reach x', { code: 'TENANT_UNREACHABLE', exitCode: 5, fix: 'Check the URL.' }),
      '/f.yaml',
    ) as CliError;
    expect(network).toMatchObject({ code: 'TENANT_UNREACHABLE', exitCode: 5, message: 'not saved: cannot reach x' });
    expect(network.fix).toContain('--no-verify');
    const auth = verificationFailed(
      new CliError('rejected', { code: 'TENANT_UNAUTHORIZED', exitCode: 4, fix: 'New key.' }),
      '/f.yaml',
    ) as CliError;
    expect(auth).toMatchObject({ code: 'TENANT_UNAUTHORIZED', exitCode: 4, fix: 'New key.' });
    const bug = new TypeError('x');
    expect(verificationFailed(bug, '/f.yaml')).toBe(bug);
  });
});

describe('show', () => {
  it('masks the key and names each source', () => {
    const show = showResult({
      profile: 'prod',
      configFile: '/h/.immutacfg.yaml',
      host: { value: 'https://env.example', source: 'env' },
      apiKey: { value: KEY, source: 'profile' },
    });
    expect(show).toEqual({
      profile: 'prod',
      configFile: '/h/.immutacfg.yaml',
      host: 'https://env.example',
      hostSource: 'env',
      apiKeyMasked: '****6789',
      apiKeySource: 'profile',
    });
    const text = renderShow(show, (t) => t);
    expect(text).toContain('https://env.example  (from IMMUTA_HOST)');
    expect(text).toContain('****6789  (from profile "prod" in /h/.immutacfg.yaml)');
    expect(text).not.toContain(KEY);
    expect(
      renderShow(showResult({ profile: 'p', configFile: '/f', host: undefined, apiKey: undefined }), (t) => t),
    ).toMatch(/host\s+not set/);
  });
});

describe('collectSettings: a tenant URL without a scheme', () => {
  it('--host 127.0.0.1:4466: exit 2 saying the URL needs https:// (http:// for a local sandbox), before reading the key', async () => {
    const { fake, asked } = io({ stdin: KEY });
    const error = await usage(
      collectSettings({ profile: 'sandbox', host: '127.0.0.1:4466', apiKeyStdin: true, interactive: false, io: fake }),
    );
    expect(error).toMatchObject({ code: 'HOST_SCHEME_MISSING', exitCode: 2 });
    expect(error.message).toContain('needs https:// (or http:// for a local sandbox)');
    expect(error.fix).toContain('--host http://127.0.0.1:4466');
    expect(asked).toEqual([]);
  });

  it('at the prompt: asks the host again at once, offering the likely URL, and keeps going', async () => {
    const answers = ['127.0.0.1:4466', ''];
    const asked: string[] = [];
    const fake: ConfigureIO = {
      readStdin: async () => '',
      askLine: async (message, defaultValue) => {
        asked.push(`${message}|${defaultValue ?? ''}`);
        return answers.shift() || defaultValue || '';
      },
      askSecret: async () => KEY,
    };
    const s = await collectSettings({ profile: 'default', apiKeyStdin: false, interactive: true, io: fake });
    expect(s).toMatchObject({ host: 'http://127.0.0.1:4466', apiKey: KEY, hostFrom: 'prompt' });
    expect(asked[1]).toContain('the URL needs https:// (or http:// for a local sandbox');
    expect(asked[1]).toMatch(/\|http:\/\/127\.0\.0\.1:4466$/);
  });
});
