import { existsSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startInProcessSandbox } from '../../../helpers/sandbox.js';
import { deadPid } from '../../../helpers/dead-pid.js';

/** Issue 11, item 5: copies of the state that kill -9 left mid-write are removed when the sandbox starts. */

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('abandoned state copies', () => {
  it('are removed at start; a live writer’s fresh temporary file is left alone', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'immuta-sandbox-tmp-'));
    dirs.push(dataDir);
    const secretCopy = JSON.stringify({ apiKeys: [{ key: 'leaked-api-key' }], secretAccessKey: 'leaked-secret' });
    const killed = join(dataDir, `.state.json.${await deadPid()}.0a1b2c3d.tmp`);
    const stale = join(dataDir, `.state.json.${process.ppid}.deadbeef.tmp`);
    const live = join(dataDir, `.state.json.${process.ppid}.feedface.tmp`);
    const runtimeCopy = join(dataDir, `.sandbox.json.${await deadPid()}.12345678.tmp`);
    for (const file of [killed, stale, live, runtimeCopy]) writeFileSync(file, secretCopy, { mode: 0o600 });
    const hourAgo = new Date(Date.now() - 3600_000);
    utimesSync(stale, hourAgo, hourAgo);

    const sandbox = await startInProcessSandbox({ dataDir });
    try {
      expect(existsSync(killed)).toBe(false);
      expect(existsSync(runtimeCopy)).toBe(false);
      expect(existsSync(stale)).toBe(false);
      // A running process (here: our parent) may be between write and rename: its fresh file stays.
      expect(existsSync(live)).toBe(true);
      expect(existsSync(join(dataDir, 'state.json'))).toBe(true);
    } finally {
      await sandbox.cleanup();
    }
  });
});
