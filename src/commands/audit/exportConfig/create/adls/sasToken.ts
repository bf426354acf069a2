import {
  SaveExportConfigCommand,
  createArgs,
  saveDescription,
  saveExamples,
  saveFlags,
} from '../../../../../lib/export-config/save-command.js';

export default class CreateAdlsSasToken extends SaveExportConfigCommand<typeof CreateAdlsSasToken> {
  static override summary = 'Create an ADLS Gen2 export configuration that writes with a SAS token.';
  static override description = saveDescription('adls:sasToken', 'create');
  static override examples = saveExamples('adls:sasToken', 'create');
  static override args = createArgs;
  static override flags = saveFlags;

  protected readonly kind = 'adls:sasToken' as const;
  protected readonly mode = 'create' as const;
}
