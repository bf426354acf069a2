import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeTenantSettings,
  normalizeHost,
  resolveTenantSettings,
} from '../../../src/lib/config/tenant-settings.js';
import { REDACTED, clearRegisteredSecrets, redactText } from '../../../src/lib/output/redact.js';
import { thrown } from '../../helpers/expect-cli-error.js';

let dir: string;
let file: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'immuta-settings-'));
  file = join(dir, 'c.yaml');
  writeFileSync(
    file,
    'default:\n  host: https://profile.example\n  api_key: profile-key-0123456789\nhostonly:\n  host: https://hostonly.example\n',
  );
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  clearRegisteredSecrets();
});

describe('resolveTenantSettings: flags > environment > profile', () => {
  it('uses the profile when nothing else is set', () => {
    const s = resolveTenantSettings({ configFile: file, env: {} });
    expect(s).toEqual({
      host: 'https://profile.example',
      apiKey: 'profile-key-0123456789',
      profile: 'default',
      configFile: file,
      hostSource: 'profile',
      apiKeySource: 'profile',
    });
  });

  it('lets IMMUTA_HOST and IMMUTA_API_KEY override the profile', () => {
    const s = resolveTenantSettings({
      configFile: file,
      env: { IMMUTA_HOST: 'https://env.example', IMMUTA_API_KEY: 'env-key-0123456789' },
    });
    expect(s).toMatchObject({
      host: 'https://env.example',
      hostSource: 'env',
      apiKey: 'env-key-0123456789',
      apiKeySource: 'env',
    });
  });

  it('lets --host override IMMUTA_HOST', () => {
    const s = resolveTenantSettings({
      host: 'https://flag.example/',
      configFile: file,
      env: { IMMUTA_HOST: 'https://env.example' },
    });
    expect(s).toMatchObject({ host: 'https://flag.example', hostSource: 'flag', apiKeySource: 'profile' });
  });

  it('ignores blank values instead of letting them win', () => {
    const s = resolveTenantSettings({ host: ' ', configFile: file, env: { IMMUTA_HOST: '', IMMUTA_API_KEY: '  ' } });
    expect(s).toMatchObject({ hostSource: 'profile', apiKeySource: 'profile' });
  });

  it('reads the file named by IMMUTA_CONFIG when no --config is given', () => {
    expect(resolveTenantSettings({ env: { IMMUTA_CONFIG: file } }).host).toBe('https://profile.example');
  });

  it('mixes sources per setting: a profile with a host only plus IMMUTA_API_KEY', () => {
    const s = resolveTenantSettings({
      profile: 'hostonly',
      configFile: file,
      env: { IMMUTA_API_KEY: 'env-key-0123456789' },
    });
    expect(s).toMatchObject({
      host: 'https://hostonly.example',
      hostSource: 'profile',
      apiKeySource: 'env',
      profile: 'hostonly',
    });
  });

  it('fails with NOT_CONFIGURED (exit 2) naming what is missing and how to set it', () => {
    const missing = thrown(() => resolveTenantSettings({ profile: 'hostonly', configFile: file, env: {} }));
    expect(missing).toMatchObject({ code: 'NOT_CONFIGURED', exitCode: 2 });
    expect(missing.message).toContain('API key');
    expect(missing.message).not.toContain('tenant URL');
    expect(missing.fix).toContain('immuta configure -p hostonly');
    const none = thrown(() =>
      resolveTenantSettings({ profile: 'nobody', configFile: join(dir, 'absent.yaml'), env: {} }),
    );
    expect(none.message).toContain('tenant URL and API key');
  });

  it('registers the key as a secret as soon as it is read', () => {
    resolveTenantSettings({ configFile: file, env: { IMMUTA_API_KEY: 'a-fresh-secret-key-987' } });
    expect(redactText('key=a-fresh-secret-key-987')).toBe(`key=${REDACTED}`);
  });
});

describe('describeTenantSettings', () => {
  it('reports partial settings with their sources and never throws for missing ones', () => {
    const d = describeTenantSettings({
      profile: 'nobody',
      configFile: file,
      env: { IMMUTA_HOST: 'https://env.example' },
    });
    expect(d).toEqual({
      profile: 'nobody',
      configFile: file,
      host: { value: 'https://env.example', source: 'env' },
      apiKey: undefined,
      profileFound: false,
    });
  });
});

describe('-p with a profile the file does not have', () => {
  it('exit 2 naming the profiles that exist and the nearest', () => {
    const error = thrown(() => resolveTenantSettings({ profile: 'hostonlY', configFile: file, env: {} }));
    expect(error).toMatchObject({ code: 'PROFILE_NOT_FOUND', exitCode: 2 });
    expect(error.message).toBe(
      'no profile "hostonlY" in the config file: the profiles there are default, hostonly (did you mean "hostonly"?)',
    );
    expect(error.fix).toContain('-p hostonly');
    const far = thrown(() => resolveTenantSettings({ profile: 'zzzzzzzzzzz', configFile: file, env: {} }));
    expect(far.message).toBe('no profile "zzzzzzzzzzz" in the config file: the profiles there are default, hostonly');
    expect(far.fix).toContain('immuta configure -p zzzzzzzzzzz');
  });

  it('the environment still wins: a missing profile with IMMUTA_HOST and IMMUTA_API_KEY set is fine', () => {
    const s = resolveTenantSettings({
      profile: 'nosuch',
      configFile: file,
      env: { IMMUTA_HOST: 'https://env.example', IMMUTA_API_KEY: 'env-key-0123456789' },
    });
    expect(s.host).toBe('https://env.example');
  });
});

describe('normalizeHost', () => {
  it('adds https:// when there is no scheme and drops trailing slashes', () => {
    expect(normalizeHost('your-immuta.com')).toBe('https://your-immuta.com');
    expect(normalizeHost(' https://your-immuta.com// ')).toBe('https://your-immuta.com');
    expect(normalizeHost('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
  });

  it('rejects other schemes and garbage with exit 2', () => {
    expect(thrown(() => normalizeHost('ftp://x.example'))).toMatchObject({ code: 'HOST_INVALID', exitCode: 2 });
    expect(thrown(() => normalizeHost('https://exa mple.com'))).toMatchObject({ code: 'HOST_INVALID', exitCode: 2 });
  });
});
