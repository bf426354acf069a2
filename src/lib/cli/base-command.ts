import { Command, type Interfaces } from '@oclif/core';
import type { ChalkInstance } from 'chalk';
import { CliError } from '../errors/cli-error.js';
import { ExitCode, type ExitCodeValue } from '../errors/exit-codes.js';
import { toCliError } from '../errors/normalize.js';
import { errorJson, errorText } from '../output/render-error.js';
import { installStreamRedaction, redactText, redactValue } from '../output/redact.js';
import { type Progress, startProgress } from '../output/spinner.js';
import { type TerminalCaps, detectTerminal, painter } from '../output/terminal.js';
import type { TenantSettings } from '../config/tenant-settings.js';
import type { TenantClient } from '../tenant/client.js';
import { globalFlags } from './global-flags.js';
import type { CommandIO } from '../io/command-io.js';
import { createProcessIO } from './process-io.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

/**
 * The one base command. It owns: the global flags, JSON mode (--json or IMMUTA_CONTENT_TYPE=json),
 * terminal capabilities (colour, spinners, prompts), redaction of everything printed, turning every
 * failure into one rendered message and one documented exit code (oclif reads `oclif.exit` in human
 * mode and `exitCode` in JSON mode, oclif/core#1423: we settle both here), and Ctrl-C (exit 130).
 * Subclasses parse nothing themselves: `this.flags` and `this.args` are ready in `run()`.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true;
  static override baseFlags = globalFlags;

  protected flags!: BaseFlags<T>;
  protected args!: BaseArgs<T>;
  protected caps!: TerminalCaps;
  /** Colours for stdout text. */
  protected paint!: ChalkInstance;
  /** Colours for stderr text. */
  protected paintErr!: ChalkInstance;
  private progressHandle: Progress | undefined;
  private tenantClient: TenantClient | undefined;
  private commandIO: CommandIO | undefined;
  private readonly abort = new AbortController();

  /**
   * The one CommandIO of this run: what `runX(options, io)` functions get. Built on first use,
   * after parsing (so JSON mode and colours are known).
   */
  protected get io(): CommandIO {
    this.commandIO ??= createProcessIO({
      json: this.jsonEnabled(),
      caps: this.caps,
      paint: this.paint,
      paintErr: this.paintErr,
      globals: {
        profile: this.flags.profile,
        configFile: this.flags.config,
        host: this.flags.host,
        noColor: Boolean(this.flags['no-color']),
      },
      signal: this.abort.signal,
      onProgress: (progress) => {
        this.progressHandle = progress;
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
    this.setTerminal(Boolean(this.flags['no-color']));
    process.once('SIGINT', () => {
      this.progressHandle?.stop();
      process.stderr.write('\nInterrupted.\n');
      process.exit(ExitCode.INTERRUPTED);
    });
  }

  private setTerminal(noColor: boolean): void {
    this.caps = detectTerminal({ json: this.jsonEnabled(), noColor });
    this.paint = painter(this.caps.color);
    this.paintErr = painter(this.caps.colorStderr && !this.jsonEnabled());
  }

  /** Human output on stdout (silent in JSON mode). */
  protected out(text = ''): void {
    this.log(redactText(text));
  }

  /** Human notes on stderr (silent in JSON mode): progress lines, next steps, warnings. */
  protected note(text = ''): void {
    if (!this.jsonEnabled()) process.stderr.write(`${redactText(text)}\n`);
  }

  /** A spinner when the terminal allows it; otherwise nothing. Stopped on error automatically. */
  protected async progress(text: string): Promise<Progress> {
    this.progressHandle = await startProgress(this.caps, text);
    return this.progressHandle;
  }

  /** The exit code for a run that completed but needs the user's action (e.g. connection not SUCCESS). */
  protected setExitCode(code: ExitCodeValue): void {
    process.exitCode = code;
  }

  /** Tenant settings resolved from flags > environment > profile file. */
  protected async tenantSettings(): Promise<TenantSettings> {
    const { resolveTenantSettings } = await import('../config/tenant-settings.js');
    return resolveTenantSettings({
      host: this.flags.host,
      profile: this.flags.profile,
      configFile: this.flags.config,
      env: process.env,
    });
  }

  /** The GraphQL client for the resolved tenant (created once, imported lazily). */
  protected async tenant(): Promise<TenantClient> {
    if (!this.tenantClient) {
      const settings = await this.tenantSettings();
      const { TenantClient } = await import('../tenant/client.js');
      this.tenantClient = new TenantClient(settings);
    }
    return this.tenantClient;
  }

  protected override toSuccessJson(result: unknown): unknown {
    return redactValue(result);
  }

  public override async catch(thrown: Error & { exitCode?: number }): Promise<never> {
    this.progressHandle?.fail();
    this.progressHandle = undefined;
    const error = toCliError(thrown, this.id);
    if (this.caps === undefined) this.setTerminal(false);
    if (error.code !== 'EXIT') {
      if (this.jsonEnabled()) this.logJson(errorJson(error));
      else process.stderr.write(`${errorText(error, this.paintErr)}\n`);
      if (error.exitCode === ExitCode.BUG && process.env.DEBUG && thrown instanceof Error && thrown.stack) {
        process.stderr.write(`${redactText(thrown.stack)}\n`);
      }
    }
    process.exitCode = error.exitCode;
    // Already rendered: tell oclif's handler not to print it again, and which code to exit with.
    throw Object.assign(new Error(error.message), {
      skipOclifErrorHandling: true,
      oclif: { exit: error.exitCode },
      exitCode: error.exitCode,
    });
  }
}

export { CliError, ExitCode };
