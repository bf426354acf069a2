import type { ChalkInstance } from 'chalk';
import type { ExitCodeValue } from '../errors/exit-codes.js';
import type { Progress } from '../output/spinner.js';
import type { TerminalCaps } from '../output/terminal.js';
import type { TenantSettings } from '../config/tenant-settings.js';
import type { TenantClient } from '../tenant/client.js';

/** Asks the person at the terminal. Only called when `caps.interactive` is true. */
export interface Prompts {
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
  /** Masked: the answer is never echoed. */
  secret(message: string): Promise<string>;
  /** A plain one-line question with an optional default. */
  line(message: string, defaultValue?: string): Promise<string>;
}

/** The global flags every command has, resolved. */
export interface GlobalOptions {
  profile: string;
  configFile: string | undefined;
  host: string | undefined;
  noColor: boolean;
}

/**
 * Everything a command's run function may touch of the outside world, built once per run by the
 * base command (or by a test). Run functions never use `process`, `console` or oclif directly: that is
 * what lets every command be tested in-process with a fake.
 *
 * Text given to `out`/`note`/`warn` is redacted (known secrets and secret-shaped strings) and has
 * terminal control codes escaped before it is written. In JSON mode `out`, `note` and `warn` print
 * nothing: the run function's return value is the one JSON document (or, for a document too big to
 * hold, the run function writes it with `write` and returns DOCUMENT_WRITTEN).
 */
export interface CommandIO {
  /** `--json` (or IMMUTA_CONTENT_TYPE=json): the return value is printed as JSON, human text is silent. */
  readonly json: boolean;
  /** Colour, spinners, prompts: what the terminal allows for this run. */
  readonly caps: TerminalCaps;
  /** Colours for stdout text (plain when colour is off). */
  readonly paint: ChalkInstance;
  /** Colours for stderr text. */
  readonly paintErr: ChalkInstance;
  /** The global flags. */
  readonly globals: GlobalOptions;
  /** The environment (a copy in tests). */
  readonly env: NodeJS.ProcessEnv;
  /** The working directory relative paths are resolved against. */
  readonly cwd: string;
  /** stdout is a terminal: tables for people rather than tab-separated rows for pipes. */
  readonly stdoutIsTTY?: boolean;
  /** stdin is a terminal: reading it waits for typing (say so), rather than a pipe or file. */
  readonly stdinIsTTY?: boolean;

  /** A human line on stdout (nothing in JSON mode). */
  out(text?: string): void;
  /** A human line on stderr: progress, next steps (nothing in JSON mode). */
  note(text?: string): void;
  /** A warning line on stderr (also in JSON mode: warnings never go to stdout). */
  warn(text: string): void;
  /**
   * Raw stdout, for streamed machine output (ndjson, csv) that is not the JSON envelope. Redacted and
   * control-escaped like `out`, but written as given (no newline added) and also in JSON mode.
   */
  write(chunk: string): void;
  /** Raw stderr, for diagnostics that are not human notes (a server's log lines): redacted, also in JSON mode. */
  writeErr(chunk: string): void;
  /** A spinner on a terminal, nothing otherwise. */
  progress(text: string): Promise<Progress>;
  /** The exit code for a run that completed but needs action (e.g. 3: a connection is not SUCCESS). */
  setExitCode(code: ExitCodeValue): void;
  /** Prompts (only when `caps.interactive`). */
  readonly prompts: Prompts;
  /** Reads standard input until EOF, at most `limitBytes` (a CliError past the limit). */
  readStdin(limitBytes: number): Promise<string>;
  /** Standard input as bytes (files whose encoding is checked, e.g. a UTF-16 BOM), same limit and error. */
  readStdinBytes(limitBytes: number): Promise<Buffer>;
  /** The clock (fixed in tests). */
  now(): Date;
  /** Aborted on Ctrl-C / SIGTERM: long-running work (watch loops, polls, syncs) stops cleanly on it. */
  readonly signal: AbortSignal;
  /** Tenant settings resolved from flags > IMMUTA_* environment > profile file. */
  tenantSettings(): Promise<TenantSettings>;
  /** The GraphQL client for the resolved tenant, created once, imported lazily. */
  tenant(): Promise<TenantClient>;
}

/**
 * What a run function returns when it has written its output itself, JSON document included (an
 * answer of millions of rows is written as it is read, never held whole): the base command then
 * prints nothing more.
 */
export const DOCUMENT_WRITTEN: unique symbol = Symbol('the JSON document is written');
export type DocumentWritten = typeof DOCUMENT_WRITTEN;
