import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import type { CommandIO } from '../io/command-io.js';
import { MAX_CONFIG_BYTES } from './source.js';

/** Standard input holding a configuration (or a secret), with the configuration's own size error. */
export async function readConfigStdin(io: CommandIO, maxBytes = MAX_CONFIG_BYTES): Promise<Buffer> {
  try {
    return await io.readStdinBytes(maxBytes);
  } catch (error) {
    if (!(error instanceof CliError) || error.code !== 'INPUT_TOO_LARGE') throw error;
    throw new CliError(`standard input is larger than ${maxBytes / 1024} KiB`, {
      code: 'CONFIG_FILE_TOO_LARGE',
      exitCode: ExitCode.USAGE,
      fix: 'Pipe only the JSON configuration into the command.',
    });
  }
}
