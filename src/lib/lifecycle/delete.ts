import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { immutaCli } from '../config/cli-prefix.js';
import type { CommandIO } from '../io/command-io.js';
import { destinationOf } from '../export-config/configuration-view.js';
import { explainMutationFailure, findConfiguration } from '../tenant/find-configuration.js';
import { nonInteractiveReason } from '../output/terminal.js';

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
    // --json asks nothing (README "Output, JSON and exit codes"), also on a terminal.
    if (!io.caps.interactive || io.json) {
      const why = io.json ? '--json asks nothing' : (nonInteractiveReason({ env: io.env }) ?? 'prompts are off');
      throw new CliError(`refusing to delete without --yes: this session cannot ask for confirmation (${why})`, {
        code: 'CONFIRMATION_REQUIRED',
        exitCode: ExitCode.USAGE,
        fix: `Add --yes to confirm: \`${immutaCli(io.globals.profile)} audit exportConfig delete ${id} --yes\`.`,
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
  const result = await tenant
    .deleteExportConfiguration(id)
    .catch((error: unknown) => explainMutationFailure(tenant, id, error));
  progress.stop();
  io.out(`Deleted export configuration ${result.id}.`);
  return { deleted: true, id: result.id };
}
