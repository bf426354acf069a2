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
  const full = diskFull(error, message);
  if (full) return full;
  // Exit code and fix come from the catalogue.
  return new CliError(`unexpected failure: ${message}`, { code: 'INTERNAL', cause: error });
}

/**
 * A full disk (or quota) is the user's to fix, not a bug: Node says ENOSPC or EDQUOT (with the
 * path when it has one), DuckDB "No space left on device" in its own message.
 */
function diskFull(error: unknown, message: string): CliError | undefined {
  const e = error as { code?: string; path?: string };
  const full =
    e.code === 'ENOSPC' || e.code === 'EDQUOT' || /no space left on device|disk quota exceeded/i.test(message);
  if (!full) return undefined;
  const where = e.path ? ` (writing ${e.path})` : '';
  return new CliError(`no space left on the disk${where}: ${oneLine(message).slice(0, 300)}`, {
    code: 'DISK_FULL',
    cause: error,
  });
}

/**
 * oclif's parse errors span lines ("Missing 1 required arg:\nfile  Path to ...\nSee more help with --help").
 * Keep every detail but fold it onto one line; the fix line already says where help is.
 */
function oneLine(message: string): string {
  const missing = missingArguments(message);
  if (missing) return missing;
  return message
    .replace(/^Error: /, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^See more help with/i.test(line))
    .join(' ')
    .replace(/:\s*$/, '');
}

/**
 * oclif says "Missing 1 required arg:\njob_id  The export job id." (two spaces, a lower-case name that
 * USAGE shows as JOB_ID). Say it the way the help shows it: "missing required argument JOB_ID (the export job id)".
 */
function missingArguments(message: string): string | undefined {
  const match = /^(?:Error: )?Missing \d+ required args?:\n([\s\S]*)$/.exec(message);
  if (!match) return undefined;
  const args = (match[1] ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^See more help with/i.test(line))
    .map((line) => {
      const [, name = line, description] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
      const about = description?.replace(/\.$/, '');
      return `${name.toUpperCase()}${about ? ` (${about.charAt(0).toLowerCase()}${about.slice(1)})` : ''}`;
    });
  return `missing required argument${args.length > 1 ? 's' : ''} ${args.join(', ')}`;
}
