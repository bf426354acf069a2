/**
 * `immuta configure`: store a profile's tenant URL and API key (prompts on a terminal, --host and
 * --api-key-stdin in scripts), checked against the tenant first; `--show` prints the effective settings.
 */
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { CommandIO } from '../io/command-io.js';
import { registerSecret } from '../output/redact.js';
import { type ShowResult, collectSettings, maskKey, renderShow, showResult, verificationFailed } from './configure.js';

export interface ConfigureOptions {
  apiKeyStdin: boolean;
  show: boolean;
  verify: boolean;
  /** A value given to the hidden --api-key flag: refused, never echoed. */
  apiKeyFlag?: string;
}

export interface ConfigureResult {
  profile: string;
  host: string;
  configFile: string;
  verified: boolean;
}

/** An API key is a line of text; anything this large is not one. */
const MAX_KEY_BYTES = 64 * 1024;

export async function runConfigure(options: ConfigureOptions, io: CommandIO): Promise<ConfigureResult | ShowResult> {
  if (options.apiKeyFlag !== undefined) {
    registerSecret(options.apiKeyFlag);
    throw new CliError(
      'the API key is not accepted as a flag value (it would end up in shell history and process lists)',
      {
        code: 'API_KEY_AS_FLAG',
        exitCode: ExitCode.USAGE,
        fix: 'Pipe it to --api-key-stdin, or run `immuta configure` on a terminal to type it at a masked prompt; consider rotating the key.',
      },
    );
  }
  const { describeTenantSettings, normalizeHost } = await import('../config/tenant-settings.js');
  const { globals } = io;
  if (options.show) {
    const show = showResult(
      describeTenantSettings({
        host: globals.host,
        profile: globals.profile,
        configFile: globals.configFile,
        env: io.env,
      }),
    );
    io.out(renderShow(show, (t) => io.paint.dim(t)));
    return show;
  }

  const { ProfileStore } = await import('../config/profile-store.js');
  const store = new ProfileStore(globals.configFile);
  const profile = globals.profile;
  const existing = store.get(profile);
  if (existing?.api_key) registerSecret(existing.api_key);
  const collected = await collectSettings({
    profile,
    host: globals.host,
    apiKeyStdin: options.apiKeyStdin,
    // --json asks nothing, also on a terminal: what is missing is a usage error naming the flag.
    interactive: io.caps.interactive && !io.json,
    existing,
    io: {
      readStdin: () => io.readStdin(MAX_KEY_BYTES),
      askLine: (message, defaultValue) => io.prompts.line(message, defaultValue),
      askSecret: (message) => io.prompts.secret(message),
    },
  });
  const host = normalizeHost(collected.host);

  let checked = ' without checking it (--no-verify)';
  if (options.verify) {
    const { TenantClient } = await import('../tenant/client.js');
    const client = new TenantClient({
      host,
      apiKey: collected.apiKey,
      profile,
      configFile: store.path,
      hostSource: 'flag',
      apiKeySource: 'flag',
    });
    const progress = await io.progress(`Checking the API key against ${host}`);
    try {
      const configurations = await client.listExportConfigurations();
      checked = `; the tenant accepted the key (${configurations.length} export configuration${configurations.length === 1 ? '' : 's'} visible)`;
    } catch (error) {
      throw verificationFailed(error, store.path);
    } finally {
      progress.stop();
    }
  }

  await store.set(profile, { host, api_key: collected.apiKey });
  io.out(`Saved profile "${profile}" (${host}, key ${maskKey(collected.apiKey)}) to ${store.path}${checked}.`);
  const overriding = ['IMMUTA_HOST', 'IMMUTA_API_KEY'].filter((name) => io.env[name]);
  if (overriding.length > 0)
    io.note(
      `Note: ${overriding.join(' and ')} ${overriding.length > 1 ? 'are' : 'is'} set in this environment and take${overriding.length > 1 ? '' : 's'} precedence over the saved profile.`,
    );
  if (profile !== 'default')
    io.note(`Use it with -p ${profile}, e.g. \`immuta -p ${profile} audit exportConfig list\`.`);
  return { profile, host, configFile: store.path, verified: options.verify };
}
