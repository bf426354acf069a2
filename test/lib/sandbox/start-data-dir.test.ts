/**
 * `sandbox start --data-dir` naming a file: refused as a usage error before anything starts (it
 * used to reach the user as "unexpected failure: EEXIST ... mkdir", exit 1).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type StartOptions, runSandboxStart } from '../../../src/lib/sandbox/commands/start.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { fakeIO } from '../../helpers/fake-io.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'immuta-sandbox-start-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const options = (dataDir: string, detach: boolean): StartOptions => ({
  examplesDir: join(dir, 'examples'),
  port: 0,
  s3Port: 0,
  awsPort: 0,
  dataDir,
  detach,
  intervalScale: '1',
  gzip: false,
  noProfile: true,
  listen: '127.0.0.1',
  tokenTtlSeconds: 3600,
  foregroundChild: false,
  // Never reached: the data directory is checked first.
  binPath: join(dir, 'no-such-bin.js'),
});

describe('sandbox start --data-dir', () => {
  it('a file as the data directory is a usage error (exit 2) naming it, detached or not', async () => {
    const file = join(dir, 'afile');
    writeFileSync(file, 'hi\n');
    for (const detach of [true, false]) {
      const error = await failure(runSandboxStart(options(file, detach), fakeIO()));
      expect(error).toMatchObject({ code: 'USAGE', exitCode: 2, location: { file } });
      expect(error.message).toBe(`the sandbox data directory ${file} is a file, not a directory`);
      expect(error.fix).toContain('--data-dir');
    }
  });

  it('a file as a parent folder of the data directory is a usage error (exit 2)', async () => {
    const file = join(dir, 'afile');
    writeFileSync(file, 'hi\n');
    const error = await failure(runSandboxStart(options(join(file, 'sandbox'), true), fakeIO()));
    expect(error).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect(error.message).toContain('one of its parent folders is a file');
  });
});
