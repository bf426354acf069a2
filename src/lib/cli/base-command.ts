import { Command, type Interfaces } from '@oclif/core';
import type { ChalkInstance } from 'chalk';
import { immutaCli } from '../config/cli-prefix.js';
import { CliError, usageError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { toCliError } from '../errors/normalize.js';
import { errorJson, errorText } from '../output/render-error.js';
import { installStreamRedaction, redactText, redactValue } from '../output/redact.js';
import type { Progress } from '../output/spinner.js';
import { type TerminalCaps, detectTerminal, painter } from '../output/terminal.js';
import { type CommandIO, DOCUMENT_WRITTEN } from '../io/command-io.js';
import { globalFlags } from './global-flags.js';
import { type CommandHost, currentHost } from './host.js';
import { createProcessIO } from './process-io.js';
import { writeFailed } from './stdout-errors.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

/**
 * The one base command. It owns: the global flags, JSON mode (--json or IMMUTA_CONTENT_TYPE=json),
 * terminal capabilities (colour, spinners, prompts), redaction of everything printed, turning every
 * failure into one rendered message and one documented exit code (oclif reads `oclif.exit` in human
 * mode and `exitCode` in JSON mode, oclif/core#1423: we settle both here), and Ctrl-C (exit 130).
 *
 * Subclasses only declare flags and args and map them to one `runX(options, this.io)` call
 * (README "Development": the recipe). Everything a run touches goes through the host (the process,
 * or the in-process test harness's fake of it), never `process` directly.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;
  static override baseFlags = globalFlags;
  /**
   * A long-running command (a foreground server) that stops cleanly on Ctrl-C or SIGTERM: the signal
   * aborts `io.signal` and the run function returns (exit 0). Otherwise Ctrl-C exits 130 at once.
   * A function decides from the parsed flags: `audit logs sql --engine athena` must stop the remote
   * query (StopQueryExecution) before it exits 130 itself.
   */
  static stopsOnSignal: boolean | ((flags: Record<string, unknown>) => boolean) = false;

  protected flags!: BaseFlags<T>;
  protected args!: BaseArgs<T>;
  private caps: TerminalCaps | undefined;
  private paint: ChalkInstance = painter(false);
  private paintErr: ChalkInstance = painter(false);
  private progressHandle: Progress | undefined;
  private commandIO: CommandIO | undefined;
  private readonly abort = new AbortController();
  private jsonPrinted = false;
  /**
   * In JSON mode, the run function began writing its document itself (an answer streamed as it is
   * read): a failure or Ctrl-C after that cannot print its error document on stdout (it would follow
   * part of an array, and neither would parse), so it goes to stderr, and the exit code says it.
   */
  private documentStarted = false;
  /** Captured when the command is constructed: the harness installs its host around the whole run. */
  private readonly host: CommandHost = currentHost();

  /**
   * The one CommandIO of this run: what `runX(options, io)` functions get. Built on first use,
   * after parsing (so JSON mode and colours are known).
   */
  protected get io(): CommandIO {
    this.commandIO ??= createProcessIO({
      json: this.jsonEnabled(),
      caps: this.terminal(),
      paint: this.paint,
      paintErr: this.paintErr,
      globals: {
        profile: this.flags.profile,
        configFile: this.flags.config,
        host: this.flags.host,
        noColor: Boolean(this.flags['no-color']),
      },
      signal: this.abort.signal,
      host: this.host,
      onProgress: (progress) => {
        this.progressHandle = progress;
      },
      onWrite: () => {
        this.documentStarted = this.jsonEnabled();
      },
    });
    return this.commandIO;
  }

  public override async init(): Promise<void> {
    installStreamRedaction();
    await super.init();
    // Colour decisions need to be made before parsing, so that parse errors render correctly too.
    this.setTerminal(this.argv.includes('--no-color'));
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      enableJsonFlag: this.ctor.enableJsonFlag,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as BaseArgs<T>;
    // `-p "$PROFILE"` with PROFILE unset: an empty name would be printed in hints as `immuta -p `.
    // (IMMUTA_PROFILE="" never gets here: oclif takes an empty variable as unset.)
    if (typeof this.flags.profile === 'string' && this.flags.profile.trim() === '') {
      throw usageError(
        'the profile name given with -p is empty',
        'Name a profile (`-p prod`), or leave out -p to use "default".',
      );
    }
    this.setTerminal(Boolean(this.flags['no-color']));
    const stops = (this.ctor as unknown as typeof BaseCommand).stopsOnSignal;
    if (typeof stops === 'function' ? stops(this.flags as Record<string, unknown>) : stops) {
      this.host.onSignal(['SIGINT', 'SIGTERM'], (signal) => this.abort.abort(signal));
    } else {
      this.host.onSignal(['SIGINT'], () => {
        this.abort.abort('SIGINT');
        this.progressHandle?.stop();
        this.host.stderr.write('\nInterrupted.\n');
        // A --json caller reads stdout only: it gets the error document --json promises for every
        // failure, unless a document was already printed or begun (a second one would make stdout
        // unparseable; a streamed answer cut short stays unparseable, and exit 130 says why).
        if (this.jsonEnabled() && !this.jsonPrinted && !this.documentStarted)
          this.logJson(errorJson(interruptedError(this.flags.profile, this.id)));
        this.host.exit(ExitCode.INTERRUPTED);
      });
    }
  }

  private terminal(): TerminalCaps {
    return this.caps ?? this.setTerminal(false);
  }

  private setTerminal(noColor: boolean): TerminalCaps {
    const { host } = this;
    this.caps = detectTerminal({
      json: this.jsonEnabled(),
      noColor,
      env: host.env,
      stdinIsTTY: Boolean(host.stdin.isTTY),
      stdoutIsTTY: Boolean(host.stdout.isTTY),
      stderrIsTTY: Boolean(host.stderr.isTTY),
    });
    this.paint = painter(this.caps.color);
    this.paintErr = painter(this.caps.colorStderr && !this.jsonEnabled());
    return this.caps;
  }

  protected override toSuccessJson(result: unknown): unknown {
    return result === DOCUMENT_WRITTEN ? result : redactValue(result);
  }

  /** The JSON document (success or error) on the host's stdout: one pretty-printed document, never coloured. */
  public override logJson(json: unknown): void {
    this.jsonPrinted = true;
    if (json === DOCUMENT_WRITTEN) return; // the run function wrote it as it went
    this.host.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }

  public override async catch(thrown: Error & { exitCode?: number }): Promise<never> {
    this.progressHandle?.fail();
    this.progressHandle = undefined;
    const error = toCliError(thrown, this.id);
    this.terminal();
    if (error.code !== 'EXIT') {
      if (this.jsonEnabled() && !this.documentStarted) this.logJson(errorJson(error));
      // Also when the document could not be written (stdout on a full disk): the exit code alone
      // said nothing of what failed.
      if (!this.jsonEnabled() || this.documentStarted || writeFailed(this.host.stdout))
        this.host.stderr.write(`${errorText(error, this.paintErr)}\n`);
      if (error.exitCode === ExitCode.BUG && this.host.env.DEBUG && thrown instanceof Error && thrown.stack) {
        this.host.stderr.write(`${redactText(thrown.stack)}\n`);
      }
    }
    this.host.setExitCode(error.exitCode);
    // Already rendered: tell oclif's handler not to print it again, and which code to exit with.
    throw Object.assign(new Error(error.message), {
      skipOclifErrorHandling: true,
      oclif: { exit: error.exitCode },
      exitCode: error.exitCode,
    });
  }
}

/**
 * What Ctrl-C ends a command with (the process exits from the signal handler: nothing is thrown).
 * A command that changes something may have done so before it was stopped: its fix says where
 * to look before running it again (a second create makes a duplicate).
 */
export function interruptedError(profile?: string, commandId = ''): CliError {
  const cli = immutaCli(profile);
  const check = /^audit:exportConfig:(create|update|delete|enable|disable|apply)\b/.test(commandId)
    ? `\`${cli} audit exportConfig list\``
    : /^webhooks:(create|delete)\b/.test(commandId)
      ? `\`${cli} webhooks list\``
      : /^(audit:exportConfig:policy|sandbox:role)\b/.test(commandId)
        ? 'the role or bucket policy in AWS (when it was applying one)'
        : undefined;
  return new CliError('interrupted (Ctrl-C)', {
    code: 'INTERRUPTED',
    exitCode: ExitCode.INTERRUPTED,
    fix: check
      ? `Check ${check} first: the change may have been made before it stopped. Then run the command again if it was not.`
      : 'Run the command again.',
  });
}

export { CliError, ExitCode };
