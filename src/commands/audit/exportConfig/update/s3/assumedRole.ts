import {
  SaveExportConfigCommand,
  assumedRoleFlags,
  saveDescription,
  saveExamples,
  updateArgs,
} from '../../../../../lib/export-config/save-command.js';

export default class UpdateS3AssumedRole extends SaveExportConfigCommand<typeof UpdateS3AssumedRole> {
  static override summary = 'Update an S3 assumed-role export configuration (only the fields in the file change).';
  static override description = saveDescription('s3:assumedRole', 'update');
  static override examples = saveExamples('s3:assumedRole', 'update');
  static override args = updateArgs;
  static override flags = assumedRoleFlags;

  protected readonly kind = 's3:assumedRole' as const;
  protected readonly mode = 'update' as const;
}
