import { BaseCommand } from '../../../../../lib/cli/base-command.js';
import { createArgs, saveFlags, saveDescription, saveExamples } from '../../../../../lib/cli/save-flags.js';
import { runSave } from '../../../../../lib/create-update/save.js';

export default class CreateAdlsSasToken extends BaseCommand<typeof CreateAdlsSasToken> {
  static override summary = 'Create an ADLS Gen2 export configuration that writes with a SAS token.';
  static override description = saveDescription('adls:sasToken', 'create');
  static override examples = saveExamples('adls:sasToken', 'create');
  static override args = createArgs;
  static override flags = saveFlags;

  public async run() {
    const { file } = this.args;
    return runSave(
      { kind: 'adls:sasToken', mode: 'create', file, dryRun: this.flags['dry-run'], preflight: this.flags.preflight },
      this.io,
    );
  }
}
