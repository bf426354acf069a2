import { escapeLine } from './control-codes.js';
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
 *
 * ora writes to the terminal itself, past the CommandIO writers that escape what they print, and its
 * texts name remote and user things (a source folder, an object key, an id): they are escaped here,
 * on one line (a raw ESC ] 0; ... BEL in a folder name retitled the terminal during `logs sync`).
 */
export async function startProgress(caps: TerminalCaps, text: string): Promise<Progress> {
  if (!caps.spinners) return silent;
  const { default: ora } = await import('ora');
  const shown = (t: string | undefined) => (t === undefined ? undefined : escapeLine(t));
  const spinner = ora({ text: escapeLine(text), stream: process.stderr, color: 'cyan' }).start();
  return {
    update: (t) => {
      spinner.text = escapeLine(t);
    },
    succeed: (t) => {
      spinner.succeed(shown(t));
    },
    fail: (t) => {
      spinner.fail(shown(t));
    },
    stop: () => {
      spinner.stop();
    },
  };
}
