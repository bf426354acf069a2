import { ERRORS, type ErrorCode } from './catalogue.js';
import type { ExitCodeValue } from './exit-codes.js';

/** Where in the user's input a problem is: a file, a JSON path inside it, and a line:column. */
export interface ErrorLocation {
  file?: string;
  jsonPath?: string;
  line?: number;
  column?: number;
}

export interface CliErrorOptions {
  /** Stable machine-readable code, declared in the catalogue (src/lib/errors/catalogue.ts). */
  code: ErrorCode;
  /** Default: the catalogue's exit code for `code`. */
  exitCode?: ExitCodeValue;
  /** One line telling the user what to do about it. */
  fix?: string;
  location?: ErrorLocation;
  /** Extra structured data for `--json` (never secrets: it is redacted anyway). */
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * Every failure a user can cause is a CliError: a one-line cause, where it is, and the fix.
 * The base command renders it (human or JSON) and turns it into the exit code; anything else
 * that reaches the base command is treated as a bug (exit 1).
 */
export class CliError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCodeValue;
  readonly fix: string | undefined;
  readonly location: ErrorLocation | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(message: string, options: CliErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = options.code;
    const spec: { exitCode: ExitCodeValue; fix?: string } = ERRORS[options.code];
    this.exitCode = options.exitCode ?? spec.exitCode;
    this.fix = options.fix ?? spec.fix;
    this.location = options.location;
    this.details = options.details;
  }
}

/** A usage error (exit 2, nothing sent): a bad argument or flag, with the fix. */
export function usageError(message: string, fix?: string, extra: Partial<CliErrorOptions> = {}): CliError {
  return new CliError(message, { code: 'USAGE', ...(fix === undefined ? {} : { fix }), ...extra });
}

/** Formats a location as `file:line:column (json.path)` for one-line messages. */
export function formatLocation(location: ErrorLocation | undefined): string | undefined {
  if (!location) return undefined;
  let where = location.file ?? '';
  if (location.line !== undefined)
    where += `${where ? ':' : 'line '}${location.line}${location.column === undefined ? '' : `:${location.column}`}`;
  if (location.jsonPath) where += where ? ` (${location.jsonPath})` : location.jsonPath;
  return where || undefined;
}
