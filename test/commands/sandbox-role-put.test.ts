/**
 * `immuta sandbox role put --trust-policy FILE` through the command harness: the file is read
 * before the sandbox is asked anything, so what it refuses needs no running sandbox.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';

const ROLE = 'arn:aws:iam::444455556666:role/immuta-audit-export';
let home: { home: string; cleanup: () => void };
let dir: string;

beforeAll(() => {
  home = tempHome();
  dir = mkdtempSync(join(tmpdir(), 'role-put-'));
});

afterAll(() => {
  home.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function putRole(file: string) {
  return runCommand(['sandbox', 'role', 'put', '--role-arn', ROLE, '--trust-policy', file, '--json'], {
    env: { HOME: home.home, IMMUTA_SANDBOX_DIR: join(dir, 'no-sandbox') },
  });
}

describe('sandbox role put: the trust policy file', () => {
  it('refuses a FIFO, a device and a file over 1 MiB at once, without reading them (a FIFO hung, /dev/zero took 600 MB)', async () => {
    const fifo = join(dir, 'trust.fifo');
    execFileSync('mkfifo', [fifo]);
    const big = join(dir, 'big.json');
    writeFileSync(big, `{"a":"${'x'.repeat(2 * 1024 * 1024)}"}`);
    for (const [file, says] of [
      [fifo, 'is a FIFO'],
      ['/dev/zero', 'is a device'],
      [big, 'larger than 1024 KiB'],
      [dir, 'is a directory'],
    ] as const) {
      const started = Date.now();
      const r = await putRole(file);
      expect(r.exitCode, file).toBe(2);
      const error = (JSON.parse(r.stdout) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('FILE_UNREADABLE');
      expect(error.message).toContain(says);
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });

  it('says an empty file is empty (not "Unexpected end of JSON input")', async () => {
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, '\uFEFF \n');
    const r = await putRole(empty);
    expect(r.exitCode).toBe(2);
    expect((JSON.parse(r.stdout) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'POLICY_INVALID',
      message: expect.stringContaining('is empty'),
    });
  });
});
