/**
 * `immuta configure`: where the tenant URL and API key come from, how they are checked, and how
 * the effective settings are shown. The command only wires flags and output to these functions.
 */
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { EffectiveSettings, SettingSource } from '../config/tenant-settings.js';
import type { Profile } from '../config/profile-store.js';
import { registerSecret } from '../output/redact.js';

/** How the command asks for what it was not given. Injected, so the logic is testable without a TTY. */
export interface ConfigureIO {
  readStdin(): Promise<string>;
  askLine(message: string, defaultValue?: string): Promise<string>;
  askSecret(message: string): Promise<string>;
}

export interface CollectOptions {
  profile: string;
  /** `--host` */
  host?: string;
  /** `--api-key-stdin` */
  apiKeyStdin: boolean;
  /** May prompt (stdin and stdout are TTYs, not CI). */
  interactive: boolean;
  /** The profile as it is in the file now: values not given again are kept. */
  existing?: Profile;
  io: ConfigureIO;
}

export type InputSource = 'flag' | 'stdin' | 'prompt' | 'profile';

export interface CollectedSettings {
  host: string;
  apiKey: string;
  hostFrom: InputSource;
  apiKeyFrom: InputSource;
}

/** `****1a2b`: the last 4 characters only, and none at all of a key too short to hide the rest. */
export function maskKey(key: string): string {
  const trimmed = key.trim();
  return trimmed.length >= 12 ? `****${trimmed.slice(-4)}` : '****';
}

