import type { ChalkInstance } from 'chalk';
import { CliError } from '../errors/cli-error.js';
import { ExitCode, type ExitCodeValue } from '../errors/exit-codes.js';
import type { CommandIO, GlobalOptions, Prompts } from '../io/command-io.js';
import { escapeForStream } from '../output/control-codes.js';
import { redactText } from '../output/redact.js';
import { type Progress, startProgress } from '../output/spinner.js';
import type { TerminalCaps } from '../output/terminal.js';
import type { TenantSettings } from '../config/tenant-settings.js';
import type { TenantClient } from '../tenant/client.js';

export interface ProcessIOOptions {
  json: boolean;
  caps: TerminalCaps;
  paint: ChalkInstance;
  paintErr: ChalkInstance;
  globals: GlobalOptions;
  signal: AbortSignal;
  /** Called with every spinner started, so the base command can stop it when the run fails. */
  onProgress(progress: Progress): void;
}

const prompts: Prompts = {
  async confirm(message, defaultValue) {
    const { confirmPrompt } = await import('../lifecycle/prompts.js');
    return confirmPrompt(message, defaultValue);
  },
  async secret(message) {
    const { secretPrompt } = await import('../lifecycle/prompts.js');
    return secretPrompt(message);
  },
  async line(message, defaultValue) {
    const { linePrompt } = await import('../lifecycle/prompts.js');
    return linePrompt(message, defaultValue);
  },
};

/** Reads stdin until EOF, refusing more than `limitBytes` (a stream of unknown length may be endless). */
async function readStdin(limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > limitBytes) {
      process.stdin.destroy();
      throw new CliError(`standard input is larger than ${limitBytes} bytes`, {
        code: 'INPUT_TOO_LARGE',
        exitCode: ExitCode.USAGE,
        fix: 'Pass a smaller input.',
      });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The CommandIO of a real process: its streams, environment, clock and terminal. */
export function createProcessIO(options: ProcessIOOptions): CommandIO {
  let tenantClient: TenantClient | undefined;
  const tenantSettings = async (): Promise<TenantSettings> => {
    const { resolveTenantSettings } = await import('../config/tenant-settings.js');
    return resolveTenantSettings({
      host: options.globals.host,
      profile: options.globals.profile,
      configFile: options.globals.configFile,
      env: process.env,
    });
  };
  return {
    json: options.json,
    caps: options.caps,
    paint: options.paint,
    paintErr: options.paintErr,
    globals: options.globals,
    env: process.env,
    cwd: process.cwd(),
    signal: options.signal,
    // Remote and user text reaches these writers: control codes are escaped, our own colours kept.
    out(text = '') {
      if (!options.json) process.stdout.write(`${escapeForStream(redactText(text), options.caps.color)}\n`);
    },
    note(text = '') {
      if (!options.json) process.stderr.write(`${escapeForStream(redactText(text), options.caps.colorStderr)}\n`);
    },
    warn(text) {
      const escaped = escapeForStream(redactText(text), options.caps.colorStderr);
      process.stderr.write(`${options.paintErr.yellow('Warning:')} ${escaped}\n`);
    },
    write(chunk) {
      process.stdout.write(escapeForStream(redactText(chunk), options.caps.color));
    },
    async progress(text) {
      const progress = await startProgress(options.caps, text);
      options.onProgress(progress);
      return progress;
    },
    setExitCode(code: ExitCodeValue) {
      process.exitCode = code;
    },
    prompts,
    readStdin,
    now: () => new Date(),
    tenantSettings,
    async tenant() {
      if (!tenantClient) {
        const settings = await tenantSettings();
        const { TenantClient } = await import('../tenant/client.js');
        tenantClient = new TenantClient(settings);
      }
      return tenantClient;
    },
  };
}
