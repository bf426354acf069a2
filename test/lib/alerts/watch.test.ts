import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { webhookFingerprint } from '../../../src/lib/alerts/state.js';
import { type WatchOptions, runWatch } from '../../../src/lib/alerts/watch.js';
import type { EventRow } from '../../../src/lib/alerts/source.js';
import { CliError } from '../../../src/lib/errors/cli-error.js';
import { bucketStart } from '../../../src/lib/logs/period.js';
import { registerSecret } from '../../../src/lib/output/redact.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { memorySource, row } from '../../helpers/memory-source.js';
import { type Receiver, startReceiver } from '../../helpers/receiver.js';

const PRESETS = {
  'permission-changes': {
    question: 'Do you need to know when permissions given to users in Immuta are updated?',
    events: ['PermissionApplied', 'PermissionRemoved'],
  },
  'failed-queries': {
    question: 'Would it be a problem if someone tried to access data they should not?',
    events: ['Query'],
  },
};

const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

let dir: string;
let receiver: Receiver;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'immuta-watch-'));
  receiver = await startReceiver();
});
afterEach(async () => {
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

function options(extra: Partial<WatchOptions> = {}): WatchOptions {
  return {
    presets: ['permission-changes'],
    webhook: receiver.url,
    format: 'json',
    everyMs: 60_000,
    once: true,
    windowMs: 3_600_000,
    statePath: join(dir, 'state.json'),
    dryRun: false,
    delivery: { timeoutMs: 300, backoffMs: 5 },
    ...extra,
  };
}

const acceptedIds = () =>
  (receiver.accepted as Array<{ events?: EventRow[]; blocks?: unknown }>).flatMap((body) =>
    (body.events ?? []).map((e) => e.id),
  );

describe('logs watch', () => {
  it('a second watch on a held state file posts nothing and exits 3; the lock is released after each run', async () => {
    const events: EventRow[] = [];
    const source = memorySource(events, PRESETS);
    const open = async () => source;
    await runWatch(options(), fakeIO({ now: at(0) }), open);
    events.push(row('PermissionApplied', at(1)));
    // What a first watch still posting holds.
    const release = await lockfile.lock(join(dir, 'state.json'), { realpath: false });
    try {
      const error = await failure(runWatch(options(), fakeIO({ now: at(2) }), open));
      expect(error).toMatchObject({ code: 'WATCH_STATE_BUSY', exitCode: 3 });
      expect(error.message).toBe(`another \`watch\` is using the state file ${join(dir, 'state.json')}`);
      expect(receiver.requests).toHaveLength(0);
      // A dry run only reads the state: it is not refused.
      await runWatch(options({ dryRun: true }), fakeIO({ now: at(2) }), open);
    } finally {
      await release();
    }
    const posted = await runWatch(options(), fakeIO({ now: at(3) }), open);
    expect(posted.runs[0]!.posted).toEqual({ 'permission-changes': 1 });
    expect(readdirSync(dir).filter((name) => name.endsWith('.lock'))).toEqual([]);
  });

  it('a --state that is a FIFO or a folder is refused before it is read (reading a FIFO never ends)', async () => {
    const fifo = join(dir, 'state.fifo');
    execFileSync('mkfifo', [fifo]);
    const open = async () => memorySource([], PRESETS);
    for (const statePath of [fifo, dir]) {
      const error = await failure(runWatch(options({ statePath }), fakeIO({ now: at(0) }), open));
      expect(error).toMatchObject({ code: 'FILE_UNWRITABLE', exitCode: 2 });
      expect(error.message).toMatch(/^cannot write --state /);
    }
  });

  it('a state file that is not JSON of the right shape, or whose moments are not dates, is damaged (exit 2), never a crash', async () => {
    const statePath = join(dir, 'state.json');
    const fingerprint = webhookFingerprint(receiver.url);
    const valid = { version: 1, webhook: fingerprint, since: '2026-03-02T08:00:00.000Z', lastRun: null };
    for (const damaged of [
      'garbage',
      'null',
      '[]',
      { ...valid, since: 'garbage' },
      { ...valid, complete: 'yesterday' },
      { ...valid, lastRun: '' },
      { ...valid, presets: { 'permission-changes': { sent: { e1: 'zzz' } } } },
    ]) {
      writeFileSync(statePath, typeof damaged === 'string' ? damaged : JSON.stringify(damaged));
      const error = await failure(
        runWatch(options({ statePath }), fakeIO({ now: at(0) }), async () => memorySource([], PRESETS)),
      );
      expect(error).toMatchObject({ code: 'WATCH_STATE_INVALID', exitCode: 2 });
    }
    expect(receiver.requests).toHaveLength(0);
  });

  it('an empty state file (made with touch) is a first run, then holds the state', async () => {
    const statePath = join(dir, 'state.json');
    writeFileSync(statePath, '');
    const events = [row('PermissionApplied', at(1))];
    await runWatch(options({ statePath, since: at(0).toISOString() }), fakeIO({ now: at(2) }), async () =>
      memorySource(events, PRESETS),
    );
    expect(acceptedIds()).toEqual([events[0]!.id]);
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({ since: at(0).toISOString() });
  });

  it('delivers every matching event exactly once over three runs, none lost while the receiver was down', async () => {
    const events: EventRow[] = [row('PermissionApplied', at(-60)), row('TagApplied', at(-30))];
    const source = memorySource(events, PRESETS);
    const open = async () => source;

    // Run 1 (no --since): starts now; history is not replayed.
    await runWatch(options(), fakeIO({ now: at(0) }), open);
    expect(receiver.requests).toHaveLength(0);

    // New objects; the receiver fails, times out and rate-limits before accepting.
    const batch1 = Array.from({ length: 25 }, (_, i) =>
      row(i % 2 ? 'PermissionRemoved' : 'PermissionApplied', at(1 + i)),
    );
    events.push(...batch1, row('TagApplied', at(5)));
    receiver.script.push('fail', 'hang', { status: 429, retryAfter: '0' });
    const second = await runWatch(options(), fakeIO({ now: at(60) }), open);
    expect(second.runs[0]!.posted).toEqual({ 'permission-changes': 25 });
    expect(receiver.requests.map((r) => r.answer)).toEqual(['fail', 'hang', '429', 'ok']);

    // The receiver is down: the run fails naming the failure, nothing is marked sent.
    const batch2 = [row('PermissionApplied', at(70)), row('PermissionRemoved', at(71))];
    events.push(...batch2);
    receiver.fallback = 'fail';
    const io3 = fakeIO({ now: at(80) });
    const error = await failure(runWatch(options(), io3, open));
    expect(error).toMatchObject({ code: 'WEBHOOK_DELIVERY_FAILED', exitCode: 5 });
    expect(error.message).toContain('HTTP 500');
    expect(error.message).not.toContain('secret-token-path');

    // Back up; more objects, including an event exported late (older than the last run).
    receiver.fallback = 'ok';
    const late = row('PermissionApplied', at(30));
    const batch3 = [row('PermissionRemoved', at(90))];
    events.push(...batch3, late);
    await runWatch(options(), fakeIO({ now: at(120) }), open);

    const expected = [...batch1, ...batch2, ...batch3, late].map((e) => e.id).sort();
    expect(acceptedIds().sort()).toEqual(expected);
    expect(new Set(acceptedIds()).size).toBe(acceptedIds().length);

    // A fourth run has nothing new to post.
    const before = receiver.requests.length;
    await runWatch(options(), fakeIO({ now: at(150) }), open);
    expect(receiver.requests.length).toBe(before);
    const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { since: string; webhook: string };
    expect(state.since).toBe(at(0).toISOString());
    expect(JSON.stringify(state)).not.toContain('secret-token-path');
  });

  it('loses nothing when the receiver is down for longer than the look-back', async () => {
    const events: EventRow[] = [row('PermissionApplied', at(1))];
    const source = memorySource(events, PRESETS);
    const day = 24 * 60;
    receiver.fallback = 'fail';
    await failure(runWatch(options({ since: at(0).toISOString() }), fakeIO({ now: at(2) }), async () => source));
    await failure(runWatch(options(), fakeIO({ now: at(10 * day) }), async () => source));
    receiver.fallback = 'ok';
    await runWatch(options(), fakeIO({ now: at(20 * day) }), async () => source);
    expect(acceptedIds()).toEqual([events[0]!.id]);
  });

  it('fails after the last retry on a receiver that keeps timing out, and names it', async () => {
    const events = [row('PermissionApplied', at(1))];
    receiver.fallback = 'hang';
    const error = await failure(
      runWatch(options({ since: at(0).toISOString() }), fakeIO({ now: at(2) }), async () =>
        memorySource(events, PRESETS),
      ),
    );
    expect(error.message).toMatch(/no answer within 0.3 s/);
    expect(receiver.requests).toHaveLength(4);
  });

  it('names why fetch itself refused a receiver: a port it never connects to is "bad port", not "fetch failed"', async () => {
    const events = [row('PermissionApplied', at(1))];
    const error = await failure(
      runWatch(
        options({ since: at(0).toISOString(), webhook: 'http://127.0.0.1:6000/hook/x', delivery: { backoffMs: 1 } }),
        fakeIO({ now: at(2) }),
        async () => memorySource(events, PRESETS),
      ),
    );
    expect(error.code).toBe('WEBHOOK_DELIVERY_FAILED');
    expect(error.message).toBe(
      'the webhook at http://127.0.0.1:6000 did not accept the alert: FETCH_FAILED: fetch failed: bad port',
    );
  });

  it('a refusal names what the receiver said (Slack: no_service), on one line, escaped; not an HTML page', async () => {
    const answers: Array<{ type: string; body: string }> = [
      { type: 'text/plain', body: 'no_service' },
      { type: 'text/plain', body: 'invalid\u001b[2J\npayload' },
      { type: 'text/html', body: '<html><body><h1>404 Not Found</h1></body></html>' },
    ];
    const site = createServer((req, res) => {
      req.resume();
      const answer = answers.shift()!;
      req.on('end', () => res.writeHead(404, { 'content-type': answer.type }).end(answer.body));
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = site.address() as AddressInfo;
      const messages: string[] = [];
      for (let i = 0; i < 3; i++) {
        const error = await failure(
          runWatch(
            options({ since: at(0).toISOString(), webhook: `http://127.0.0.1:${port}/hook/x` }),
            fakeIO({ now: at(2) }),
            async () => memorySource([row('PermissionApplied', at(1))], PRESETS),
          ),
        );
        messages.push(error.message.replace(/^.*did not accept the alert: /, ''));
      }
      expect(messages).toEqual(['HTTP 404: no_service', 'HTTP 404: invalid\\u001b[2J payload', 'HTTP 404']);
    } finally {
      await new Promise((resolve) => site.close(resolve));
    }
  });

  it('a message the receiver refuses for what it holds (400, 413) is left unsent; the others are delivered and not posted again', async () => {
    const events: EventRow[] = [row('PermissionApplied', at(1)), row('Query', at(2), { actionStatus: 'FAILURE' })];
    const source = memorySource(events, PRESETS);
    const watch = options({ presets: ['permission-changes', 'failed-queries'], since: at(0).toISOString() });
    receiver.script.push({ refuse: 400, saying: 'invalid_payload' });
    const io = fakeIO({ now: at(10) });
    const error = await failure(runWatch(watch, io, async () => source));
    expect(error).toMatchObject({ code: 'WEBHOOK_DELIVERY_FAILED', exitCode: 5 });
    expect(error.message).toContain('refused 1 of 2 messages: HTTP 400: invalid_payload');
    expect(io.stderr()).toContain(
      'permission-changes: the receiver refused a message of 1 event (HTTP 400: invalid_payload)',
    );
    // The failed query went through (it came after the refused message).
    expect(acceptedIds()).toEqual([events[1]!.id]);

    // The next run posts the refused message again, and only it; then nothing is left.
    await runWatch(
      options({ presets: ['permission-changes', 'failed-queries'] }),
      fakeIO({ now: at(20) }),
      async () => source,
    );
    expect(acceptedIds()).toEqual([events[1]!.id, events[0]!.id]);
    const before = receiver.requests.length;
    await runWatch(
      options({ presets: ['permission-changes', 'failed-queries'] }),
      fakeIO({ now: at(30) }),
      async () => source,
    );
    expect(receiver.requests.length).toBe(before);
  });

  it('a receiver-wide refusal (404: a revoked webhook) stops the run at once: nothing more is posted to it', async () => {
    const events: EventRow[] = [row('PermissionApplied', at(1)), row('Query', at(2), { actionStatus: 'FAILURE' })];
    const watch = options({ presets: ['permission-changes', 'failed-queries'], since: at(0).toISOString() });
    receiver.script.push({ refuse: 404, saying: 'no_service' });
    const error = await failure(runWatch(watch, fakeIO({ now: at(10) }), async () => memorySource(events, PRESETS)));
    expect(error.message).toContain('did not accept the alert: HTTP 404: no_service');
    expect(receiver.requests).toHaveLength(1);
  });

  it('a POST redirected with 301/302/303 is not delivered: a GET of where it points is not the alert', async () => {
    const requests: string[] = [];
    const site = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests.push(`${req.method} ${req.url}`);
        if (req.url === '/hook/x') res.writeHead(302, { location: '/hook/x/' }).end();
        else res.writeHead(200, { 'content-type': 'text/html' }).end('<html>index</html>');
      });
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = site.address() as AddressInfo;
      const events = [row('PermissionApplied', at(1))];
      const error = await failure(
        runWatch(
          options({ since: at(0).toISOString(), webhook: `http://127.0.0.1:${port}/hook/x` }),
          fakeIO({ now: at(2) }),
          async () => memorySource(events, PRESETS),
        ),
      );
      expect(error.code).toBe('WEBHOOK_DELIVERY_FAILED');
      expect(error.message).toContain(
        `redirect (HTTP 302) to http://127.0.0.1:${port}/… refused: it would send the POST again as a GET, without its body`,
      );
      // Asked once (a redirect is answered the same way each time), never followed.
      expect(requests).toEqual(['POST /hook/x']);
    } finally {
      await new Promise((resolve) => site.close(resolve));
    }
  });

  it('a 2xx is delivery, even when its body trickles in or never ends: posted once, not four times', async () => {
    const posts: string[] = [];
    const slow = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        posts.push(req.url ?? '');
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('o'); // ... and the rest never comes
      });
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = slow.address() as AddressInfo;
      const events = [row('PermissionApplied', at(1))];
      const result = await runWatch(
        options({ since: at(0).toISOString(), webhook: `http://127.0.0.1:${port}/hook/x` }),
        fakeIO({ now: at(2) }),
        async () => memorySource(events, PRESETS),
      );
      expect(result.runs[0]).toMatchObject({ messages: 1, failure: null });
      expect(posts).toHaveLength(1);
    } finally {
      slow.closeAllConnections();
      await new Promise((resolve) => slow.close(resolve));
    }
  });

  it('starts from --since on the first run, and posts slack bodies of at most 20 events then "and N more"', async () => {
    const events = Array.from({ length: 23 }, (_, i) => row('PermissionApplied', at(-120 + i)));
    await runWatch(options({ since: '2026-03-02T06:00:00Z', format: 'slack' }), fakeIO({ now: at(0) }), async () =>
      memorySource(events, PRESETS),
    );
    const [first, second] = receiver.accepted as Array<{ text: string; blocks: Array<{ type: string }> }>;
    expect(first!.blocks.filter((b) => b.type === 'section')).toHaveLength(21);
    expect(first!.text).toContain('and 3 more');
    expect(first!.text).toContain(events[0]!.id);
    expect(second!.text).toContain(events[22]!.id);
    expect(second!.text).not.toContain('more');
  });

  it('a slack body shows remote newlines, control codes and bidi overrides as escapes: a target name cannot forge an event line', async () => {
    const events = [
      row('PermissionApplied', at(-2), {
        actor: 'eve\u001b[31m\u0007',
        targets: [{ id: 't', name: 't\n• 2026-01-07 fake line <!channel> \u202egnp.exe' }],
      }),
    ];
    await runWatch(options({ since: '2026-03-02T06:00:00Z', format: 'slack' }), fakeIO({ now: at(0) }), async () =>
      memorySource(events, PRESETS),
    );
    const [body] = receiver.accepted as Array<{ text: string; blocks: Array<{ text?: { text: string } }> }>;
    const line = body!.blocks.map((b) => b.text?.text ?? '').find((t) => t.includes(events[0]!.id));
    expect(line).toContain('eve\\u001b[31m\\u0007 · t\\n• 2026-01-07 fake line &lt;!channel&gt; \\u202egnp.exe');
    expect(body!.text.split('\n').filter((l) => l.startsWith('•'))).toHaveLength(1);
    const texts = body!.blocks.map((b) => b.text?.text ?? '');
    // eslint-disable-next-line no-control-regex -- the point: no control code reaches the receiver
    expect(texts.filter((t) => /[\u0000-\u001f\u007f-\u009f\u202e]/.test(t))).toEqual([]);
  });

  it('a slack line of an aggregate finding (a spike) shows its own columns: how big it was', async () => {
    const spike: EventRow = {
      id: 'sensitive-query-spikes:mallory@example.com|2026-03-02T08:00:00.000Z',
      eventTimestamp: '2026-03-02T08:00:00.000Z',
      windowStart: '2026-03-02T08:00:00.000Z',
      windowEnd: '2026-03-02T09:00:00.000Z',
      actor: 'mallory@example.com',
      queries: 42,
      notSuccessful: 7,
      maxScore: 97,
      dataSources: ['Payments', 'Customers'],
    };
    const source = memorySource([], PRESETS);
    source.events = async () => [spike];
    await runWatch(
      options({ format: 'slack', since: at(-120).toISOString() }),
      fakeIO({ now: at(0) }),
      async () => source,
    );
    const body = receiver.accepted[0] as { text: string };
    expect(body.text).toContain(
      '• 2026-03-02T08:00:00.000Z · mallory@example.com · windowStart: 2026-03-02T08:00:00.000Z · windowEnd: 2026-03-02T09:00:00.000Z · queries: 42 · notSuccessful: 7 · maxScore: 97 · dataSources: Payments, Customers · `sensitive-query-spikes:',
    );
  });

  it('with --threshold posts one alert per window that reaches the count', async () => {
    const events = [
      ...Array.from({ length: 4 }, (_, i) => row('Query', at(1 + i), { actionStatus: 'UNAUTHORIZED' })),
      ...Array.from({ length: 2 }, (_, i) => row('Query', at(70 + i), { actionStatus: 'FAILURE' })),
    ];
    const source = memorySource(events, PRESETS);
    const opts = options({ presets: ['failed-queries'], threshold: 3, since: at(1).toISOString() });
    await runWatch(opts, fakeIO({ now: at(100) }), async () => source);
    expect(receiver.accepted).toHaveLength(1);
    expect(receiver.accepted[0]).toMatchObject({
      preset: 'failed-queries',
      threshold: { threshold: 3, count: 4, windowStart: '2026-03-02T09:00:00.000Z' },
    });
    // The second window reaches 3 later: one alert for it, none again for the first.
    events.push(row('Query', at(75), { actionStatus: 'FAILURE' }), row('Query', at(6), { actionStatus: 'FAILURE' }));
    await runWatch(opts, fakeIO({ now: at(110) }), async () => source);
    expect(receiver.accepted).toHaveLength(2);
    expect(receiver.accepted[1]).toMatchObject({ threshold: { count: 3, windowStart: '2026-03-02T10:00:00.000Z' } });
  });

  it('a threshold alert in json carries the count and the first 500 events, not every event of a burst', async () => {
    const events = Array.from({ length: 1200 }, (_, i) => row('Query', at(1 + i / 100), { actionStatus: 'FAILURE' }));
    const opts = options({ presets: ['failed-queries'], threshold: 10, since: at(0).toISOString() });
    await runWatch(opts, fakeIO({ now: at(30) }), async () => memorySource(events, PRESETS));
    expect(receiver.accepted).toHaveLength(1);
    const body = receiver.accepted[0] as { threshold: { count: number }; events: EventRow[]; more: number };
    expect(body.threshold.count).toBe(1200);
    expect(body.events.map((e) => e.id)).toEqual(events.slice(0, 500).map((e) => e.id));
    expect(body.more).toBe(700);
  });

  it("threshold windows start where the presets' do (weeks on Monday 00:00 UTC), not on the epoch (a Thursday)", async () => {
    // Wednesday 2026-03-04 and Thursday 2026-03-05: one week from Monday 2026-03-02, as
    // `query sensitive-query-spikes --window 7d` counts it. Windows from 1970-01-01 cut between them.
    const week = 7 * 86_400_000;
    const events = [
      row('Query', new Date('2026-03-04T12:00:00Z'), { actionStatus: 'FAILURE' }),
      row('Query', new Date('2026-03-05T12:00:00Z'), { actionStatus: 'FAILURE' }),
    ];
    const opts = options({ presets: ['failed-queries'], threshold: 2, windowMs: week, since: '2026-03-02T00:00:00Z' });
    await runWatch(opts, fakeIO({ now: new Date('2026-03-06T00:00:00Z') }), async () => memorySource(events, PRESETS));
    expect(receiver.accepted).toHaveLength(1);
    expect(receiver.accepted[0]).toMatchObject({
      threshold: { count: 2, windowStart: '2026-03-02T00:00:00.000Z', windowEnd: '2026-03-09T00:00:00.000Z' },
    });
  });

  it('with a --window longer than the look-back, counts the whole window, not its last days', async () => {
    // `--threshold 5 --window 10d`, one failed query a day, a run a day: the count of the window
    // reached 5 on its fifth day. Counted from the look-back (2 days here, 7 by default) it stayed
    // at 3 and the alert never came.
    const day = 86_400_000;
    const windowMs = 10 * day;
    const start = bucketStart(T0, windowMs);
    const events: EventRow[] = [];
    const source = memorySource(events, PRESETS);
    const opts = options({
      presets: ['failed-queries'],
      threshold: 5,
      windowMs,
      lookbackMs: 2 * day,
      since: new Date(start).toISOString(),
    });
    for (let i = 0; i < 7; i++) {
      events.push(row('Query', new Date(start + i * day + 3_600_000), { actionStatus: 'FAILURE' }));
      await runWatch(opts, fakeIO({ now: new Date(start + i * day + 7_200_000) }), async () => source);
      expect(receiver.accepted, `after day ${i}`).toHaveLength(i < 4 ? 0 : 1);
    }
    expect(receiver.accepted[0]).toMatchObject({
      threshold: { threshold: 5, count: 5, windowStart: new Date(start).toISOString() },
    });
  });

  it('--dry-run prints what would be posted and sends and records nothing', async () => {
    const events = [row('PermissionApplied', at(1))];
    const io = fakeIO({ now: at(2) });
    const result = await runWatch(options({ dryRun: true, since: at(0).toISOString() }), io, async () =>
      memorySource(events, PRESETS),
    );
    expect(receiver.requests).toHaveLength(0);
    expect(result.wouldPost?.[0]?.eventIds).toEqual([events[0]!.id]);
    expect(io.stdout()).toContain('"preset": "permission-changes"');
    expect(io.stdout()).toContain('http://127.0.0.1');
    expect(io.stdout()).not.toContain('secret-token-path');
    expect(() => readFileSync(join(dir, 'state.json'))).toThrow();
  });

  it('refuses a redirect to another origin, and keeps secrets out of payloads', async () => {
    registerSecret('sk-live-watch-test-secret-1234');
    const events = [
      row('PermissionApplied', at(1), { auditPayload: { apiKey: 'x', note: 'sk-live-watch-test-secret-1234' } }),
    ];
    receiver.script.push({ redirect: 'http://127.0.0.2:9/elsewhere', status: 307 });
    const error = await failure(
      runWatch(options({ since: at(0).toISOString() }), fakeIO({ now: at(2) }), async () =>
        memorySource(events, PRESETS),
      ),
    );
    expect(error.message).toContain('redirect (HTTP 307) to another origin (http://127.0.0.2:9) refused');
    expect(receiver.requests).toHaveLength(1);
    await runWatch(options({ since: at(0).toISOString() }), fakeIO({ now: at(3) }), async () =>
      memorySource(events, PRESETS),
    );
    const body = JSON.stringify(receiver.accepted);
    expect(body).toContain(events[0]!.id);
    expect(body).not.toContain('sk-live-watch-test-secret-1234');
    expect(body).toContain('"apiKey":"[REDACTED]"');
  });

  it('follows a redirect within the same origin', async () => {
    const events = [row('PermissionApplied', at(1))];
    receiver.script.push({ redirect: '/moved', status: 308 });
    await runWatch(options({ since: at(0).toISOString() }), fakeIO({ now: at(2) }), async () =>
      memorySource(events, PRESETS),
    );
    expect(receiver.requests.map((r) => [r.path, r.answer])).toEqual([
      ['/hook/secret-token-path', 'redirect'],
      ['/moved', 'ok'],
    ]);
    expect(acceptedIds()).toEqual([events[0]!.id]);
  });

  it('a loop outlives a store held by another sync and a source that fails once; a usage error still stops it', async () => {
    const events = [row('PermissionApplied', at(1))];
    const source = memorySource(events, PRESETS);
    const failures = [
      new CliError('the log store is in use by another process', { code: 'LOGS_STORE_BUSY', exitCode: 3 }),
      new CliError('S3 kept failing', { code: 'LOGS_S3_UNREACHABLE', exitCode: 5 }),
    ];
    const sync = source.sync.bind(source);
    source.sync = async () => {
      const failure = failures.shift();
      if (failure) throw failure;
      await sync();
    };
    const controller = new AbortController();
    const io = fakeIO({ now: at(2), signal: controller.signal });
    const done = runWatch(options({ once: false, everyMs: 20, since: at(0).toISOString() }), io, async () => source);
    let ended = false;
    void done.catch(() => undefined).finally(() => (ended = true));
    const deadline = Date.now() + 5000;
    while (receiver.accepted.length === 0 && !ended && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    controller.abort();
    const result = await done;
    expect(result.runs.slice(0, 2).map((r) => r.failure)).toEqual([
      'the log store is in use by another process',
      'S3 kept failing',
    ]);
    expect(acceptedIds()).toEqual([events[0]!.id]);
    expect(io.stderr()).toContain('S3 kept failing (retrying in the next run)');
    // Stopped after a run that posted: exit 0, as a clean stop (the failures that passed were warned).
    expect(io.exitCode ?? 0).toBe(0);

    source.sync = async () => {
      throw new CliError('--source is not a folder', { code: 'LOGS_SOURCE_NOT_FOUND', exitCode: 2 });
    };
    const stopped = await failure(
      runWatch(options({ once: false, everyMs: 20 }), fakeIO({ now: at(3) }), async () => source),
    );
    expect(stopped.code).toBe('LOGS_SOURCE_NOT_FOUND');
  });

  it('a loop stopped while its last run failed exits with that failure', async () => {
    const source = memorySource([row('PermissionApplied', at(1))], PRESETS);
    source.sync = async () => {
      throw new CliError('S3 kept failing', { code: 'LOGS_S3_UNREACHABLE', exitCode: 5 });
    };
    const controller = new AbortController();
    const io = fakeIO({ now: at(2), signal: controller.signal });
    const done = runWatch(options({ once: false, everyMs: 20, since: at(0).toISOString() }), io, async () => source);
    while (!io.stderr().includes('retrying in the next run')) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort();
    await done;
    expect(io.exitCode).toBe(5);
  });

  it('loops every --every and stops cleanly on the signal', async () => {
    const events = [row('PermissionApplied', at(1))];
    const controller = new AbortController();
    const source = memorySource(events, PRESETS);
    const io = fakeIO({ now: at(2), signal: controller.signal });
    setTimeout(() => controller.abort(), 250);
    const result = await runWatch(
      options({ once: false, everyMs: 50, since: at(0).toISOString() }),
      io,
      async () => source,
    );
    expect(result.runs.length).toBeGreaterThanOrEqual(2);
    expect(source.syncs).toBe(result.runs.length);
    expect(acceptedIds()).toEqual([events[0]!.id]);
  });
});
