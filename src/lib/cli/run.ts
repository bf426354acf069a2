import { fileURLToPath } from 'node:url';
import { Config, execute } from '@oclif/core';
import { normalizeArgv } from './argv.js';
import { LEADING_GLOBAL_FLAGS } from './global-flags.js';

/** Entry point used by bin/run.js and bin/dev.js: load oclif once, normalise argv, run. */
export async function runCli(argv: string[], binUrl: string, development = false): Promise<void> {
  const config = await Config.load({ root: fileURLToPath(binUrl), devPlugins: false, userPlugins: false });
  const args = normalizeArgv(argv, { commandIds: config.commandIDs, leadingFlags: LEADING_GLOBAL_FLAGS });
  await execute({ args, loadOptions: config, development, dir: binUrl });
}
