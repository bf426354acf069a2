/**
 * A fake CommandIO for in-process tests of `runX(options, io)` functions: captured stdout/stderr,
 * a fixed clock, scripted prompts and stdin, and a chosen terminal (TTY or not, JSON or not).
 *
 *   const io = fakeIO({ json: true, env: { IMMUTA_API_KEY: 'k' } });
 *   const result = await runSomething(options, io);
 *   expect(io.stdout()).toBe('');
 *   expect(io.exitCode).toBe(3);
 */
import { painter, type TerminalCaps } from '../../src/lib/output/terminal.js';
import type { CommandIO, GlobalOptions } from '../../src/lib/io/command-io.js';
import type { ExitCodeValue } from '../../src/lib/errors/exit-codes.js';
import { escapeForStream } from '../../src/lib/output/control-codes.js';
import { redactText } from '../../src/lib/output/redact.js';
import type { TenantSettings } from '../../src/lib/config/tenant-settings.js';
import type { TenantClient } from '../../src/lib/tenant/client.js';

export interface FakeIOOptions {
  json?: boolean;
  /** A terminal (colour off, spinners off, prompts on) or not (the default: like CI). */
  tty?: boolean;
  /** Colour on, as on a colour terminal: the streams keep the painter's colour sequences (escaping all else). */
  colour?: boolean;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  globals?: Partial<GlobalOptions>;
  stdin?: string | Buffer;
  now?: Date;
  /** Answers to prompts, in order (confirm: boolean; secret/line: string). */
  answers?: (string | boolean)[];
  signal?: AbortSignal;
}

export interface FakeIO extends CommandIO {
  stdout(): string;
  stderr(): string;
  exitCode: ExitCodeValue | undefined;
  /** The prompts that were shown, in order. */
  asked: string[];
}

export function fakeIO(options: FakeIOOptions = {}): FakeIO {
  const out: string[] = [];
  const err: string[] = [];
  const json = options.json ?? false;
  const tty = options.tty ?? false;
  const env = { ...(options.env ?? {}) };
  const colour = options.colour ?? false;
  const caps: TerminalCaps = { color: colour, colorStderr: colour, spinners: false, interactive: tty };
  const escape = (text: string) => escapeForStream(text, colour);
  const answers = [...(options.answers ?? [])];
  const globals: GlobalOptions = {
    profile: 'default',
    configFile: undefined,
    host: undefined,
    noColor: true,
    ...options.globals,
  };
  let tenantClient: TenantClient | undefined;
  const nextAnswer = (message: string): string | boolean => {
    io.asked.push(message);
    if (answers.length === 0) throw new Error(`fakeIO: no scripted answer for prompt "${message}"`);
    return answers.shift()!;
  };
  const tenantSettings = async (): Promise<TenantSettings> => {
    const { resolveTenantSettings } = await import('../../src/lib/config/tenant-settings.js');
    return resolveTenantSettings({ host: globals.host, profile: globals.profile, configFile: globals.configFile, env });
  };
  const io: FakeIO = {
    json,
    caps,
    paint: painter(false),
    paintErr: painter(false),
    globals,
    env,
    cwd: options.cwd ?? process.cwd(),
    stdoutIsTTY: tty,
    stdinIsTTY: tty,
    signal: options.signal ?? new AbortController().signal,
    exitCode: undefined,
    asked: [],
    // As the process writers do: control codes escaped (colour sequences kept with `colour`).
    out(text = '') {
      if (!json) out.push(`${escape(redactText(text))}\n`);
    },
    note(text = '') {
      if (!json) err.push(`${escape(redactText(text))}\n`);
    },
    warn(text) {
      err.push(`Warning: ${escape(redactText(text))}\n`);
    },
    write(chunk) {
      out.push(escape(redactText(chunk)));
    },
    writeErr(chunk) {
      err.push(escape(redactText(chunk)));
    },
    async progress() {
      return { update() {}, succeed() {}, fail() {}, stop() {} };
    },
    setExitCode(code) {
      io.exitCode = code;
    },
    prompts: {
      async confirm(message) {
        return Boolean(nextAnswer(message));
      },
      async secret(message) {
        return String(nextAnswer(message));
      },
      async line(message, defaultValue) {
        return String(nextAnswer(message)) || (defaultValue ?? '');
      },
    },
    async readStdin(limitBytes) {
      return (await io.readStdinBytes(limitBytes)).toString('utf8');
    },
    async readStdinBytes(limitBytes) {
      const bytes = Buffer.isBuffer(options.stdin) ? options.stdin : Buffer.from(options.stdin ?? '');
      if (bytes.length > limitBytes) throw new Error(`fakeIO: stdin over ${limitBytes} bytes`);
      return bytes;
    },
    now: () => options.now ?? new Date('2026-01-15T12:00:00Z'),
    tenantSettings,
    async tenant() {
      if (!tenantClient) {
        const { TenantClient } = await import('../../src/lib/tenant/client.js');
        tenantClient = new TenantClient(await tenantSettings());
      }
      return tenantClient;
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
  };
  return io;
}
