import { Flags } from '@oclif/core';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { configurationIdArg } from '../../../lib/cli/shared-flags.js';
import { runDelete } from '../../../lib/lifecycle/delete.js';

export default class Delete extends BaseCommand<typeof Delete> {
  static override summary = 'Delete an export configuration (asks first on a terminal; --yes otherwise).';
  static override description =
    'Sends deleteExportConfiguration. On a terminal it shows the configuration and asks for confirmation; in scripts and CI it refuses (exit 2, nothing sent) unless --yes is given. To stop exports for a while, `disable` it instead.';
  static override examples = [
    '<%= config.bin %> audit exportConfig delete 1a2b3c4d',
    '<%= config.bin %> audit exportConfig delete 1a2b3c4d --yes --json',
  ];
  static override args = configurationIdArg;
  static override flags = {
    yes: Flags.boolean({ char: 'y', summary: 'Delete without asking (required when the session cannot prompt).' }),
  };

  public async run() {
    return runDelete({ id: this.args.id, yes: this.flags.yes }, this.io);
  }
}
