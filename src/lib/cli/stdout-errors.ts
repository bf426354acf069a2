import { CliError } from '../errors/cli-error.js';
import { PLAIN, errorText } from '../output/render-error.js';

interface Streams {
  stdout: Pick<NodeJS.WriteStream, 'prependListener'>;
  stderr: { write(text: string): unknown };
  exit: (code: number) => void;
  /** The exit code the run has set so far (kept on EPIPE). */
  exitCode: () => number | undefined;
}

/**
 * What a failed write to stdout means, decided before oclif's own listener runs (it ignores EPIPE
 * and rethrows anything else as an uncaught exception, after which Node printed a line of the
 * bundled source and a stack). Both ways end the process here, synchronously, so that listener
 * never sees the error:
 * - EPIPE: the reader is gone (`immuta audit logs query query-trail | head`). Stop now, quietly,
 *   with the exit code so far, as a command killed by SIGPIPE would (Node ignores SIGPIPE): a query
 *   otherwise went on reading and printing an answer nobody reads (8 s for 440,000 rows).
 * - Anything else (ENOSPC or EIO: `> file` on a full disk): one error on stderr, OUTPUT_UNWRITABLE.
 * What a command had committed stays committed (a sync stores whole batches only).
 */
export function handleStdoutErrors(
  streams: Streams = {
    stdout: process.stdout,
    stderr: process.stderr,
    exit: (code) => process.exit(code),
    exitCode: () => (typeof process.exitCode === 'number' ? process.exitCode : undefined),
  },
): void {
  streams.stdout.prependListener('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      streams.exit(streams.exitCode() ?? 0);
      return;
    }
    const failure = new CliError(`standard output cannot be written: ${error.message}`, {
      code: 'OUTPUT_UNWRITABLE',
      fix: 'Make room where the output goes (or send it elsewhere) and run the command again: the output is incomplete.',
    });
    streams.stderr.write(`${errorText(failure, PLAIN)}\n`);
    streams.exit(failure.exitCode);
  });
}

/**
 * Whether a write to `stream` has failed, other than with EPIPE (the reader gone: quiet, as above).
 * Known at once: a blocking write fails inside write(), while its 'error' event comes a tick later,
 * after a failed command has already exited (oclif's process.exit), so the handler above never ran
 * and a `--json > out.json` on a full disk lost the error document without a word on stderr.
 */
export function writeFailed(stream: unknown): boolean {
  // `errored`: the public getter of a Writable (Node 18+) for its first write error.
  const errored = (stream as { errored?: NodeJS.ErrnoException | null }).errored;
  return errored != null && errored.code !== 'EPIPE';
}