const hasScheme = (host: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(host);
const LOCAL = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/i;

/** `127.0.0.1:4466` is most likely the local sandbox (plain http); anything else a real tenant (https). */
function withLikelyScheme(host: string): string {
  return `${LOCAL.test(host) ? 'http' : 'https'}://${host}`;
}

function schemeAdvice(host: string): string {
  return `"${host}" has no scheme: the URL needs https:// (or http:// for a local sandbox, e.g. ${withLikelyScheme(host).replace(/^https:/, 'http:')}).`;
}

function schemeMissing(host: string, profile: string): CliError {
  return new CliError(`the tenant URL "${host}" has no scheme: it needs https:// (or http:// for a local sandbox)`, {
    code: 'HOST_SCHEME_MISSING',
    exitCode: ExitCode.USAGE,
    fix: `Pass the whole URL, e.g. \`immuta configure${profileFlag(profile)} --host ${withLikelyScheme(host)}\`.`,
  });
}

const profileFlag = (profile: string) => (profile === 'default' ? '' : ` -p ${profile}`);

/**
 * The tenant URL: --host, else a prompt (current value as default), else the profile's current
 * one. The API key: standard input with --api-key-stdin, else a masked prompt (Enter keeps the
 * current key), else the profile's current one. Never a flag value: that would end up in shell
 * history and process lists.
 */
export async function collectSettings(options: CollectOptions): Promise<CollectedSettings> {
  const { io, existing, profile } = options;
  let host: string | undefined;
  let hostFrom: InputSource = 'flag';
  if (options.host !== undefined && options.host.trim() !== '') {
    host = options.host.trim();
    if (!hasScheme(host)) throw schemeMissing(host, profile);
  } else if (options.interactive) {
    let question = 'Immuta tenant URL (e.g. https://your-immuta.com)';
    let suggestion = existing?.host;
    host = (await io.askLine(question, suggestion)).trim();
    // Ask again at once (before the key), so nothing typed so far is lost to a later TLS error.
    for (let retry = 0; host && !hasScheme(host) && retry < 3; retry++) {
      question = `${schemeAdvice(host)} Immuta tenant URL`;
      suggestion = withLikelyScheme(host);
      host = (await io.askLine(question, suggestion)).trim();
    }
    if (host && !hasScheme(host)) throw schemeMissing(host, profile);
    hostFrom = existing?.host !== undefined && host === existing.host ? 'profile' : 'prompt';
  } else if (existing?.host) {
    host = existing.host;
    hostFrom = 'profile';
  }
  if (!host) {
    throw new CliError(`no tenant URL given for profile "${profile}"`, {
      code: 'HOST_MISSING',
      exitCode: ExitCode.USAGE,
      fix: `Pass it with --host, e.g. \`immuta configure${profileFlag(profile)} --host https://your-immuta.com --api-key-stdin\` (this session cannot prompt).`,
    });
  }

  let apiKey: string | undefined;
  let apiKeyFrom: InputSource = 'stdin';
  if (options.apiKeyStdin) {
    apiKey = (await io.readStdin()).trim();
    registerSecret(apiKey);
    if (!apiKey) {
      throw new CliError('--api-key-stdin was given, but standard input was empty', {
        code: 'API_KEY_MISSING',
        exitCode: ExitCode.USAGE,
        fix: 'Pipe the key in, e.g. `printf %s "$IMMUTA_API_KEY" | immuta configure --host URL --api-key-stdin`.',
      });
    }
  } else if (options.interactive) {
    const keep = existing?.api_key ? ` (Enter keeps ${maskKey(existing.api_key)})` : '';
    apiKey = (await io.askSecret(`API key, from the API Keys tab of your Immuta profile page${keep}`)).trim();
    registerSecret(apiKey);
    apiKeyFrom = 'prompt';
    if (!apiKey && existing?.api_key) {
      apiKey = existing.api_key;
      apiKeyFrom = 'profile';
    }
  } else if (existing?.api_key) {
    apiKey = existing.api_key;
    apiKeyFrom = 'profile';
  }
  if (!apiKey) {
    throw new CliError(`no API key given for profile "${profile}"`, {
      code: 'API_KEY_MISSING',
      exitCode: ExitCode.USAGE,
      fix: `Pipe it to --api-key-stdin, e.g. \`printf %s "$KEY" | immuta configure${profileFlag(profile)} --host ${host} --api-key-stdin\` (this session cannot prompt).`,
    });
  }
  return { host, apiKey, hostFrom, apiKeyFrom };
}

/** Re-labels a failed verification: nothing was saved, and how to save anyway when it is the network. */
export function verificationFailed(error: unknown, configFile: string): unknown {
  if (!(error instanceof CliError)) return error;
  const auth = error.exitCode === ExitCode.AUTH;
  return new CliError(`not saved: ${error.message}`, {
    code: error.code,
    exitCode: error.exitCode,
    fix: auth ? error.fix : `${error.fix ?? 'Check the tenant URL.'} To save without checking, add --no-verify.`,
    location: { file: configFile },
    details: { ...error.details, saved: false },
    cause: error,
  });
}

/** The `configure --show` document: each setting with where it came from; the key masked. */
export interface ShowResult {
  profile: string;
  configFile: string;
  host: string | null;
  hostSource: SettingSource | null;
  apiKeyMasked: string | null;
  apiKeySource: SettingSource | null;
}

export function showResult(settings: EffectiveSettings): ShowResult {
  return {
    profile: settings.profile,
    configFile: settings.configFile,
    host: settings.host?.value ?? null,
    hostSource: settings.host?.source ?? null,
    apiKeyMasked: settings.apiKey ? maskKey(settings.apiKey.value) : null,
    apiKeySource: settings.apiKey?.source ?? null,
  };
}

function describeSource(source: SettingSource | null, variable: string, show: ShowResult): string {
  switch (source) {
    case 'flag':
      return 'from --host';
    case 'env':
      return `from ${variable}`;
    case 'profile':
      return `from profile "${show.profile}" in ${show.configFile}`;
    default:
      return '';
  }
}

/** Human lines for `configure --show`. `dim` styles the labels. */
export function renderShow(show: ShowResult, dim: (text: string) => string): string {
  const rows: Array<[string, string]> = [
    ['profile', show.profile],
    ['config file', show.configFile],
    ['host', show.host ? `${show.host}  (${describeSource(show.hostSource, 'IMMUTA_HOST', show)})` : 'not set'],
    [
      'api key',
      show.apiKeyMasked
        ? `${show.apiKeyMasked}  (${describeSource(show.apiKeySource, 'IMMUTA_API_KEY', show)})`
        : 'not set',
    ],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${dim(k.padEnd(width))}  ${v}`).join('\n');
}
