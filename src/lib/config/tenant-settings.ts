import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { registerSecret, registerUrlPassword } from '../output/redact.js';
import { distance } from 'fastest-levenshtein';
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

/**
 * `scheme://user:password@host` with the password masked: user input that is echoed must not show it.
 * The user info runs to the authority's last "@" (as URL parsers read `admin:p@ss@host`): stopping at
 * the first printed the rest of such a password.
 */
function maskUserinfo(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i, (_m, scheme: string, userinfo: string) => {
    const user = userinfo.split(':')[0] ?? '';
    return `${scheme}${user}${userinfo.includes(':') ? ':***' : ''}@`;
  });
}

/** Normalises a tenant URL: adds https:// when no scheme is given, drops a trailing slash. */
export function normalizeHost(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, '');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  const shown = maskUserinfo(raw);
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CliError(`"${shown}" is not a valid tenant URL`, {
      code: 'HOST_INVALID',
      exitCode: ExitCode.USAGE,
      fix: 'Use the address of your Immuta tenant, e.g. https://your-immuta.com',
    });
  }
  if (url.username || url.password) {
    // Immuta authenticates with the API key: credentials in the URL would only leak (history, logs, messages).
    registerUrlPassword(url.password);
    throw new CliError(`the tenant URL "${shown}" must not contain a user name or password`, {
      code: 'HOST_INVALID',
      exitCode: ExitCode.USAGE,
      fix: `Use ${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname} and the API key (\`immuta configure\`, IMMUTA_API_KEY).`,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CliError(`"${shown}" must be an http(s) URL`, {
      code: 'HOST_INVALID',
      exitCode: ExitCode.USAGE,
      fix: 'Use https://your-immuta.com',
    });
  }
  return withScheme;
}

/** One setting and where it came from. */
export interface SourcedValue {
  value: string;
  source: SettingSource;
}

/** What the flags, environment and profile file give, without requiring anything (`configure --show`). */
export interface EffectiveSettings {
  profile: string;
  configFile: string;
  host: SourcedValue | undefined;
  apiKey: SourcedValue | undefined;
  /** Whether the config file has this profile. */
  profileFound?: boolean;
}

function firstSet(candidates: Array<[string | undefined, SettingSource]>): SourcedValue | undefined {
  const found = candidates.find(([v]) => v !== undefined && v.trim() !== '');
  return found ? { value: (found[0] as string).trim(), source: found[1] } : undefined;
}

/** Precedence: flags > environment (IMMUTA_HOST, IMMUTA_API_KEY) > profile in the config file. Never throws for missing values. */
export function describeTenantSettings(options: ResolveOptions): EffectiveSettings {
  const profileName = options.profile ?? 'default';
  const store = new ProfileStore(options.configFile ?? options.env.IMMUTA_CONFIG);
  const profile = store.get(profileName);
  const host = firstSet([
    [options.host, 'flag'],
    [options.env.IMMUTA_HOST, 'env'],
    [profile?.host, 'profile'],
  ]);
  // No flag for the key on purpose: a flag value ends up in shell history and `ps` output.
  const apiKey = firstSet([
    [options.env.IMMUTA_API_KEY, 'env'],
    [profile?.api_key, 'profile'],
  ]);
  if (apiKey) registerSecret(apiKey.value);
  return { profile: profileName, configFile: store.path, host, apiKey, profileFound: profile !== undefined };
}

/** `-p nosuch`: say which profiles the file has, the nearest first. */
function unknownProfile(profile: string, configFile: string, names: string[]): CliError {
  const nearest = names
    .map((name) => ({ name, dist: distance(name.toLowerCase(), profile.toLowerCase()) }))
    .filter(({ name, dist }) => dist <= Math.max(2, Math.ceil(name.length * 0.4)))
    .sort((a, b) => a.dist - b.dist)[0]?.name;
  const known = `the profiles there are ${names.join(', ')}`;
  return new CliError(
    `no profile "${profile}" in the config file: ${known}${nearest ? ` (did you mean "${nearest}"?)` : ''}`,
    {
      code: 'PROFILE_NOT_FOUND',
      exitCode: ExitCode.USAGE,
      location: { file: configFile },
      fix: nearest
        ? `Use \`-p ${nearest}\`, or create "${profile}" with \`immuta configure -p ${profile}\`.`
        : `Create it with \`immuta configure -p ${profile}\`, or pass one of the existing profiles with -p.`,
      details: { profile, profiles: names },
    },
  );
}

/** Precedence: flags > environment (IMMUTA_HOST, IMMUTA_API_KEY) > profile in the config file. */
export function resolveTenantSettings(options: ResolveOptions): TenantSettings {
  const { profile: profileName, configFile, host, apiKey, profileFound } = describeTenantSettings(options);
  if ((!host || !apiKey) && !profileFound && profileName !== 'default') {
    // Only when the file has profiles: with no file at all, "run configure" (below) is the better fix.
    const names = new ProfileStore(configFile).profiles().sort();
    if (names.length > 0) throw unknownProfile(profileName, configFile, names);
  }
  if (!host || !apiKey) {
    const missing = [!host && 'tenant URL', !apiKey && 'API key'].filter(Boolean).join(' and ');
    throw new CliError(`no ${missing} for profile "${profileName}"`, {
      code: 'NOT_CONFIGURED',
      exitCode: ExitCode.USAGE,
      location: { file: configFile },
      fix: `Run \`immuta configure${profileName === 'default' ? '' : ` -p ${profileName}`}\`, or set IMMUTA_HOST and IMMUTA_API_KEY.`,
    });
  }
  return {
    host: normalizeHost(host.value),
    apiKey: apiKey.value,
    profile: profileName,
    configFile,
    hostSource: host.source,
    apiKeySource: apiKey.source,
  };
}
