import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { registerSecret } from '../output/redact.js';
import { ProfileStore } from './profile-store.js';

export type SettingSource = 'flag' | 'env' | 'profile';

/** Everything needed to talk to a tenant, and where each part came from (shown by `configure --show`). */
export interface TenantSettings {
  host: string;
  apiKey: string;
  profile: string;
  configFile: string;
  hostSource: SettingSource;
  apiKeySource: SettingSource;
}

export interface ResolveOptions {
  host?: string;
  profile?: string;
  configFile?: string;
  env: NodeJS.ProcessEnv;
}

/** Normalises a tenant URL: adds https:// when no scheme is given, drops a trailing slash. */
export function normalizeHost(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, '');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CliError(`"${raw}" is not a valid tenant URL`, {
      code: 'HOST_INVALID',
      exitCode: ExitCode.USAGE,
      fix: 'Use the address of your Immuta tenant, e.g. https://your-immuta.com',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError(`"${raw}" must be an http(s) URL`, { code: 'HOST_INVALID', exitCode: ExitCode.USAGE, fix: 'Use https://your-immuta.com' });
  }
  return withScheme;
}

/** Precedence: flags > environment (IMMUTA_HOST, IMMUTA_API_KEY) > profile in the config file. */
export function resolveTenantSettings(options: ResolveOptions): TenantSettings {
  const profileName = options.profile ?? 'default';
  const store = new ProfileStore(options.configFile ?? options.env.IMMUTA_CONFIG);
  const profile = store.get(profileName);
  const hostCandidates: Array<[string | undefined, SettingSource]> = [
    [options.host, 'flag'],
    [options.env.IMMUTA_HOST, 'env'],
    [profile?.host, 'profile'],
  ];
  const keyCandidates: Array<[string | undefined, SettingSource]> = [
    [options.env.IMMUTA_API_KEY, 'env'],
    [profile?.api_key, 'profile'],
  ];
  const host = hostCandidates.find(([v]) => v !== undefined && v.trim() !== '');
  const key = keyCandidates.find(([v]) => v !== undefined && v.trim() !== '');
  if (key) registerSecret(key[0]);
  if (!host || !key) {
    const missing = [!host && 'tenant URL', !key && 'API key'].filter(Boolean).join(' and ');
    throw new CliError(`no ${missing} for profile "${profileName}"`, {
      code: 'NOT_CONFIGURED',
      exitCode: ExitCode.USAGE,
      location: { file: store.path },
      fix: `Run \`immuta configure${profileName === 'default' ? '' : ` -p ${profileName}`}\`, or set IMMUTA_HOST and IMMUTA_API_KEY.`,
    });
  }
  return {
    host: normalizeHost(host[0] as string),
    apiKey: (key[0] as string).trim(),
    profile: profileName,
    configFile: store.path,
    hostSource: host[1],
    apiKeySource: key[1],
  };
}
