/**
 * The in-process command harness: runs any command id with argv the way bin/run.js does (same argv
 * normalisation, same oclif parsing, same base command, same error rendering and exit code) but in
 * this process, against a fake host: captured stdout/stderr, the exit code the binary would exit
 * with, a chosen environment, stdin and terminal. About a hundred times faster than a subprocess.
 *
 *   const result = await runCommand(['audit', 'exportConfig', 'list', '--json'], { env: { IMMUTA_API_KEY: 'k' } });
 *   expect(result.exitCode).toBe(0);
 *
 * It returns the same CliResult as runCli (test/helpers/run-cli.ts), so a test can switch between
 * them. What only a real process shows (--help and --version, unknown commands, start-up, signals,
 * the sandbox's detached server) stays with runCli.
 *
 * Environment: the environment is the one runCli gives a child (no inherited IMMUTA_*, AWS_*,
 * colour), installed as process.env for the duration of the run, because oclif reads flag
 * defaults (`env: 'IMMUTA_PROFILE'`) and the tenant and AWS clients read their knobs from it.
 * The working directory is changed likewise (vitest's `forks` pool allows it). Runs are therefore
 * one at a time: never use it from concurrent tests.
 */
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import type { Command, Config } from '@oclif/core';
import { normalizeArgv } from '../../src/lib/cli/argv.js';
import { LEADING_GLOBAL_FLAGS } from '../../src/lib/cli/global-flags.js';
import { type CommandHost, type HostStream, withHost } from '../../src/lib/cli/host.js';
import type { Prompts } from '../../src/lib/io/command-io.js';
import { clearRegisteredSecrets, redactText } from '../../src/lib/output/redact.js';
import { type CliResult, ROOT, childEnvironment } from './run-cli.js';
import { replaceEnv } from './env.js';

export interface RunCommandOptions {
  /** Added to (or, with `undefined`, removed from) the base test environment. */
  env?: Record<string, string | undefined>;
  /** Standard input (read until its end); without it stdin is empty. */
  stdin?: string;
  /** Alias of `stdin`, as runCli spells it. */
  input?: string;
  /** A terminal on stdin and stdout (prompts possible; stderr stays a pipe, so no spinners). */
  tty?: boolean;
  /** Answers to prompts in order (confirm: boolean; secret/line: string). */
  answers?: (string | boolean)[];
  cwd?: string;
  /**
   * Ctrl-C: when this settles, the command's SIGINT handler runs as the process's would. The run
   * then resolves with what was printed up to the exit (the command's own work is abandoned).
   */
  interrupt?: Promise<unknown>;
}

export interface CommandResult extends CliResult {
  /** The prompts that were shown, in order. */
  asked: string[];
}

const SRC_COMMANDS = join(ROOT, 'src', 'commands');

/** Command id -> source file, as oclif derives ids from dist/commands (one colon per folder, index files named by theirs). */
function commandFiles(dir = SRC_COMMANDS): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const [id, file] of commandFiles(path)) files.set(id, file);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts'))
      // `sandbox/scenario/index.ts` is the command `sandbox:scenario`, as oclif names an index file.
      files.set(
        relative(SRC_COMMANDS, path)
          .replace(/(\/index)?\.ts$/, '')
          .split('/')
          .join(':'),
        path,
      );
  }
  return files;
}

let loaded: Promise<{ config: Config; commands: Map<string, string> }> | undefined;

/** oclif's Config, loaded once per test file (like bin/run.js loads it once per process). */
function load(): Promise<{ config: Config; commands: Map<string, string> }> {
  loaded ??= (async () => {
    const { Config } = await import('@oclif/core');
    const config = await Config.load({ root: ROOT, devPlugins: false, userPlugins: false });
    return { config, commands: commandFiles() };
  })();
  return loaded;
}

/** A captured stream; redacted like the real process's streams (installStreamRedaction). */
function capture(isTTY: boolean): HostStream & { text(): string } {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 120,
    write(chunk: string) {
      chunks.push(redactText(chunk));
      return true;
    },
    text: () => chunks.join(''),
  };
}

function scriptedPrompts(answers: (string | boolean)[], asked: string[]): Prompts {
  const next = (message: string): string | boolean => {
    asked.push(message);
    if (answers.length === 0) throw new Error(`runCommand: no scripted answer for prompt "${message}"`);
    return answers.shift()!;
  };
  return {
    async confirm(message) {
      return Boolean(next(message));
    },
    async secret(message) {
      return String(next(message)).trim();
    },
    async line(message, defaultValue) {
      return String(next(message)).trim() || (defaultValue ?? '');
    },
  };
}

