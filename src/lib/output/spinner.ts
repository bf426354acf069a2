import type { TerminalCaps } from './terminal.js';

/** The little a command needs from a progress indicator. */
export interface Progress {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

const silent: Progress = { update() {}, succeed() {}, fail() {}, stop() {} };

/**
 * A spinner on stderr when the terminal allows it (see TerminalCaps.spinners), otherwise nothing:
 * CI logs and --json stay clean. ora is imported only when a spinner is really shown.
 */
export async function startProgress(caps: TerminalCaps, text: string): Promise<Progress> {
  if (!caps.spinners) return silent;
  const { default: ora } = await import('ora');
  const spinner = ora({ text, stream: process.stderr, color: 'cyan' }).start();
  return {
    update: (t) => {
      spinner.text = t;
    },
    succeed: (t) => {
      spinner.succeed(t);
    },
    fail: (t) => {
      spinner.fail(t);
    },
    stop: () => {
      spinner.stop();
    },
  };
}
