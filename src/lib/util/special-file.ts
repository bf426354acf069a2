import type { Stats } from 'node:fs';

/**
 * What a file that is neither a regular file nor a folder is, for a message: reading a FIFO waits
 * for a writer, a device never ends, and renaming over either replaces it.
 */
export function specialFileKind(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  return 'a special file';
}
