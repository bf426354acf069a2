import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, childEnvironment, runCli } from '../helpers/run-cli.js';
import { ndjson, uamEvent } from '../lib/logs/events.js';

/**
 * A store as a compliance team shares it: a cron `logs sync` writing it while others read it, each
 * its own process (DuckDB's lock on the database file is per process). Real DuckDB, the built CLI.
 */

/**
 * A process holding the store's database open, as a `logs sql` reading it or a sync writing it does,
 * until its stdin closes. Resolves once the database is open.
 */
async function holdStore(dir: string, mode: 'READ_ONLY' | 'READ_WRITE'): Promise<ChildProcessWithoutNullStreams> {
  const script = `
    const { DuckDBInstance } = require('@duckdb/node-api');
    DuckDBInstance.create(${JSON.stringify(join(dir, 'events.duckdb'))}, { access_mode: ${JSON.stringify(mode)} }).then((db) => {
      process.stdout.write('open\\n');
      process.stdin.resume();
      process.stdin.on('end', () => { db.closeSync(); process.exit(0); });
    }, (error) => { process.stderr.write(String(error)); process.exit(1); });`;
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, env: childEnvironment() });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => resolve());
    child.on('exit', (code) => reject(new Error(`the holder exited (${code})`)));
  });
  return child;
}

async function release(child: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.stdin.end();
  await exited;
}

