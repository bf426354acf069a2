import { fileURLToPath } from 'node:url';
// Deep imports: `--version`, `--help` and argv normalisation need only these parts of oclif, not
// its whole index (ux, parser, logger...), which a command loads later if it runs (~9 ms saved).
import { Config } from '@oclif/core/config';
import { execute } from '@oclif/core/execute';
import { installStreamRedaction } from '../output/redact.js';
import type { CliError } from '../errors/cli-error.js';
import { type FlagSpec, checkArgv } from './argv-check.js';
import { normalizeArgv } from './argv.js';
import { registerArgvSecrets } from './argv-secrets.js';
import { makeStdioBlocking } from './blocking-stdio.js';
import { LEADING_GLOBAL_FLAGS } from './global-flags.js';

/** Prints a usage error found before any command ran, the way the base command prints errors. */
async function reportUsageError(error: CliError, argv: readonly string[]): Promise<void> {
  const { errorJson, errorText } = await import('../output/render-error.js');
  const { detectTerminal, painter } = await import('../output/terminal.js');
  const json = argv.includes('--json') || process.env.IMMUTA_CONTENT_TYPE?.toLowerCase() === 'json';
  if (json) {
    process.stdout.write(`${JSON.stringify(errorJson(error), null, 2)}\n`);
  } else {
    const caps = detectTerminal({ json: false, noColor: argv.includes('--no-color') });
    process.stderr.write(`${errorText(error, painter(caps.colorStderr))}\n`);
  }
  process.exitCode = error.exitCode;
}

/** Entry point used by bin/run.js and bin/dev.js: load oclif once, check and normalise argv, run. */
export async function runCli(argv: string[], binUrl: string, development = false): Promise<void> {
  // Exit only after stdout and stderr are flushed (oclif ends failed runs with process.exit).
  makeStdioBlocking();
  // Before oclif loads: its DEBUG lines print argv, which may hold a secret the command would refuse.
  registerArgvSecrets(argv);
  installStreamRedaction();
  // The AWS SDK warns on every start under Node < 22 (our engines say >= 20, and CI tests 20):
  // it would pollute stderr of doctor/policy/sandbox runs, which CI logs treat as errors.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config = await Config.load({ root: fileURLToPath(binUrl), devPlugins: false, userPlugins: false });
  const usageError = checkArgv(argv, {
    commandIds: config.commandIDs,
    leadingFlags: LEADING_GLOBAL_FLAGS,
    flagsOf: (id) => {
      const command = config.findCommand(id);
      return command ? (Object.values(command.flags) as FlagSpec[]) : undefined;
    },
    helpFlags: ['--help', ...(config.pjson.oclif.additionalHelpFlags ?? [])],
  });
  if (usageError) return reportUsageError(usageError, argv);
  const args = normalizeArgv(argv, { commandIds: config.commandIDs, leadingFlags: LEADING_GLOBAL_FLAGS });
  await execute({ args, loadOptions: config, development, dir: binUrl });
}
