import {
  SaveExportConfigCommand,
  saveDescription,
  saveExamples,
  saveFlags,
  updateArgs,
} from '../../../../../lib/export-config/save-command.js';

export default class UpdateAdlsSasToken extends SaveExportConfigCommand<typeof UpdateAdlsSasToken> {
  static override summary = 'Update an ADLS SAS-token export configuration (only the fields in the file change).';
  static override description = saveDescription('adls:sasToken', 'update');
  static override examples = saveExamples('adls:sasToken', 'update');
  static override args = updateArgs;
  static override flags = saveFlags;

  protected readonly kind = 'adls:sasToken' as const;
  protected readonly mode = 'update' as const;
}
