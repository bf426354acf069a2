import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkedWritableFile, writeError } from '../../../src/lib/io/writable-file.js';
import { failure } from '../../helpers/expect-cli-error.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'immuta-writable-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const refused = async (path: string) => {
  const error = await failure(checkedWritableFile({ path, flag: '--out' }));
  expect(error.code).toBe('FILE_UNWRITABLE');
  expect(error.exitCode).toBe(2);
  return error.message;
};

describe('checkedWritableFile', () => {
  it('takes a new or existing regular file, and writes through a symbolic link (also one to no file yet)', async () => {
    expect(await checkedWritableFile({ path: join(dir, 'new.html'), flag: '--out' })).toBe(join(dir, 'new.html'));
    writeFileSync(join(dir, 'old.html'), 'x');
    expect(await checkedWritableFile({ path: join(dir, 'old.html'), flag: '--out' })).toBe(join(dir, 'old.html'));
    symlinkSync('old.html', join(dir, 'link.html'));
    expect(await checkedWritableFile({ path: join(dir, 'link.html'), flag: '--out' })).toBe(join(dir, 'old.html'));
    mkdirSync(join(dir, 'sub'));
    symlinkSync(join(dir, 'sub', 'later.html'), join(dir, 'dangling.html'));
    expect(await checkedWritableFile({ path: join(dir, 'dangling.html'), flag: '--out' })).toBe(
      join(dir, 'sub', 'later.html'),
    );
  });

  it('refuses a folder, a FIFO, a device, a missing folder and a loop of links, naming the flag', async () => {
    expect(await refused(dir)).toBe(`cannot write --out ${dir}: it is a folder (give a file name in it)`);
    execFileSync('mkfifo', [join(dir, 'fifo')]);
    expect(await refused(join(dir, 'fifo'))).toBe(
      `cannot write --out ${join(dir, 'fifo')}: it is a FIFO, not a regular file`,
    );
    expect(await refused('/dev/null')).toBe('cannot write --out /dev/null: it is a device, not a regular file');
    expect(await refused(join(dir, 'no', 'such', 'r.html'))).toBe(
      `cannot write --out ${join(dir, 'no', 'such', 'r.html')}: the folder ${join(dir, 'no', 'such')} does not exist`,
    );
    writeFileSync(join(dir, 'file'), 'x');
    expect(await refused(join(dir, 'file', 'r.html'))).toMatch(/: the folder .*file does not exist$|is not a folder$/);
    symlinkSync('b', join(dir, 'a'));
    symlinkSync('a', join(dir, 'b'));
    expect(await refused(join(dir, 'a'))).toBe(
      `cannot write --out ${join(dir, 'a')}: too many levels of symbolic links`,
    );
  });

  it('says what a failed write means on the same terms; other errors pass through', () => {
    const file = { path: '/x/state.json', flag: '--state' };
    const denied = writeError(file, Object.assign(new Error('EACCES'), { code: 'EACCES' }));
    expect(denied).toMatchObject({
      code: 'FILE_UNWRITABLE',
      message: 'cannot write --state /x/state.json: permission denied',
    });
    const other = new Error('EIO');
    expect(writeError(file, other)).toBe(other);
  });
});
