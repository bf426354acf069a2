import { Flags } from '@oclif/core';
import { BaseCommand, CliError, ExitCode } from '../lib/cli/base-command.js';
import {
  type ShowResult,
  collectSettings,
  maskKey,
  renderShow,
  showResult,
  verificationFailed,
} from '../lib/lifecycle/configure.js';
import { registerSecret } from '../lib/output/redact.js';

export interface ConfigureResult {
  profile: string;
  host: string;
  configFile: string;
  verified: boolean;
}

export default class Configure extends BaseCommand<typeof Configure> {
  static override summary =
    'Store the tenant URL and API key of a profile (prompts on a terminal; --host and --api-key-stdin in scripts).';
  static override description = `Writes the profile to the config file (default $HOME/.immutacfg.yaml, the official Immuta CLI's file) with mode 0600, keeping every other profile, key and comment in it. Before saving, it checks the settings by listing the tenant's export configurations (--no-verify skips that).

The API key is never accepted as a flag value (it would end up in shell history and process lists): type it at the masked prompt, or pipe it to --api-key-stdin. Values not given again keep the profile's current ones.

Settings are resolved as: --host flag > IMMUTA_HOST / IMMUTA_API_KEY > the profile in the config file. --show prints the effective settings and where each came from, with the key masked.`;
  static override examples = [
    '<%= config.bin %> configure',
    '<%= config.bin %> configure -p prod --host https://your-immuta.com',
    'printf %s "$IMMUTA_API_KEY" | <%= config.bin %> configure --host https://your-immuta.com --api-key-stdin',
    '<%= config.bin %> configure --show -p prod',
  ];
  static override flags = {
    'api-key-stdin': Flags.boolean({
      summary: 'Read the API key from standard input (until EOF; surrounding whitespace is trimmed).',
    }),
    show: Flags.boolean({
      summary: 'Print the effective settings and where each comes from (key masked); change nothing.',
      exclusive: ['api-key-stdin'],
    }),
    verify: Flags.boolean({
      summary: 'Check the settings against the tenant before saving.',
      allowNo: true,
      default: true,
    }),
    // Defined only to refuse it without echoing the value (an unknown flag would echo it as an argument).
    'api-key': Flags.string({ hidden: true }),
  };

  public async run(): Promise<ConfigureResult | ShowResult> {
    if (this.flags['api-key'] !== undefined) {
      registerSecret(this.flags['api-key']);
      throw new CliError(
        'the API key is not accepted as a flag value (it would end up in shell history and process lists)',
        {
          code: 'API_KEY_AS_FLAG',
          exitCode: ExitCode.USAGE,
          fix: 'Pipe it to --api-key-stdin, or run `immuta configure` on a terminal to type it at a masked prompt; consider rotating the key.',
        },
      );
    }
    const { describeTenantSettings, normalizeHost } = await import('../lib/config/tenant-settings.js');
    if (this.flags.show) {
      const show = showResult(
        describeTenantSettings({
          host: this.flags.host,
          profile: this.flags.profile,
          configFile: this.flags.config,
          env: process.env,
        }),
      );
      this.out(renderShow(show, (t) => this.paint.dim(t)));
      return show;
    }

    const { ProfileStore } = await import('../lib/config/profile-store.js');
    const store = new ProfileStore(this.flags.config);
    const profile = this.flags.profile;
    const existing = store.get(profile);
    if (existing?.api_key) registerSecret(existing.api_key);
    const prompts = await import('../lib/lifecycle/prompts.js');
    const collected = await collectSettings({
      profile,
      host: this.flags.host,
      apiKeyStdin: this.flags['api-key-stdin'],
      interactive: this.caps.interactive,
      existing,
      io: {
        readStdin: () => prompts.readAll(process.stdin),
        askLine: prompts.linePrompt,
        askSecret: prompts.secretPrompt,
      },
    });
    const host = normalizeHost(collected.host);

    let checked = ' without checking it (--no-verify)';
    if (this.flags.verify) {
      const { TenantClient } = await import('../lib/tenant/client.js');
      const client = new TenantClient({
        host,
        apiKey: collected.apiKey,
        profile,
        configFile: store.path,
        hostSource: 'flag',
        apiKeySource: 'flag',
      });
      const progress = await this.progress(`Checking the API key against ${host}`);
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
    this.out(`Saved profile "${profile}" (${host}, key ${maskKey(collected.apiKey)}) to ${store.path}${checked}.`);
    const overriding = ['IMMUTA_HOST', 'IMMUTA_API_KEY'].filter((name) => process.env[name]);
    if (overriding.length > 0)
      this.note(
        `Note: ${overriding.join(' and ')} ${overriding.length > 1 ? 'are' : 'is'} set in this environment and take${overriding.length > 1 ? '' : 's'} precedence over the saved profile.`,
      );
    if (profile !== 'default')
      this.note(`Use it with -p ${profile}, e.g. \`immuta -p ${profile} audit exportConfig list\`.`);
    return { profile, host, configFile: store.path, verified: this.flags.verify };
  }
}
