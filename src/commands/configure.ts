import { Flags } from '@oclif/core';
import { BaseCommand } from '../lib/cli/base-command.js';
import { runConfigure } from '../lib/lifecycle/run-configure.js';

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

  public async run() {
    const f = this.flags;
    return runConfigure(
      { apiKeyStdin: f['api-key-stdin'], show: f.show, verify: f.verify, apiKeyFlag: f['api-key'] },
      this.io,
    );
  }
}
