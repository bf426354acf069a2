import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { CliError } from '../../errors/cli-error.js';
import { ExitCode } from '../../errors/exit-codes.js';
import type { ObjectRef } from '../store.js';
import type { ObjectSource } from './types.js';

/**
 * A local folder (every file under it, recursively, dot-files included: exports have no naming rule
 * we could rely on) or a single file. Keys are paths relative to the folder with `/` separators; the
 * ETag is `<mtime ms>-<size>`, so a rewritten file is read again (its events are still stored once).
 */
export class LocalSource implements ObjectSource {
  readonly label: string;
  private root = '';
  private single = false;

  constructor(private readonly path: string) {
    this.label = resolve(path);
  }

  async list(signal: AbortSignal): Promise<ObjectRef[]> {
    const absolute = resolve(this.path);
    let info;
    try {
      info = await stat(absolute);
    } catch {
      throw new CliError(`no such file or folder: ${absolute}`, {
        code: 'LOGS_SOURCE_NOT_FOUND',
        exitCode: ExitCode.USAGE,
        fix: 'Give a folder of exported NDJSON files, a file, s3://bucket/prefix, --config-id ID, or sandbox.',
      });
    }
    if (info.isFile()) {
      this.root = resolve(absolute, '..');
      this.single = true;
      return [{ key: basename(absolute), etag: `${Math.trunc(info.mtimeMs)}-${info.size}`, size: info.size }];
    }
    this.root = absolute;
    const objects: ObjectRef[] = [];
    const walk = async (dir: string): Promise<void> => {
      signal.throwIfAborted();
      const entries = await readdir(dir, { withFileTypes: true });
      for (const entry of entries) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (entry.isFile() || entry.isSymbolicLink()) {
          const s = await stat(full).catch(() => undefined);
          if (!s?.isFile()) continue;
          const key = relative(absolute, full).split(sep).join('/');
          objects.push({ key, etag: `${Math.trunc(s.mtimeMs)}-${s.size}`, size: s.size });
        }
      }
    };
    await walk(absolute);
    return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async read(object: ObjectRef): Promise<Buffer> {
    return readFile(this.single ? join(this.root, object.key) : join(this.root, ...object.key.split('/')));
  }
}
