import { constants as osConstants } from 'node:os';
import type { Prompts } from '../io/command-io.js';

/** A writable end the base command prints to: a process stream, or a buffer in the in-process harness. */
export interface HostStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/**
 * The process a command runs in, as the base command sees it: streams, environment, working
 * directory, exit code and Ctrl-C. `processHost()` is the real one; the in-process test harness
 * (test/helpers/run-command.ts) installs a fake one with `withHost()`, so that a command id with
 * argv runs through the same parsing, JSON, error rendering and exit-code path as the binary.
 */
export interface CommandHost {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly stdout: HostStream;
  /** Spinners draw on process.stderr itself (the harness never shows spinners: its stderr is no terminal). */
  readonly stderr: HostStream;
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  setExitCode(code: number): void;
  /** Runs `handler` on the first of these signals (Ctrl-C is SIGINT); a second one ends the process. */
  onSignal(signals: readonly NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void): void;
  /** Ends the process at once (the interrupt path of a real process). */
  exit(code: number): never | void;
  /** Prompts to use instead of the terminal's (the harness scripts answers). */
  readonly prompts?: Prompts;
}

export function processHost(): CommandHost {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    setExitCode(code) {
      process.exitCode = code;
    },
    onSignal(signals, handler) {
      // Listening for good (not once): a library's exit hook (signal-exit, loaded with the file
      // locks) re-raises a signal when it finds itself the only listener, which killed a sandbox
      // stopping on Ctrl-C half way (exit 130, its state left behind). A second signal while the
      // first is handled ends the process at once, as the shell would.
      let handled = false;
      for (const signal of signals) {
        process.on(signal, () => {
          if (handled) process.exit(128 + (osConstants.signals[signal] ?? 0));
          handled = true;
          handler(signal);
        });
      }
    },
    exit(code) {
      process.exit(code);
    },
  };
}

let installed: CommandHost | undefined;

/** The host of the command now running: the process, unless a test harness installed another. */
export function currentHost(): CommandHost {
  return installed ?? processHost();
}

/** Runs `body` with `host` as the current host (in-process tests; one command at a time). */
export async function withHost<T>(host: CommandHost, body: () => Promise<T>): Promise<T> {
  const previous = installed;
  installed = host;
  try {
    return await body();
  } finally {
    installed = previous;
  }
}
