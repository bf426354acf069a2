import { CliError } from './cli-error.js';
import { ExitCode } from './exit-codes.js';

interface OclifLikeError {
  message?: string;
  oclif?: { exit?: number };
  code?: string;
  parse?: unknown;
}

/**
 * Turns anything thrown during a command into a CliError. oclif's own parse errors (missing
 * argument, unknown flag, bad option) become usage errors (exit 2); anything unrecognised is a bug.
 */
export function toCliError(error: unknown, commandId?: string): CliError {
  if (error instanceof CliError) return error;
  const e = (error ?? {}) as OclifLikeError;
  const help = commandId ? `Run \`immuta ${commandId.replaceAll(':', ' ')} --help\` for usage.` : 'Run `immuta --help` for usage.';
  if (e.parse !== undefined || e.oclif?.exit === 2) {
    const message = (e.message ?? 'invalid usage').split('\n')[0] ?? 'invalid usage';
    return new CliError(message.replace(/^Error: /, ''), { code: 'USAGE', exitCode: ExitCode.USAGE, fix: help, cause: error });
  }
  if (e.code === 'EEXIT' && typeof e.oclif?.exit === 'number') {
    return new CliError('exit', { code: 'EXIT', exitCode: e.oclif.exit as 0, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(`unexpected failure: ${message}`, {
    code: 'INTERNAL',
    exitCode: ExitCode.BUG,
    fix: 'This is a bug in immuta-audit-cli: re-run with DEBUG=immuta* and report the output (secrets are redacted).',
    cause: error,
  });
}