/** Thrown by the fake host's exit() to end the run where a real process would end. */
class HostExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Sends a process stream's writes into `into` until the returned function restores it. */
function captureProcessStream(stream: NodeJS.WriteStream, into: HostStream): () => void {
  const original = Object.getOwnPropertyDescriptor(stream, 'write');
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    into.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    const callback = rest.find((r): r is () => void => typeof r === 'function');
    callback?.();
    return true;
  }) as typeof stream.write;
  return () => {
    if (original) Object.defineProperty(stream, 'write', original);
    else Reflect.deleteProperty(stream, 'write');
  };
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs one command in-process and resolves to what the binary would have printed and exited with.
 * Runs are queued one after another (they share process.env, the working directory and the streams),
 * so `it.concurrent` tests are safe, merely not concurrent.
 */
export function runCommand(argv: readonly string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  const run = queue.then(() => runAlone(argv, options));
  queue = run.catch(() => undefined);
  return run;
}

async function runAlone(argv: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  const { config, commands } = await load();
  // As bin/run.js does before routing: unknown commands, topics and flags are usage errors.
  const { checkCommandLine, renderUsageError } = await import('../../src/lib/cli/run.js');
  const usageError = checkCommandLine(argv, config);
  if (usageError) {
    const stdout = capture(false);
    const stderr = capture(false);
    await renderUsageError(usageError, argv, { stdout, stderr }, childEnvironment(options.env));
    return { stdout: stdout.text(), stderr: stderr.text(), exitCode: usageError.exitCode, asked: [] };
  }
  const normalized = normalizeArgv(argv, { commandIds: [...commands.keys()], leadingFlags: LEADING_GLOBAL_FLAGS });
  const [id = '', ...rest] = normalized;
  const file = commands.get(id);
  if (!file) throw new Error(`runCommand: "${argv.join(' ')}" names no command; use runCli for help and not-found`);
  const { default: CommandClass } = (await import(file)) as { default: typeof Command };
  CommandClass.id = id;

  const input = options.stdin ?? options.input ?? '';
  const tty = options.tty ?? false;
  // A person at a terminal is not a CI job: CI=true (set where the suite runs in CI) would turn prompts off.
  const env = childEnvironment(
    tty && !Object.hasOwn(options.env ?? {}, 'CI') ? { ...options.env, CI: undefined } : options.env,
  );
  const stdout = capture(tty);
  const stderr = capture(false);
  const stdin = Object.assign(Readable.from(input === '' ? [] : [Buffer.from(input)]), { isTTY: tty });
  const asked: string[] = [];
  let exitCode: number | undefined;
  let exitedOnSignal: (code: number) => void = () => undefined;
  const interrupted = new Promise<number>((resolve) => (exitedOnSignal = resolve));
  const host: CommandHost = {
    env: process.env,
    cwd: options.cwd ?? ROOT,
    stdout,
    stderr,
    stdin,
    setExitCode(code) {
      exitCode = code;
    },
    onSignal(signals, handler) {
      if (!options.interrupt || !signals.includes('SIGINT')) return;
      void options.interrupt.then(() => {
        try {
          handler('SIGINT');
        } catch (error) {
          if (!(error instanceof HostExit)) throw error;
          exitedOnSignal(error.code);
        }
      });
    },
    exit(code) {
      throw new HostExit(code);
    },
    prompts: scriptedPrompts([...(options.answers ?? [])], asked),
  };

  const savedEnv = { ...process.env } as Record<string, string>;
  const savedCwd = process.cwd();
  const savedExitCode = process.exitCode;
  replaceEnv(env);
  process.chdir(host.cwd);
  // Whatever writes to the process's own streams during the run (DEBUG logs, libraries) is part of
  // the command's output, as it is for the binary: capture it too.
  const restoreStreams = [captureProcessStream(process.stdout, stdout), captureProcessStream(process.stderr, stderr)];
  // A fresh process knows no secrets yet: secrets registered by earlier runs must not redact this one.
  clearRegisteredSecrets();
  try {
    const run = withHost(host, () => {
      // Constructed inside withHost: the base command takes its host when it is constructed.
      const command = new (CommandClass as unknown as new (argv: string[], config: Config) => Command)(rest, config);
      command.id = id;
      return (command as unknown as { _run(): Promise<unknown> })._run();
    });
    // A real process ends at the signal's exit; here the abandoned run must not fail the test later.
    const signalled = interrupted.then((code) => {
      run.catch(() => undefined);
      throw new HostExit(code);
    });
    await Promise.race([run, signalled]);
  } catch (error) {
    // What oclif's handle() does with the error the base command rethrows after rendering it.
    const e = error as { skipOclifErrorHandling?: boolean; oclif?: { exit?: number } };
    if (error instanceof HostExit) exitCode = error.code;
    else if (e.skipOclifErrorHandling) exitCode = e.oclif?.exit ?? 1;
    else throw error;
  } finally {
    for (const restore of restoreStreams) restore();
    replaceEnv(savedEnv);
    process.chdir(savedCwd);
    process.exitCode = savedExitCode;
  }
  return { stdout: stdout.text(), stderr: stderr.text(), exitCode: exitCode ?? 0, asked };
}
