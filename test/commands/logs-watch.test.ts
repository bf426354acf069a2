import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WatchResult } from '../../src/lib/alerts/watch.js';
import { runCommand } from '../helpers/run-command.js';
import { type Receiver, startReceiver } from '../helpers/receiver.js';
import { startRecordingProxy } from '../helpers/recording-proxy.js';
import { writeFixture } from '../lib/logs/fixture.js';

/** `immuta audit logs watch` as the binary runs it: flags, warnings and exit codes. */
describe('audit logs watch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logs-watch-'));
  const source = join(dir, 'exported');
  const store = join(dir, 'store');
  let receiver: Receiver;
  const watch = (args: string[], options: { interrupt?: Promise<unknown> } = {}) =>
    runCommand(['audit', 'logs', 'watch', '--store', store, '--webhook', receiver.url, ...args], {
      env: { HOME: dir },
      ...options,
    });

  beforeAll(async () => {
    writeFixture(source);
    expect(
      (await runCommand(['audit', 'logs', 'sync', source, '--store', store], { env: { HOME: dir } })).exitCode,
    ).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('warns, once per preset, about the preset flags a watched preset does not read (as query does)', async () => {
    const result = await watch([
      '--preset',
      'permission-changes',
      '--preset',
      'sensitive-queries',
      '--preset',
      'high-risk-permission-changes',
      '--tz',
      'Europe/Berlin',
      '--min-score',
      '90',
      '--once',
      '--dry-run',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    const warnings = result.stderr.split('\n').filter((line) => line.startsWith('Warning:'));
    expect(warnings).toEqual([
      "Warning: permission-changes does not use --min-score, --tz: they are ignored (`immuta audit logs presets --json` lists each preset's parameters).",
      "Warning: sensitive-queries does not use --tz: it is ignored (`immuta audit logs presets --json` lists each preset's parameters).",
      "Warning: high-risk-permission-changes does not use --min-score: it is ignored (`immuta audit logs presets --json` lists each preset's parameters).",
    ]);
  });

  it('says nothing when every preset reads the flags given; --threshold and --window are the watch’s own', async () => {
    const result = await watch([
      '--preset',
      'sensitive-queries',
      '--min-score',
      '90',
      '--threshold',
      '3',
      '--window',
      '1d',
      '--once',
      '--dry-run',
    ]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('Warning:');
  });

  it('--business-hours reaches high-risk-permission-changes (it was always 08:00-18:00 under watch); a wrong value fails first', async () => {
    const posted = async (extra: string[]) => {
      const result = await watch([
        '--preset',
        'high-risk-permission-changes',
        '--since',
        '2020-01-01',
        ...extra,
        '--once',
        '--dry-run',
        '--json',
      ]);
      expect(result.exitCode, result.stderr).toBe(0);
      return ((JSON.parse(result.stdout) as WatchResult).wouldPost ?? []).flatMap((m) => m.eventIds).sort();
    };
    const usual = await posted([]);
    const allDay = await posted(['--business-hours', '00:00-23:59']);
    // Fewer permission changes are outside business hours when they last all day (weekends stay out).
    expect(allDay.length).toBeLessThan(usual.length);
    expect(usual).toEqual(expect.arrayContaining(allDay));
    const wrong = await watch([
      '--preset',
      'high-risk-permission-changes',
      '--business-hours',
      '25:00-26:00',
      '--once',
    ]);
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toContain('--business-hours');
    expect(receiver.requests).toHaveLength(0);
  });

  it('a wrong --since fails before the sync, also once a state file says where watching started', async () => {
    const state = join(dir, 'since-state.json');
    const first = await watch(['--preset', 'permission-changes', '--since', '2026-01-01', '--state', state, '--once']);
    expect(first.exitCode, first.stderr).toBe(0);
    for (const since of ['2026-02-30', 'yesterday']) {
      const again = await watch(['--preset', 'permission-changes', '--since', since, '--state', state, '--once']);
      // It exited 0: only a first run read --since.
      expect(again.exitCode, since).toBe(2);
      expect(again.stderr).toContain(`--since "${since}"`);
    }
    const typo = await watch([
      '--preset',
      'permission-changes',
      '--since',
      'yesterday',
      '--source',
      join(dir, 'nowhere'),
    ]);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).not.toContain('nowhere');
  });

  it('a mistyped preset fails before the sync, and a preset named twice is watched (and counted) once', async () => {
    const typo = await watch(['--preset', 'permision-changes', '--source', join(dir, 'nowhere'), '--once', '--json']);
    expect(typo.exitCode).toBe(2);
    expect(JSON.parse(typo.stdout)).toMatchObject({ error: { code: 'LOGS_UNKNOWN_PRESET' } });

    const twice = await watch([
      '--preset',
      'permission-changes',
      '--preset',
      'permission-changes',
      '--since',
      '2026-01-01',
      '--once',
      '--dry-run',
      '--json',
    ]);
    expect(twice.exitCode, twice.stderr).toBe(0);
    const result = JSON.parse(twice.stdout) as WatchResult;
    expect(result.wouldPost).toHaveLength(1);
    expect(result.runs[0]?.posted['permission-changes']).toBe(result.wouldPost?.[0]?.eventIds.length);
  });

  it('--store a folder no sync wrote a store into: exit 2 LOGS_STORE_EMPTY, nothing written there (a sync into it still works)', async () => {
    // The first run queried nothing, so it wrote its state file into the folder and exited 0: the
    // cron sync meant to fill that folder then refused it as "not a log store", every time.
    const empty = join(dir, 'not-synced-yet');
    mkdirSync(empty);
    const args = [
      'audit',
      'logs',
      'watch',
      '--store',
      empty,
      '--webhook',
      receiver.url,
      '--preset',
      'permission-changes',
    ];
    const result = await runCommand([...args, '--once', '--json'], { env: { HOME: dir } });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'LOGS_STORE_EMPTY' } });
    expect(readdirSync(empty)).toEqual([]);
    // A folder that is not there is the same error (it said "cannot write --state", never given).
    const gone = await runCommand(
      [
        'audit',
        'logs',
        'watch',
        '--store',
        join(dir, 'nowhere'),
        '--webhook',
        receiver.url,
        '--preset',
        'permission-changes',
        '--once',
        '--json',
      ],
      { env: { HOME: dir } },
    );
    expect(JSON.parse(gone.stdout)).toMatchObject({ error: { code: 'LOGS_STORE_EMPTY' } });
    const synced = await runCommand(['audit', 'logs', 'sync', source, '--store', empty], { env: { HOME: dir } });
    expect(synced.exitCode, synced.stderr).toBe(0);
    expect(receiver.requests).toHaveLength(0);
  });

  it('posts through HTTP_PROXY / HTTPS_PROXY when one is set (Slack from behind a proxy)', async () => {
    const proxy = await startRecordingProxy();
    try {
      const result = await runCommand(
        [
          'audit',
          'logs',
          'watch',
          '--store',
          store,
          '--webhook',
          receiver.url,
          '--preset',
          'permission-changes',
        ].concat(['--since', '2026-01-01', '--once', '--state', join(dir, 'proxied.json')]),
        { env: { HOME: dir, HTTP_PROXY: proxy.url } },
      );
      expect(result.exitCode, result.stderr).toBe(0);
      expect(receiver.accepted).toHaveLength(1);
      const port = new URL(receiver.url).port;
      expect(proxy.seen).toHaveLength(1);
      expect(proxy.seen[0]).toMatch(
        new RegExp(`^(CONNECT 127\\.0\\.0\\.1:${port}|POST http://127\\.0\\.0\\.1:${port}/hook/)`),
      );
    } finally {
      await proxy.stop();
    }
  });

  it('with --once, Ctrl-C is an interruption: exit 130 and the INTERRUPTED document', async () => {
    receiver.fallback = 'hang';
    const result = await watch(
      [
        '--preset',
        'permission-changes',
        '--since',
        '2026-01-01',
        '--once',
        '--state',
        join(dir, 'once.json'),
        '--json',
      ],
      { interrupt: new Promise((resolve) => setTimeout(resolve, 1500)) },
    );
    expect(result.exitCode).toBe(130);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'INTERRUPTED' } });
  });

  it('looping, Ctrl-C (or SIGTERM) ends the loop: exit 0, "stopped", and the runs so far as the --json document', async () => {
    const result = await watch(
      ['--preset', 'permission-changes', '--every', '1h', '--state', join(dir, 'loop.json'), '--json'],
      { interrupt: new Promise((resolve) => setTimeout(resolve, 1500)) },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as WatchResult).runs).toHaveLength(1);
  });
});
