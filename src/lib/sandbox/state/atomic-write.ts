import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

// One atomic write for the whole CLI (profiles' neighbours, watch state, sandbox state).
export { writeFileAtomic } from '../../util/atomic-write.js';

/** `.<name>.<pid>.<hex>.tmp`, as writeFileAtomic names its temporary files. */
const TEMPORARY = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/;
/** No write takes this long: a temporary file older than this was abandoned even if its pid was reused. */
const ABANDONED_AFTER_MS = 60_000;

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files a killed writer left in `directory` (kill -9 between write and rename):
 * they are full copies of the state, secrets included. A file whose writer may still be running (its
 * pid is alive and the file is recent) is left alone. Returns the names removed.
 */
export async function removeAbandonedTemporaries(directory: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(directory);
  } catch {
    return removed;
  }
  for (const name of names) {
    const match = TEMPORARY.exec(name);
    if (!match) continue;
    const path = join(directory, name);
    try {
      const info = await stat(path);
      if (!info.isFile()) continue;
      if (processAlive(Number(match[1])) && now - info.mtimeMs < ABANDONED_AFTER_MS) continue;
      await rm(path, { force: true });
      removed.push(name);
    } catch {
      // Gone meanwhile (its writer renamed it): nothing to clean.
    }
  }
  return removed;
}
