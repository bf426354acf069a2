import { constants, type Stats } from 'node:fs';
import { access, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';
import { specialFileKind } from '../util/special-file.js';

/** A file a command writes, and the flag that named it (for messages): `--out report.html`. */
export interface WritableFile {
  path: string;
  flag: string;
}

/**
 * Checks, before any work is done, a file a command will write (`report --out`, `watch --state`),
 * and returns the path to write. The file is replaced by a rename or written by Chromium, so a
 * name that is a folder, a FIFO or a device is refused: renamed over, /dev/full became an HTML
 * file (as root), Chromium would write into a device, and reading a FIFO (a state file read
 * first) waits forever. A symbolic link is written through (its target is replaced, the link
 * kept), as an editor saves.
 */
export async function checkedWritableFile(file: WritableFile): Promise<string> {
  const target = await throughLinks(file);
  const existing = await stat(target).catch(() => undefined);
  if (existing && !existing.isFile()) throw unwritable(file, notAFile(existing));
  const folder = dirname(target);
  const parent = await stat(folder).catch(() => undefined);
  if (!parent) throw unwritable(file, `the folder ${folder} does not exist`);
  if (!parent.isDirectory()) throw unwritable(file, `${folder} is not a folder`);
  try {
    await access(folder, constants.W_OK);
    if (existing) await access(target, constants.W_OK);
  } catch {
    throw unwritable(file, 'permission denied');
  }
  return target;
}

/** The file a path names once symbolic links are followed, also when the last one points at no file yet. */
async function throughLinks(file: WritableFile): Promise<string> {
  let current = file.path;
  for (let depth = 0; depth < 40; depth++) {
    const resolved = await realpath(current).catch(() => undefined);
    if (resolved) return resolved;
    const link = await readlink(current).catch(() => undefined);
    if (link === undefined) return current;
    current = resolve(dirname(current), link);
  }
  throw unwritable(file, 'too many levels of symbolic links');
}

/** A failed write after the checks (the file changed meanwhile, or the system refused) as the same error. */
export function writeError(file: WritableFile, error: unknown): unknown {
  const code = (error as { code?: string }).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return unwritable(file, 'permission denied', error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return unwritable(file, 'its folder is gone', error);
  if (code === 'EISDIR') return unwritable(file, 'it is a folder', error);
  return error;
}

function notAFile(info: Stats): string {
  if (info.isDirectory()) return 'it is a folder (give a file name in it)';
  return `it is ${specialFileKind(info)}, not a regular file`;
}

function unwritable(file: WritableFile, why: string, cause?: unknown): CliError {
  return new CliError(`cannot write ${file.flag} ${file.path}: ${why}`, {
    code: 'FILE_UNWRITABLE',
    exitCode: ExitCode.USAGE,
    fix: `Give ${file.flag} a file name in a folder you can write to (an existing file there is replaced).`,
    ...(cause === undefined ? {} : { cause }),
  });
}
