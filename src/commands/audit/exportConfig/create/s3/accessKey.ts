import { BaseCommand } from '../../../../../lib/cli/base-command.js';
import { createArgs, saveFlags, saveDescription, saveExamples } from '../../../../../lib/cli/save-flags.js';
import { runSave } from '../../../../../lib/create-update/save.js';

export default class CreateS3AccessKey extends BaseCommand<typeof CreateS3AccessKey> {
  static override summary = "Create an S3 export configuration that writes with an IAM user's access key.";
  static override description = saveDescription('s3:accessKey', 'create');
  static override examples = saveExamples('s3:accessKey', 'create');
  static override args = createArgs;
  static override flags = saveFlags;

  public async run() {
    const { file } = this.args;
    return runSave(
      { kind: 's3:accessKey', mode: 'create', file, dryRun: this.flags['dry-run'], preflight: this.flags.preflight },
      this.io,
    );
  }
}
