import { Chalk, type ChalkInstance } from 'chalk';

/** What the terminal allows: colour, spinners, prompts. Decided once per command run. */
export interface TerminalCaps {
  /** stdout gets colour (human mode only). */
  color: boolean;
  /** stderr gets colour. */
  colorStderr: boolean;
  /** Animated spinners on stderr: stderr is a TTY, not CI, not --json, TERM is not dumb. */
  spinners: boolean;
  /** Prompts are possible: stdin and stdout are TTYs and not CI. */
  interactive: boolean;
}

export interface TerminalOptions {
  json: boolean;
  noColor: boolean;
  env?: NodeJS.ProcessEnv;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.CI && env.CI !== 'false' && env.CI !== '0');
}

export function detectTerminal(options: TerminalOptions): TerminalCaps {
  const env = options.env ?? process.env;
  const stdoutTTY = options.stdoutIsTTY ?? Boolean(process.stdout.isTTY);
  const stderrTTY = options.stderrIsTTY ?? Boolean(process.stderr.isTTY);
  const stdinTTY = options.stdinIsTTY ?? Boolean(process.stdin.isTTY);
  const dumb = env.TERM === 'dumb';
  // A pseudo-terminal without a size (`script`, `docker -t`) reports 0 columns: ora and inquirer
  // loop forever there, so treat it as no terminal for animation and prompts.
  const sized = (process.stderr.columns ?? 80) > 0 && (process.stdout.columns ?? 80) > 0;
  const colorOff = options.noColor || env.NO_COLOR !== undefined || env.IMMUTA_NO_COLOR !== undefined || dumb;
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return {
    color: !options.json && !colorOff && (stdoutTTY || forced),
    colorStderr: !colorOff && (stderrTTY || forced),
    spinners: !options.json && stderrTTY && sized && !isCi(env) && !dumb,
    interactive: stdinTTY && stdoutTTY && sized && !isCi(env),
  };
}

/** The streams and sizes `nonInteractiveReason` looks at (the process's by default). */
export interface SessionFacts {
  env?: NodeJS.ProcessEnv;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  /** The smaller of stdout's and stderr's reported widths. */
  columns?: number;
}

/**
 * Why this session cannot prompt (the reasons behind `caps.interactive` being false), in words a user
 * can act on; undefined when it can. Refusals ("refusing to delete without --yes") quote it.
 */
export function nonInteractiveReason(facts: SessionFacts = {}): string | undefined {
  const env = facts.env ?? process.env;
  if (isCi(env)) return 'CI is set';
  if (!(facts.stdinIsTTY ?? Boolean(process.stdin.isTTY))) return 'standard input is not a terminal';
  if (!(facts.stdoutIsTTY ?? Boolean(process.stdout.isTTY)))
    return 'standard output is not a terminal (piped or redirected)';
  const columns = facts.columns ?? Math.min(process.stderr.columns ?? 80, process.stdout.columns ?? 80);
  if (columns <= 0)
    return 'the terminal reports a width of 0 columns (a pseudo-terminal without a size, e.g. `script` or `docker run -t`), where a prompt cannot be drawn';
  return undefined;
}

/** A chalk instance that is plain when colour is off (chalk's own detection ignores NO_COLOR/--no-color). */
export function painter(enabled: boolean): ChalkInstance {
  return new Chalk({ level: enabled ? 1 : 0 });
}
