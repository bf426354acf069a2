import { Args, Flags } from '@oclif/core';
import { BaseCommand, CliError, ExitCode } from '../../../lib/cli/base-command.js';
import { explainMutationFailure, findConfiguration } from '../../../lib/lifecycle/find-configuration.js';
import { destinationOf } from '../../../lib/output/configuration-view.js';

export interface DeleteResult {
  deleted: true;
  id: string;
}

export default class Delete extends BaseCommand<typeof Delete> {
  static override summary = 'Delete an export configuration (asks first on a terminal; --yes otherwise).';
  static override description =
    'Sends deleteExportConfiguration. On a terminal it shows the configuration and asks for confirmation; in scripts and CI it refuses (exit 2, nothing sent) unless --yes is given. To stop exports for a while, `disable` it instead.';
  static override examples = [
    '<%= config.bin %> audit exportConfig delete 1a2b3c4d',
    '<%= config.bin %> audit exportConfig delete 1a2b3c4d --yes --json',
  ];
  static override args = {
    id: Args.string({
      required: true,
      description: 'The export configuration id (see `immuta audit exportConfig list`).',
    }),
  };
  static override flags = {
    yes: Flags.boolean({ char: 'y', summary: 'Delete without asking (required when the session cannot prompt).' }),
  };

  public async run(): Promise<DeleteResult> {
    const { id } = this.args;
    if (!this.flags.yes) {
      // Checked before anything else: a script without --yes must not even read the tenant.
      if (!this.caps.interactive) {
        const { nonInteractiveReason } = await import('../../../lib/output/terminal.js');
        const why = nonInteractiveReason({ env: this.io.env }) ?? 'prompts are off';
        throw new CliError(`refusing to delete without --yes: this session cannot ask for confirmation (${why})`, {
          code: 'CONFIRMATION_REQUIRED',
          exitCode: ExitCode.USAGE,
          fix: `Add --yes to confirm: \`immuta audit exportConfig delete ${id} --yes\`.`,
        });
      }
      const tenant = await this.tenant();
      const configuration = await findConfiguration(tenant, id);
      const { confirmPrompt } = await import('../../../lib/lifecycle/prompts.js');
      const confirmed = await confirmPrompt(
        `Delete export configuration ${id} (${destinationOf(configuration)})? Its audit logs stop being exported.`,
      );
      if (!confirmed) {
        throw new CliError('not confirmed: nothing was deleted', { code: 'CANCELLED', exitCode: ExitCode.USAGE });
      }
    }
    const tenant = await this.tenant();
    const progress = await this.progress(`Deleting export configuration ${id}`);
    const result = await tenant
      .deleteExportConfiguration(id)
      .catch((error: unknown) => explainMutationFailure(tenant, id, error));
    progress.stop();
    this.out(`Deleted export configuration ${result.id}.`);
    return { deleted: true, id: result.id };
  }
}
