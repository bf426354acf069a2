import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { CommandIO } from '../io/command-io.js';
import { destinationOf } from '../export-config/configuration-view.js';
import { findConfiguration } from './find-configuration.js';

export interface DeleteOptions {
  id: string;
  /** --yes: delete without asking. */
  yes: boolean;
}

export interface DeleteResult {
  deleted: true;
  id: string;
}

/** `audit exportConfig delete ID`: asks on a terminal, refuses without --yes elsewhere, then deletes. */
export async function runDelete(options: DeleteOptions, io: CommandIO): Promise<DeleteResult> {
  const { id } = options;
  if (!options.yes) {
    // Checked before anything else: a script without --yes must not even read the tenant.
    if (!io.caps.interactive) {
      throw new CliError('refusing to delete without --yes in a non-interactive session', {
        code: 'CONFIRMATION_REQUIRED',
        exitCode: ExitCode.USAGE,
        fix: `Add --yes to confirm: \`immuta audit exportConfig delete ${id} --yes\`.`,
      });
    }
    const configuration = await findConfiguration(await io.tenant(), id);
    const confirmed = await io.prompts.confirm(
      `Delete export configuration ${id} (${destinationOf(configuration)})? Its audit logs stop being exported.`,
    );
    if (!confirmed) {
      throw new CliError('not confirmed: nothing was deleted', { code: 'CANCELLED', exitCode: ExitCode.USAGE });
    }
  }
  const tenant = await io.tenant();
  const progress = await io.progress(`Deleting export configuration ${id}`);
  const result = await tenant.deleteExportConfiguration(id);
  progress.stop();
  io.out(`Deleted export configuration ${result.id}.`);
  return { deleted: true, id: result.id };
}
