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
import { handleStdoutErrors } from './stdout-errors.js';
import { LEADING_GLOBAL_FLAGS } from './global-flags.js';

/** What oclif's Config offers that the command-line check needs (the in-process test harness passes its own). */
type LoadedConfig = Pick<Config, 'commandIDs' | 'findCommand' | 'pjson'>;

/**
 * The command line checked before oclif routes it: an unknown command, topic or flag is a usage error
 * naming the nearest (oclif would print a topic's help and exit 0). Undefined when the line is fine.
 */
export function checkCommandLine(argv: readonly string[], config: LoadedConfig): CliError | undefined {
  return checkArgv(argv, {
    commandIds: config.commandIDs,
    leadingFlags: LEADING_GLOBAL_FLAGS,
    flagsOf: (id) => {
      const command = config.findCommand(id);
      return command ? (Object.values(command.flags) as FlagSpec[]) : undefined;
    },
    helpFlags: ['--help', ...(config.pjson.oclif.additionalHelpFlags ?? [])],
  });
}

/** Renders a usage error found before any command ran, the way the base command renders errors. */
export async function renderUsageError(
  error: CliError,
  argv: readonly string[],
  streams: { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown } },
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const { errorJson, errorText } = await import('../output/render-error.js');
  const { detectTerminal, painter } = await import('../output/terminal.js');
  const json = argv.includes('--json') || env.IMMUTA_CONTENT_TYPE?.toLowerCase() === 'json';
  if (json) {
    streams.stdout.write(`${JSON.stringify(errorJson(error), null, 2)}\n`);
  } else {
    const caps = detectTerminal({ json: false, noColor: argv.includes('--no-color'), env });
    streams.stderr.write(`${errorText(error, painter(caps.colorStderr))}\n`);
  }
}

/** Entry point used by bin/run.js and bin/dev.js: load oclif once, check and normalise argv, run. */
export async function runCli(argv: string[], binUrl: string, development = false): Promise<void> {
  // Exit only after stdout and stderr are flushed (oclif ends failed runs with process.exit).
  makeStdioBlocking();
  handleStdoutErrors();
  // Before oclif loads: its DEBUG lines print argv, which may hold a secret the command would refuse.
  registerArgvSecrets(argv);
  installStreamRedaction();
  // The AWS SDK warns on every start under Node < 22 (our engines say >= 20, and CI tests 20):
  // it would pollute stderr of doctor/policy/sandbox runs, which CI logs treat as errors.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const config = await Config.load({ root: fileURLToPath(binUrl), devPlugins: false, userPlugins: false });
  const usageError = checkCommandLine(argv, config);
  if (usageError) {
    await renderUsageError(usageError, argv, process, process.env);
    process.exitCode = usageError.exitCode;
    return;
  }
  const args = normalizeArgv(argv, { commandIds: config.commandIDs, leadingFlags: LEADING_GLOBAL_FLAGS });
  await execute({ args, loadOptions: config, development, dir: binUrl });
}
