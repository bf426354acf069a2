import { BaseCommand } from '../../../../../lib/cli/base-command.js';
import { createArgs, assumedRoleFlags, saveDescription, saveExamples } from '../../../../../lib/cli/save-flags.js';
import { runSave } from '../../../../../lib/create-update/save.js';

export default class CreateS3AssumedRole extends BaseCommand<typeof CreateS3AssumedRole> {
  static override summary =
    'Create an S3 export configuration that writes by assuming an IAM role (prints the trust policy to add).';
  static override description = saveDescription('s3:assumedRole', 'create');
  static override examples = saveExamples('s3:assumedRole', 'create');
  static override args = createArgs;
  static override flags = assumedRoleFlags;

  public async run() {
    const { file } = this.args;
    return runSave(
      {
        kind: 's3:assumedRole',
        mode: 'create',
        file,
        dryRun: this.flags['dry-run'],
        preflight: this.flags.preflight,
        immutaAccountId: this.flags['immuta-account-id'],
      },
      this.io,
    );
  }
}
