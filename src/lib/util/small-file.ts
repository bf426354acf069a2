import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { specialFileKind } from './special-file.js';

/** Why a small input file could not be read, for the caller to word in its own error. */
export type SmallFileProblem =
  | { kind: 'directory' }
  | { kind: 'special'; what: string }
  | { kind: 'too-large'; size?: number }
  | { kind: 'unreadable'; code: string };

export class SmallFileError extends Error {
  constructor(readonly problem: SmallFileProblem) {
    super(problem.kind);
  }
}

/**
 * Reads a small input file (a policy, a configuration) that must be a regular file of at most
 * `maxBytes`. Opened non-blocking, so a FIFO cannot hang the open; the type is checked on the
 * opened descriptor; and reading stops one byte past the limit whatever `stat` says, so
 * /dev/zero or a huge file costs no more than the limit.
 */
export async function readSmallRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    throw new SmallFileError(code === 'EISDIR' ? { kind: 'directory' } : { kind: 'unreadable', code });
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw new SmallFileError({ kind: 'directory' });
    if (!info.isFile()) throw new SmallFileError({ kind: 'special', what: specialFileKind(info) });
    if (info.size > maxBytes) throw new SmallFileError({ kind: 'too-large', size: info.size });
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) throw new SmallFileError({ kind: 'too-large' });
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof SmallFileError) throw error;
    throw new SmallFileError({ kind: 'unreadable', code: (error as NodeJS.ErrnoException).code ?? 'EIO' });
  } finally {
    await handle.close();
  }
}
