import { BaseCommand } from '../../../../../lib/cli/base-command.js';
import { updateArgs, saveFlags, saveDescription, saveExamples } from '../../../../../lib/cli/save-flags.js';
import { runSave } from '../../../../../lib/create-update/save.js';

export default class UpdateS3AccessKey extends BaseCommand<typeof UpdateS3AccessKey> {
  static override summary = 'Update an S3 access-key export configuration (only the fields in the file change).';
  static override description = saveDescription('s3:accessKey', 'update');
  static override examples = saveExamples('s3:accessKey', 'update');
  static override args = updateArgs;
  static override flags = saveFlags;

  public async run() {
    const { file, id } = this.args;
    return runSave(
      {
        kind: 's3:accessKey',
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
