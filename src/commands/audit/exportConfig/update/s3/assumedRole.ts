import { BaseCommand } from '../../../../../lib/cli/base-command.js';
import { updateArgs, assumedRoleFlags, saveDescription, saveExamples } from '../../../../../lib/cli/save-flags.js';
import { runSave } from '../../../../../lib/create-update/save.js';

export default class UpdateS3AssumedRole extends BaseCommand<typeof UpdateS3AssumedRole> {
  static override summary = 'Update an S3 assumed-role export configuration (only the fields in the file change).';
  static override description = saveDescription('s3:assumedRole', 'update');
  static override examples = saveExamples('s3:assumedRole', 'update');
  static override args = updateArgs;
  static override flags = assumedRoleFlags;

  public async run() {
    const { file, id } = this.args;
    return runSave(
      {
        kind: 's3:assumedRole',
        mode: 'update',
        file,
        id,
        dryRun: this.flags['dry-run'],
        preflight: this.flags.preflight,
        immutaAccountId: this.flags['immuta-account-id'],
      },
      this.io,
    );
  }
}
