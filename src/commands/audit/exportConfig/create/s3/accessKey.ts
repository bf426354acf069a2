import {
  SaveExportConfigCommand,
  createArgs,
  saveDescription,
  saveExamples,
  saveFlags,
} from '../../../../../lib/export-config/save-command.js';

export default class CreateS3AccessKey extends SaveExportConfigCommand<typeof CreateS3AccessKey> {
  static override summary = "Create an S3 export configuration that writes with an IAM user's access key.";
  static override description = saveDescription('s3:accessKey', 'create');
  static override examples = saveExamples('s3:accessKey', 'create');
  static override args = createArgs;
  static override flags = saveFlags;

  protected readonly kind = 's3:accessKey' as const;
  protected readonly mode = 'create' as const;
}
