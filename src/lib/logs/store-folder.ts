import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors/cli-error.js';
import { ExitCode } from '../errors/exit-codes.js';

/** The store's database file: a folder that has it is a store. */
export const STORE_FILE = 'events.duckdb';
/** The folder (inside the store) of the Parquet part files that hold the events. */
export const PARTS_DIR = 'parts';

/**
 * The folder of a store opened for writing: made when missing; one that exists must be a store
 * already (it has STORE_FILE) or empty but for hidden files. Opening a store for writing deletes
 * what a killed sync left in it, so a folder of other files (`--store .` in a project that has a
 * `parts` folder) is refused rather than cleaned.
 */
export function prepareStoreFolder(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT')
      throw storeFolderError(folder, code === 'ENOTDIR' ? 'it, or a folder above it, is a file' : errorReason(error));
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
    } catch (made) {
      throw storeFolderError(folder, errorReason(made));
    }
    return;
  }
  const others = names.filter((name) => !name.startsWith('.'));
  if (others.length > 0 && !names.includes(STORE_FILE)) {
    const shown = others.slice(0, 3).join(', ') + (others.length > 3 ? ', ...' : '');
    throw storeFolderError(folder, `it holds other files (${shown}), not a log store`);
  }
  // A sync writes its staging files, parts and DuckDB's write-ahead log here: a store this user
  // may only read (another's, or a read-only mount) failed half way as "unexpected failure: EACCES".
  for (const path of [folder, join(folder, PARTS_DIR)]) {
    try {
      accessSync(path, constants.W_OK | constants.X_OK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new CliError(`cannot write to the log store ${path}: ${errorReason(error)}`, {
        code: 'LOGS_STORE_UNREADABLE',
        exitCode: ExitCode.USAGE,
        fix: 'A sync writes to the store: run it as the user that owns the folder (`ls -ld`), or give this user write access to the folder, its parts folder and their files.',
      });
    }
  }
}

const errorReason = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'permission denied';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a file is in the way';
  return (error as Error).message ?? String(error);
};

function storeFolderError(folder: string, why: string): CliError {
  return new CliError(`cannot use ${folder} as a log store: ${why}`, {
    code: 'LOGS_STORE_UNREADABLE',
    exitCode: ExitCode.USAGE,
    fix: 'Give --store a new or empty folder, or the folder of an existing store.',
  });
}

/**
 * A store opened for reading whose path is not a folder: LOGS_STORE_UNREADABLE (a file given as
 * --store is not "nothing synced yet"); undefined for a folder or a path that does not exist.
 */
export function notAStoreFolder(folder: string): CliError | undefined {
  try {
    if (statSync(folder).isDirectory()) return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    return storeFolderError(folder, code === 'ENOTDIR' ? 'it, or a folder above it, is a file' : errorReason(error));
  }
  return storeFolderError(folder, 'it is a file, not a folder');
}

/**
 * A store to read that is not there: LOGS_STORE_UNREADABLE for a path that is not a folder,
 * LOGS_STORE_EMPTY for a folder no sync wrote a store into; undefined for a store.
 */
export function missingStore(folder: string): CliError | undefined {
  const notAFolder = notAStoreFolder(folder);
  if (notAFolder) return notAFolder;
  if (existsSync(join(folder, STORE_FILE))) return undefined;
  return new CliError(`no log store in ${folder}`, {
    code: 'LOGS_STORE_EMPTY',
    exitCode: ExitCode.USAGE,
    fix: 'Sync one first: `immuta audit logs sync SOURCE --store DIR`, or pass --source SOURCE.',
  });
}
