import {
  SaveExportConfigCommand,
  saveDescription,
  saveExamples,
  saveFlags,
  updateArgs,
} from '../../../../../lib/export-config/save-command.js';

export default class UpdateS3AccessKey extends SaveExportConfigCommand<typeof UpdateS3AccessKey> {
  static override summary = 'Update an S3 access-key export configuration (only the fields in the file change).';
  static override description = saveDescription('s3:accessKey', 'update');
  static override examples = saveExamples('s3:accessKey', 'update');
  static override args = updateArgs;
  static override flags = saveFlags;

  protected readonly kind = 's3:accessKey' as const;
  protected readonly mode = 'update' as const;
}
