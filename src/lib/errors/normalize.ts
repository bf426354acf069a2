import { displayCommandId } from '../util/display-id.js';
import { CliError, usageError } from './cli-error.js';

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
  const help = commandId
    ? `Run \`immuta ${displayCommandId(commandId)} --help\` for usage.`
    : 'Run `immuta --help` for usage.';
  if (e.parse !== undefined || e.oclif?.exit === 2) {
    return usageError(oneLine(e.message ?? 'invalid usage'), help, { cause: error });
  }
  if (e.code === 'EEXIT' && typeof e.oclif?.exit === 'number') {
    return new CliError('exit', { code: 'EXIT', exitCode: e.oclif.exit as 0, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  // Exit code and fix come from the catalogue.
  return new CliError(`unexpected failure: ${message}`, { code: 'INTERNAL', cause: error });
}

/**
 * oclif's parse errors span lines ("Missing 1 required arg:\nfile  Path to ...\nSee more help with --help").
 * Keep every detail but fold it onto one line; the fix line already says where help is.
 */
function oneLine(message: string): string {
  return message
    .replace(/^Error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^See more help with/i.test(line))
    .join(' ')
    .replace(/:\s*$/, '');
}