describe('a log store shared by a cron sync and its readers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-shared-'));
  const source = join(dir, 'exported');
  const store = join(dir, 'store');
  const env = { HOME: dir };
  const logs = (args: string[], more: Record<string, string> = {}) =>
    runCli(['audit', 'logs', ...args], { env: { ...env, ...more } });
  // How long a command waits for the lock before LOGS_STORE_BUSY (the default is 10 s).
  const briefly = { IMMUTA_LOCK_WAIT_MS: '300' };

  beforeAll(async () => {
    const events = [0, 1, 2].map((i) => uamEvent({ at: `2026-01-0${i + 1}T10:00:00.000Z`, event: 'TagApplied' }));
    mkdirSync(source);
    writeFileSync(join(source, 'a.ndjson'), ndjson(events));
    const synced = await logs(['sync', source, '--store', store]);
    expect(synced.exitCode, synced.stderr).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a sync while a command reads the store: exit 3 LOGS_STORE_BUSY naming the reader, whose fix is to wait for the readers', async () => {
    const reader = await holdStore(store, 'READ_ONLY');
    try {
      const sync = await logs(['sync', source, '--store', store, '--json'], briefly);
      expect(sync.exitCode, sync.stderr).toBe(3);
      const { error } = JSON.parse(sync.stdout) as { error: { code: string; message: string; fix: string } };
      expect(error.code).toBe('LOGS_STORE_BUSY');
      // The fix named "a sync or watch": a cron sync refused because an analyst's query ran.
      expect(error.message).toContain(`(PID ${reader.pid})`);
      expect(error.fix).toMatch(/reading it .*query/);
      expect(error.fix).toContain('It was waited for 0.3 s: IMMUTA_LOCK_WAIT_MS sets how long (in ms).');
      // Readers share it meanwhile.
      const status = await logs(['status', '--store', store, '--json']);
      expect(status.exitCode, status.stderr).toBe(0);
    } finally {
      await release(reader);
    }
    expect((await logs(['sync', source, '--store', store])).exitCode).toBe(0);
  });

  it('a reader while a sync writes the store: exit 3 LOGS_STORE_BUSY naming the sync, whose fix is to wait for it', async () => {
    const writer = await holdStore(store, 'READ_WRITE');
    try {
      for (const args of [['status'], ['sql', 'SELECT count(*) AS n FROM events'], ['query', 'tag-changes']]) {
        const read = await logs([...args, '--store', store, '--json'], briefly);
        expect(read.exitCode, read.stderr).toBe(3);
        const { error } = JSON.parse(read.stdout) as { error: { code: string; message: string; fix: string } };
        expect(error.code).toBe('LOGS_STORE_BUSY');
        expect(error.message).toContain(`(PID ${writer.pid})`);
        expect(error.fix).toMatch(/sync is writing/);
      }
    } finally {
      await release(writer);
    }
    expect((await logs(['status', '--store', store])).exitCode).toBe(0);
  });

  it('a command waits for the store while another holds it (IMMUTA_LOCK_WAIT_MS, 10 s by default), saying so once', async () => {
    // A cron sync on the minute an analyst's query runs: it waits for the query, then syncs.
    const reader = await holdStore(store, 'READ_ONLY');
    const released = new Promise<void>((resolve) => setTimeout(() => resolve(release(reader)), 1_500));
    const sync = await logs(['sync', source, '--store', store]);
    await released;
    expect(sync.exitCode, sync.stderr).toBe(0);
    const waits = sync.stderr.split('\n').filter((line) => line.includes('waiting up to'));
    expect(waits).toEqual([
      `The log store ${store} is in use by another process (PID ${reader.pid}): waiting up to 10 s for it (IMMUTA_LOCK_WAIT_MS).`,
    ]);
    // 0: not at all; anything but whole ms is a usage error naming the variable.
    const writer = await holdStore(store, 'READ_WRITE');
    try {
      const started = Date.now();
      const now = await logs(['status', '--store', store, '--json'], { IMMUTA_LOCK_WAIT_MS: '0' });
      expect(now.exitCode, now.stderr).toBe(3);
      expect(Date.now() - started).toBeLessThan(5_000);
      const typo = await logs(['status', '--store', store], { IMMUTA_LOCK_WAIT_MS: '10s' });
      expect(typo.exitCode).toBe(2);
      expect(typo.stderr).toContain('IMMUTA_LOCK_WAIT_MS must be a whole number of milliseconds');
    } finally {
      await release(writer);
    }
  });

  it('a part file gone (a clean-up of old files, a copy that left it out): exit 2 LOGS_STORE_UNREADABLE for every command, `sql` too', async () => {
    const copy = join(dir, 'copied');
    cpSync(store, copy, { recursive: true });
    const [first] = readdirSync(join(copy, 'parts'));
    rmSync(join(copy, 'parts', first as string));
    for (const args of [
      ['status'],
      ['sql', 'SELECT count(*) AS n FROM events'],
      ['query', 'tag-changes'],
      ['sync', source],
    ]) {
      const result = await logs([...args, '--store', copy, '--json']);
      expect(result.exitCode, result.stdout).toBe(2);
      const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string } };
      expect(error).toMatchObject({ code: 'LOGS_STORE_UNREADABLE' });
      expect(error.message).toContain(`cannot be read: 1 of its`);
    }
  });

  it('a copy of the database file alone (no parts folder): exit 2 LOGS_STORE_UNREADABLE, not "unexpected failure: ENOENT, scandir"', async () => {
    const copy = join(dir, 'database-only');
    mkdirSync(copy);
    cpSync(join(store, 'events.duckdb'), join(copy, 'events.duckdb'));
    for (const args of [['status'], ['sql', 'SELECT count(*) AS n FROM events']]) {
      const result = await logs([...args, '--store', copy, '--json']);
      expect(result.exitCode, result.stdout).toBe(2);
      const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string } };
      expect(error.code).toBe('LOGS_STORE_UNREADABLE');
      expect(error.message).toMatch(/cannot be read: (\d+) of its \1 part files? (is|are) gone/);
    }
  });

  it('a damaged database file is LOGS_STORE_UNREADABLE at once, not a lock waited for 10 s (DuckDB says "in block at location")', async () => {
    const copy = join(dir, 'damaged');
    cpSync(store, copy, { recursive: true });
    const file = join(copy, 'events.duckdb');
    const bytes = readFileSync(file);
    for (let i = 8192 + 100; i < 8192 + 4196; i++) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const started = Date.now();
    const result = await logs(['status', '--store', copy, '--json']);
    // "block" held "lock": it was waited for as a lock, then LOGS_STORE_BUSY, exit 3, "a sync is writing to it".
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.exitCode, result.stdout).toBe(2);
    const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    expect(error.code).toBe('LOGS_STORE_UNREADABLE');
    expect(error.message).toContain('Corrupt database file');
    expect(result.stderr).not.toContain('waiting up to');
  });

  describe('a store this user may not write to (another user, or a read-only mount)', () => {
    // As root every file is writable: the CLI then runs without the capabilities that override file
    // modes (setpriv, util-linux), so the modes apply to it as to any user. Not as another user
    // (nobody): a clean clone in a folder only root may enter (mktemp -d) hid the CLI from it.
    const asRoot = process.getuid?.() === 0;
    const [command, prefix] = asRoot
      ? ['setpriv', ['--bounding-set', '-dac_override,-dac_read_search', '--', process.execPath]]
      : [process.execPath, []];
    const asUser = (args: string[]) =>
      new Promise<{ exitCode: number; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(command, [...prefix, BIN, 'audit', 'logs', ...args], {
          cwd: ROOT,
          env: childEnvironment(env),
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ exitCode: code ?? -1, stdout, stderr }));
      });
    /** The store's folder (and parts) writable or not by that user, its files writable by it. */
    const allow = (path: string, writable: boolean) => {
      chmodSync(path, writable ? 0o755 : 0o555);
    };

    beforeAll(() => {
      chmodSync(dir, 0o755);
      chmodSync(source, 0o755);
      for (const name of readdirSync(source)) chmodSync(join(source, name), 0o644);
      for (const name of ['events.duckdb', ...readdirSync(join(store, 'parts')).map((p) => join('parts', p))]) {
        chmodSync(join(store, name), 0o644);
      }
      allow(store, true);
      allow(join(store, 'parts'), true);
    });
    afterAll(() => {
      chmodSync(store, 0o755);
      chmodSync(join(store, 'parts'), 0o755);
    });

    it('a query that spills past the memory limit works on a store this user may only read (it spills under the temporary folder)', async () => {
      // About 700 MB to sort against the readers' 512 MB: DuckDB spills. Beside the database, in a
      // folder it could not make: "Failed to create directory ...: Permission denied", as a mistake in the SQL.
      const sql =
        "SELECT count(*) AS n, max(k) AS k FROM (SELECT row_number() OVER (ORDER BY s DESC) AS k FROM (SELECT repeat('x', 1000) || range::VARCHAR AS s FROM range(700000)))";
      allow(store, false);
      try {
        const result = await asUser(['sql', sql, '--store', store, '--json']);
        expect(result.exitCode, result.stdout + result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toEqual([{ n: 700000, k: 700000 }]);
      } finally {
        allow(store, true);
      }
      expect(readdirSync(store).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    });

    it('a sync: exit 2 LOGS_STORE_UNREADABLE with a fix about access (it was "unexpected failure: EACCES", exit 1, or "delete it")', async () => {
      writeFileSync(
        join(source, 'b.ndjson'),
        ndjson([uamEvent({ at: '2026-01-05T10:00:00.000Z', event: 'TagApplied' })]),
      );
      chmodSync(join(source, 'b.ndjson'), 0o644);
      for (const folder of [store, join(store, 'parts')]) {
        allow(folder, false);
        try {
          const sync = await asUser(['sync', source, '--store', store, '--json']);
          expect(sync.exitCode, sync.stdout + sync.stderr).toBe(2);
          const { error } = JSON.parse(sync.stdout) as { error: { code: string; message: string; fix: string } };
          expect(error).toMatchObject({ code: 'LOGS_STORE_UNREADABLE' });
          expect(error.message).toBe(`cannot write to the log store ${folder}: permission denied`);
          expect(error.fix).toContain('write access');
        } finally {
          allow(folder, true);
        }
      }
      // The database file itself read-only: DuckDB's "Permission denied", never "delete it to rebuild".
      chmodSync(join(store, 'events.duckdb'), 0o444);
      try {
        const sync = await asUser(['sync', source, '--store', store, '--json']);
        expect(sync.exitCode, sync.stdout + sync.stderr).toBe(2);
        const { error } = JSON.parse(sync.stdout) as { error: { code: string; message: string; fix: string } };
        expect(error.message).toMatch(/: permission denied$/);
        expect(error.fix).not.toMatch(/delete/i);
        // Reading a store one may only read works.
        allow(store, false);
        const status = await asUser(['status', '--store', store, '--json']);
        expect(status.exitCode, status.stderr).toBe(0);
      } finally {
        allow(store, true);
        chmodSync(join(store, 'events.duckdb'), 0o644);
      }
      const sync = await asUser(['sync', source, '--store', store]);
      expect(sync.exitCode, sync.stderr).toBe(0);
    });
  });
});
