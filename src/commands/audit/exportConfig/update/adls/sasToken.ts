import { BaseCommand } from '../../../../../lib/cli/base-command.js';
import { updateArgs, saveFlags, saveDescription, saveExamples } from '../../../../../lib/cli/save-flags.js';
import { runSave } from '../../../../../lib/create-update/save.js';

export default class UpdateAdlsSasToken extends BaseCommand<typeof UpdateAdlsSasToken> {
  static override summary = 'Update an ADLS SAS-token export configuration (only the fields in the file change).';
  static override description = saveDescription('adls:sasToken', 'update');
  static override examples = saveExamples('adls:sasToken', 'update');
  static override args = updateArgs;
  static override flags = saveFlags;

  public async run() {
    const { file, id } = this.args;
    return runSave(
      {
        kind: 'adls:sasToken',
        mode: 'update',
        file,
        id,
        dryRun: this.flags['dry-run'],
        preflight: this.flags.preflight,
      },
      this.io,
    );
  }
}
