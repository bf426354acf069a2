/**
 * A DIR argument of apply that cannot be listed (EACCES: a checkout owned by another user). The
 * tests run as root in CI containers, where chmod does not refuse anything: readdir is made to
 * fail as the kernel would, through a mock of node:fs/promises that is otherwise the real module.
 * Test files share a worker's module cache (vitest `isolate: false`), where another file may have
 * loaded desired.ts with the real module already: it is loaded afresh here, after the mock.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsPromises>();
  return { ...actual, readdir: vi.fn(actual.readdir) };
});

const dir = mkdtempSync(join(tmpdir(), 'immuta-apply-unreadable-'));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('a directory that cannot be listed is CONFIG_FILE_UNREADABLE (exit 2) naming it, not an internal error', async () => {
  vi.resetModules();
  const { expandPaths } = await import('../../../src/lib/apply/desired.js');
  const { readdir } = await import('node:fs/promises');
  writeFileSync(join(dir, 'a.json'), '{}');
  expect(await expandPaths([dir])).toEqual([join(dir, 'a.json')]);
  vi.mocked(readdir).mockRejectedValueOnce(
    Object.assign(new Error(`EACCES: permission denied, scandir '${dir}'`), { code: 'EACCES' }),
  );
  // Not `failure()`: desired.ts loaded afresh throws its own CliError class, so match by shape.
  const error: unknown = await expandPaths([dir]).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toMatchObject({
    code: 'CONFIG_FILE_UNREADABLE',
    exitCode: 2,
    location: { file: dir },
    message: `${dir} cannot be read (EACCES)`,
    fix: expect.stringContaining('chmod u+rx'),
  });
});
