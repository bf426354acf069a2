/**
 * On POSIX, Node writes to a pipe asynchronously: whatever is still queued when `process.exit()` runs
 * is lost, so `immuta ... --json | cat` printed exactly the first 64 KiB (the pipe's buffer) of a
 * large answer when the command failed (oclif's error handler exits with process.exit). Blocking
 * writes make every byte reach the pipe before the process can exit, as they already do for files
 * and terminals. A slow reader then slows the CLI down instead of losing output.
 */
export function makeStdioBlocking(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    const handle = (stream as unknown as { _handle?: { setBlocking?: (blocking: boolean) => void } })._handle;
    handle?.setBlocking?.(true);
  }
}
