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
import { textPieces } from '../util/text-pieces.js';
import type { CommandHost } from './host.js';

export interface ProcessIOOptions {
  json: boolean;
  caps: TerminalCaps;
  paint: ChalkInstance;
  paintErr: ChalkInstance;
  globals: GlobalOptions;
  signal: AbortSignal;
  /** The process (or the harness's fake of it) whose streams, environment and exit code this IO uses. */
  host: CommandHost;
  /** Called with every spinner started, so the base command can stop it when the run fails. */
  onProgress(progress: Progress): void;
  /** Called before each raw stdout write (`write`): in JSON mode, the document has begun. */
  onWrite?(): void;
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
async function readStdinBytes(stdin: CommandHost['stdin'], limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > limitBytes) {
      (stdin as { destroy?: () => void }).destroy?.();
      throw new CliError(`standard input is larger than ${limitBytes} bytes`, {
        code: 'INPUT_TOO_LARGE',
        exitCode: ExitCode.USAGE,
        fix: 'Pass a smaller input.',
      });
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The CommandIO of a real process (or of the harness's host): its streams, environment, clock and terminal. */
export function createProcessIO(options: ProcessIOOptions): CommandIO {
  const { host } = options;
  let tenantClient: TenantClient | undefined;
  const tenantSettings = async (): Promise<TenantSettings> => {
    const { resolveTenantSettings } = await import('../config/tenant-settings.js');
    return resolveTenantSettings({
      host: options.globals.host,
      profile: options.globals.profile,
      configFile: options.globals.configFile,
      env: host.env,
    });
  };
  return {
    json: options.json,
    caps: options.caps,
    paint: options.paint,
    paintErr: options.paintErr,
    globals: options.globals,
    env: host.env,
    cwd: host.cwd,
    stdoutIsTTY: Boolean(host.stdout.isTTY),
    stdinIsTTY: Boolean(host.stdin.isTTY),
    signal: options.signal,
    // Remote and user text reaches these writers: control codes are escaped, our own colours kept.
    out(text = '') {
      if (!options.json)
        host.stdout.write(`${escapeForStream(redactText(text), options.caps.color)}
`);
    },
    note(text = '') {
      if (!options.json)
        host.stderr.write(`${escapeForStream(redactText(text), options.caps.colorStderr)}
`);
    },
    warn(text) {
      const escaped = escapeForStream(redactText(text), options.caps.colorStderr);
      host.stderr.write(`${options.paintErr.yellow('Warning:')} ${escaped}
`);
    },
    write(chunk) {
      options.onWrite?.();
      for (const piece of textPieces(escapeForStream(redactText(chunk), options.caps.color))) host.stdout.write(piece);
    },
    writeErr(chunk) {
      host.stderr.write(escapeForStream(redactText(chunk), options.caps.colorStderr));
    },
    async progress(text) {
      const progress = await startProgress(options.caps, text);
      options.onProgress(progress);
      return progress;
    },
    setExitCode(code: ExitCodeValue) {
      host.setExitCode(code);
    },
    prompts: host.prompts ?? prompts,
    readStdinBytes: (limitBytes) => readStdinBytes(host.stdin, limitBytes),
    readStdin: async (limitBytes) => (await readStdinBytes(host.stdin, limitBytes)).toString('utf8'),
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
