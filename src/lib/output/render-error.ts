import { type CliError, formatLocation } from '../errors/cli-error.js';
import { capText } from './cap-text.js';
import { escapeControl } from './control-codes.js';
import { redactText, redactValue } from './redact.js';

/** The `--json` error document: `{"error": {code, message, exitCode, fix?, location?, details?}}`. */
export function errorJson(error: CliError): { error: Record<string, unknown> } {
  return redactValue({
    error: {
      code: error.code,
      message: error.message,
      exitCode: error.exitCode,
      ...(error.fix ? { fix: error.fix } : {}),
      ...(error.location ? { location: error.location } : {}),
      ...(error.details ? { details: error.details } : {}),
    },
  });
}

type Paint = (text: string) => string;
/** The colours errorText uses (a chalk instance has them). */
export interface ErrorPainter {
  red: { bold: Paint };
  dim: Paint;
  cyan: Paint;
}

const unpainted: Paint = (text) => text;
/** No colour, without loading chalk (for what runs before a command: start-up does not pay for it). */
export const PLAIN: ErrorPainter = { red: { bold: unpainted }, dim: unpainted, cyan: unpainted };

/**
 * The most of a message (or fix) printed for a human: the longest we write (20 problems of a
 * configuration file) is a few KB, but a message can quote remote text whole (DuckDB's "Could not
 * convert string '...'" quoted a 3 MB actor name of an exported event). `--json` keeps it whole.
 */
export const MAX_ERROR_TEXT = 10_000;

/** Human rendering for stderr: the cause on one line, then where, then the fix. Never a stack. */
export function errorText(error: CliError, paint: ErrorPainter): string {
  // Messages carry remote and user text (tenant errors, file names, keys): escape it before painting.
  const shown = (text: string) => escapeControl(capText(text, MAX_ERROR_TEXT));
  const lines = [`${paint.red.bold('Error:')} ${shown(error.message)}`];
  const where = formatLocation(error.location);
  if (where) lines.push(`  ${paint.dim('at')} ${shown(where)}`);
  if (error.fix) lines.push(`  ${paint.cyan('Fix:')} ${shown(error.fix)}`);
  return redactText(lines.join('\n'));
}
