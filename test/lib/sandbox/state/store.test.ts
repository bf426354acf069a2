import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../../../../src/lib/errors/cli-error.js';
import { StateStore } from '../../../../src/lib/sandbox/state/store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sandbox-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const user = { id: 'u@example.com', name: 'U' };
const config = (id: string) => ({
  id,
  kind: 's3:accessKey' as const,
  interval: 'EVERY_2_HOURS' as const,
  enabled: true,
  connectionStatus: 'SUCCESS',
  revision: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: user,
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: user,
});

describe('StateStore', () => {
  it('creates a state file (mode 0600) on first open and keeps the seed', async () => {
    const store = await StateStore.open(dir);
    const file = join(dir, 'state.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const reopened = await StateStore.open(dir);
    expect(reopened.snapshot.seed).toBe(store.snapshot.seed);
  });

  it('persists every change: a new store on the same directory sees it', async () => {
    const store = await StateStore.open(dir);
    await store.update((s) => {
      s.configurations.push(config('a'));
    });
    const reopened = await StateStore.open(dir);
    expect(reopened.snapshot.configurations.map((c) => c.id)).toEqual(['a']);
  });

  it('runs concurrent updates one at a time, so none is lost', async () => {
    const store = await StateStore.open(dir);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        store.update(async (s) => {
          const before = s.jobSequence;
          await new Promise((resolve) => setTimeout(resolve, i % 3));
          s.jobSequence = before + 1;
          s.configurations.push(config(`c${i}`));
        }),
      ),
    );
    expect(store.snapshot.jobSequence).toBe(30);
    const reopened = await StateStore.open(dir);
    expect(reopened.snapshot.configurations).toHaveLength(30);
    expect(reopened.snapshot.jobSequence).toBe(30);
  });

  it('leaves the state unchanged when a change throws, and keeps serving later changes', async () => {
    const store = await StateStore.open(dir);
    await expect(
      store.update((s) => {
        s.configurations.push(config('half'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(store.snapshot.configurations).toEqual([]);
    await store.update((s) => {
      s.configurations.push(config('b'));
    });
    expect((await StateStore.open(dir)).snapshot.configurations.map((c) => c.id)).toEqual(['b']);
  });

  it('rejects a change that would break the schema', async () => {
    const store = await StateStore.open(dir);
    await expect(
      store.update((s) => {
        (s as { jobSequence: unknown }).jobSequence = 'many';
      }),
    ).rejects.toThrow();
    expect(store.snapshot.jobSequence).toBe(0);
  });

  it('writes atomically: no temporary file is left behind', async () => {
    const store = await StateStore.open(dir);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.update((s) => void s.configurations.push(config(`x${i}`)))),
    );
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).configurations).toHaveLength(10);
  });

  it('refuses a damaged state file with a located error', async () => {
    writeFileSync(join(dir, 'state.json'), '{"version": 1, "configurations": 3}');
    const error = await StateStore.open(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('SANDBOX_STATE_INVALID');
    expect((error as CliError).location?.file).toBe(join(dir, 'state.json'));
    writeFileSync(join(dir, 'state.json'), 'not json');
    await expect(StateStore.open(dir)).rejects.toThrow(/not JSON/);
  });
});
