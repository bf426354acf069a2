import {
  SaveExportConfigCommand,
  assumedRoleFlags,
  createArgs,
  saveDescription,
  saveExamples,
} from '../../../../../lib/export-config/save-command.js';

export default class CreateS3AssumedRole extends SaveExportConfigCommand<typeof CreateS3AssumedRole> {
  static override summary =
    'Create an S3 export configuration that writes by assuming an IAM role (prints the trust policy to add).';
  static override description = saveDescription('s3:assumedRole', 'create');
  static override examples = saveExamples('s3:assumedRole', 'create');
  static override args = createArgs;
  static override flags = assumedRoleFlags;

  protected readonly kind = 's3:assumedRole' as const;
  protected readonly mode = 'create' as const;
}
