import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dayKey, dayKeyCache } from '../../../src/lib/report/calendar.js';
import { type ReportData, computeReport, reportTally } from '../../../src/lib/report/data.js';
import { logsReportSource } from '../../../src/lib/report/logs-source.js';
import { runPreset } from '../../../src/lib/logs/presets/run.js';
import { LogStore } from '../../../src/lib/logs/store.js';
import { runSync } from '../../../src/lib/logs/sync.js';
import { findBrowser } from '../../../src/lib/report/pdf.js';
import { runReport } from '../../../src/lib/report/run.js';
import { runReportCommand } from '../../../src/lib/report/report-command.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { memoryReportSource } from '../../helpers/memory-report-source.js';
import { SPIKE_DAY, expectedCounts, reportFixture } from './fixture.js';
import { ndjson, uamEvent } from '../logs/events.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'immuta-report-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const base = { since: '30d', tz: 'UTC', format: 'html' as const, version: 'test' };

describe('logs report (data and file)', () => {
  it('writes one self-contained file, the same bytes for the same store and arguments but the generated-at line', async () => {
    const events = reportFixture();
    const first = await runReport(
      { ...base, out: 'a.html' },
      fakeIO({ cwd: dir, now: new Date('2026-06-01T00:00:00Z') }),
      async () => memoryReportSource(events, 3),
    );
    await runReport({ ...base, out: 'b.html' }, fakeIO({ cwd: dir, now: new Date('2026-07-09T12:00:00Z') }), async () =>
      memoryReportSource([...events].reverse(), 3),
    );
    const a = readFileSync(join(dir, 'a.html'), 'utf8');
    const b = readFileSync(join(dir, 'b.html'), 'utf8');
    const withoutGenerated = (html: string) => html.replace(/<p class="generated">.*<\/p>/, '');
    expect(a).not.toBe(b);
    expect(withoutGenerated(a)).toBe(withoutGenerated(b));
    expect(a.split('\n').filter((line, i) => line !== b.split('\n')[i])).toHaveLength(1);
    // The period ends with the last event's day, whatever the clock says.
    expect(first).toMatchObject({
      until: '2026-03-02T00:00:00.000Z',
      since: '2026-01-31T00:00:00.000Z',
      skippedLines: 3,
    });
    expect(first.events).toBe(events.length);
    // Self-contained: no external script, stylesheet, image or font; requests forbidden by the CSP.
    expect(a).not.toMatch(/<(script|link|img)[^>]+(src|href)=/i);
    expect(a).toContain("default-src 'none'");
    expect(a).toContain('Chart.js v4');
  });

  it('counts the dashboard rows in daily and weekly buckets and marks the planted spike', () => {
    const events = reportFixture();
    const counts = expectedCounts(events);
    const data = computeReport({
      source: 's',
      skippedLines: 0,
      since: new Date('2026-02-02T00:00:00Z'),
      until: new Date('2026-03-02T00:00:00Z'),
      tz: 'UTC',
      events,
      presets: { highRisk: [], newSensitiveColumns: [], configurationChanges: [] },
    });
    const total = (values: number[]) => values.reduce((x, y) => x + y, 0);
    expect(data.days).toHaveLength(28);
    expect(data.weeks).toEqual(['2026-02-02', '2026-02-09', '2026-02-16', '2026-02-23']);
    expect(total(data.queries.daily[0]!.values)).toBe(counts.queries);
    expect(total(data.queries.weekly[0]!.values)).toBe(counts.queries);
    expect(total(data.queries.daily[2]!.values)).toBe(counts.unauthorized);
    expect(total(data.sensitive.daily)).toBe(counts.sensitive);
    expect(total(data.accessGrants.weekly[0]!.values)).toBe(counts.grants);
    expect(total(data.policyEdits.daily.flatMap((s) => s.values))).toBe(counts.policyEdits);
    expect(data.sensitive.spikes).toEqual([SPIKE_DAY]);
    expect(data.topActors[0]!.count).toBeGreaterThanOrEqual(data.topActors[1]!.count);
  });

  it('buckets by the local day of --tz', () => {
    const event = {
      ...reportFixture()[0]!,
      eventTimestamp: '2026-02-10T23:30:00.000Z',
      action: 'QUERY',
      actionStatus: 'SUCCESS',
    };
    const at = (tz: string) =>
      computeReport({
        source: 's',
        skippedLines: 0,
        since: new Date('2026-02-09T00:00:00Z'),
        until: new Date('2026-02-13T00:00:00Z'),
        tz,
        events: [event],
        presets: { highRisk: [], newSensitiveColumns: [], configurationChanges: [] },
      });
    const utc = at('UTC');
    const berlin = at('Europe/Berlin');
    expect(utc.days[utc.queries.daily[0]!.values.indexOf(1)]).toBe('2026-02-10');
    expect(berlin.days[berlin.queries.daily[0]!.values.indexOf(1)]).toBe('2026-02-11');
  });

  it('refuses a bad --tz and an empty period (exit 2)', async () => {
    const source = async () => memoryReportSource(reportFixture());
    expect(
      await failure(runReport({ ...base, tz: 'Mars/Olympus', out: 'x.html' }, fakeIO({ cwd: dir }), source)),
    ).toMatchObject({
      exitCode: 2,
    });
    expect(
      await failure(
        runReport({ ...base, since: '2026-03-05', until: '2026-03-01', out: 'x.html' }, fakeIO({ cwd: dir }), source),
      ),
    ).toMatchObject({ exitCode: 2 });
  });

  it('refuses a period longer than ten years (exit 2, naming the earliest --since) rather than a report of zeros', async () => {
    const source = async () => memoryReportSource(reportFixture());
    // The store's events end on 2026-03-01: the last of 3700 days. Cut at 3700 days from 2000,
    // the report's days ended in 2010 and every chart and total read 0 for events it counted.
    for (const since of ['2000-01-01', '3701d']) {
      const error = await failure(runReport({ ...base, since, out: 'x.html' }, fakeIO({ cwd: dir }), source));
      expect(error).toMatchObject({ code: 'USAGE', exitCode: 2 });
      expect(error.fix).toContain('2016-01-14 at the earliest');
    }
    const longest = await runReport({ ...base, since: '2016-01-14', out: 'x.html' }, fakeIO({ cwd: dir }), source);
    expect(longest).toMatchObject({ days: 3700, events: reportFixture().length });
    const html = readFileSync(join(dir, 'x.html'), 'utf8');
    expect(html).toMatch(/data-kpi="queries">[1-9]/);
  });

  it('refuses an --out that is a folder or a device before it opens the store, and replaces no such thing', async () => {
    let opened = 0;
    const source = async () => {
      opened++;
      return memoryReportSource(reportFixture());
    };
    for (const out of [dir, '/dev/null']) {
      const error = await failure(runReport({ ...base, out }, fakeIO({ cwd: dir }), source));
      expect(error).toMatchObject({ code: 'FILE_UNWRITABLE', exitCode: 2 });
    }
    expect(opened).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('the day of an instant, cached per quarter-hour, is the day Intl gives, also where days start off the quarter-hour', () => {
    // Kathmandu +05:45, St John's -03:30 with DST, Lord Howe's 30-minute DST, and Monrovia in 1970
    // (-00:44:30 then): there a day starts inside a quarter-hour, and the cache must not decide it.
    const zones = ['UTC', 'Asia/Kathmandu', 'America/St_Johns', 'Australia/Lord_Howe', 'Africa/Monrovia'];
    const starts = [Date.UTC(2026, 2, 7), Date.UTC(2026, 9, 3), Date.UTC(1970, 5, 1)];
    for (const tz of zones) {
      const cached = dayKeyCache(tz);
      for (const start of starts) {
        // Every 7 minutes 13 seconds for four days, and a millisecond either side.
        for (let at = start; at < start + 4 * 86_400_000; at += 433_000) {
          for (const t of [at, at + 1, at - 1]) expect(cached(t)).toBe(dayKey(t, tz));
        }
      }
    }
    const monrovia = dayKeyCache('Africa/Monrovia');
    const midnight = Date.UTC(1970, 5, 2, 0, 44, 30); // local midnight of 2 June 1970
    expect([monrovia(midnight - 1), monrovia(midnight)]).toEqual(['1970-06-01', '1970-06-02']);
  });

  it("orders ties by code point, as the SQL does, not by the machine's locale (the same bytes on every machine)", () => {
    const at = '2026-02-10T12:00:00.000Z';
    const event = (id: string, actor: string, name: string) => ({
      id,
      eventTimestamp: at,
      event: 'GlobalPolicyUpdated',
      action: 'UPDATE',
      actionStatus: 'SUCCESS',
      actor,
      targets: [{ id: name, name }],
      auditPayload: {},
    });
    const events = [event('b-2', 'zed@x', 'Zahlen'), event('B-1', 'Bob@x', 'ärzte'), event('a-3', 'ärzte@x', 'Bob')];
    const row = ({ id, eventTimestamp, event: name, actor, targets }: ReturnType<typeof event>) => ({
      id,
      eventTimestamp,
      event: name,
      actor,
      targets,
    });
    const data = computeReport({
      source: 's',
      skippedLines: 0,
      since: new Date('2026-02-09T00:00:00Z'),
      until: new Date('2026-02-11T00:00:00Z'),
      tz: 'UTC',
      events,
      presets: { highRisk: events.map(row), newSensitiveColumns: [], configurationChanges: [] },
    });
    // localeCompare gave a-3, b-2, B-1 and ärzte before Bob in en-US; ärzte after zed in sv-SE.
    expect(data.tables.highRisk.map((r) => r.id)).toEqual(['B-1', 'a-3', 'b-2']);
    expect(data.topActors.map((a) => a.name)).toEqual(['Bob@x', 'zed@x', 'ärzte@x']);
    expect(data.topTargets.map((t) => t.name)).toEqual(['Bob', 'Zahlen', 'ärzte']);
    expect(data.policyEditors.map((e) => e.actor)).toEqual(['Bob@x', 'zed@x', 'ärzte@x']);
  });

  it('counts the same whether the events come at once or in batches, in any order', () => {
    const events = reportFixture();
    const period = {
      source: 's',
      skippedLines: 0,
      since: new Date('2026-02-02T00:00:00Z'),
      until: new Date('2026-03-02T00:00:00Z'),
      tz: 'Europe/Berlin',
    };
    const presets = { highRisk: [], newSensitiveColumns: [], configurationChanges: [] };
    const whole = computeReport({ ...period, events, presets });
    const tally = reportTally(period);
    const reversed = [...events].reverse();
    for (let i = 0; i < reversed.length; i += 333) tally.add(reversed.slice(i, i + 333));
    expect(tally.finish(presets)).toEqual(whole);
    expect(whole.eventCount).toBe(events.length);
  });
});

describe('logs report (the period on the clocks of --tz)', () => {
  const query = (id: string, eventTimestamp: string) => ({
    ...reportFixture()[0]!,
    id,
    eventTimestamp,
    action: 'QUERY',
    actionStatus: 'SUCCESS',
  });
  const html = (name: string) => readFileSync(join(dir, name), 'utf8');
  const header = (page: string) => /data-header="period">([^<]*)</.exec(page)?.[1];

  it('an ISO date is midnight in --tz, and the header gives the days of --tz with the last one included', async () => {
    const events = [
      query('before', '2026-01-05T04:30:00.000Z'), // 2026-01-04 23:30 in New York: before the period
      query('first', '2026-01-05T05:30:00.000Z'), // 2026-01-05 00:30
      query('late', '2026-01-09T23:00:00.000Z'), // 2026-01-09 18:00
      query('last', '2026-01-10T04:59:00.000Z'), // 2026-01-09 23:59: the latest event, its day ends the period
    ];
    const io = fakeIO({ cwd: dir });
    const result = await runReport(
      { ...base, since: '2026-01-05', tz: 'America/New_York', out: 'ny.html' },
      io,
      async () => memoryReportSource(events),
    );
    expect(result).toMatchObject({
      since: '2026-01-05T05:00:00.000Z',
      until: '2026-01-10T05:00:00.000Z',
      days: 5,
      events: 3,
    });
    const page = html('ny.html');
    expect(header(page)).toBe('2026-01-05 to 2026-01-09 (5 days)');
    expect(page).toContain('<title>Immuta audit report: 2026-01-05 to 2026-01-09</title>');
    expect(io.stdout()).toContain('2026-01-05 to 2026-01-09, America/New_York');

    // --until is midnight in --tz as well (exclusive: its day is not in the period), and so is a
    // date-time without a zone.
    const until = await runReport(
      { ...base, since: '2026-01-05T00:00', until: '2026-01-09', tz: 'America/New_York', out: 'until.html' },
      fakeIO({ cwd: dir }),
      async () => memoryReportSource(events),
    );
    expect(until).toMatchObject({ since: '2026-01-05T05:00:00.000Z', until: '2026-01-09T05:00:00.000Z', days: 4 });
    expect(header(html('until.html'))).toBe('2026-01-05 to 2026-01-08 (4 days)');
  });

  it('a span of days counts back calendar days of --tz, also across a DST change (no stub first day)', async () => {
    const events = [
      query('stub', '2026-02-19T04:30:00.000Z'), // 2026-02-18 23:30 EST: the day before the 30 days
      query('first', '2026-02-19T05:00:00.000Z'), // 2026-02-19 00:00 EST: the first instant of the period
      query('last', '2026-03-20T15:00:00.000Z'), // 2026-03-20 11:00 EDT, after the change of 2026-03-08
    ];
    const result = await runReport(
      { ...base, since: '30d', tz: 'America/New_York', out: 'dst.html' },
      fakeIO({ cwd: dir }),
      async () => memoryReportSource(events),
    );
    expect(result).toMatchObject({
      since: '2026-02-19T05:00:00.000Z',
      until: '2026-03-21T04:00:00.000Z',
      days: 30,
      events: 2,
    });
    expect(header(html('dst.html'))).toBe('2026-02-19 to 2026-03-20 (30 days)');
    // A span in hours is hours, and the header then gives the times (the end exclusive).
    const hours = await runReport(
      { ...base, since: '36h', tz: 'America/New_York', out: 'hours.html' },
      fakeIO({ cwd: dir }),
      async () => memoryReportSource(events),
    );
    expect(hours).toMatchObject({ since: '2026-03-19T16:00:00.000Z', until: '2026-03-21T04:00:00.000Z', days: 2 });
    expect(header(html('hours.html'))).toBe('2026-03-19 12:00:00 to 2026-03-21 00:00:00 (exclusive) (2 days)');
  });
});

describe('logs report --out -', () => {
  it('writes the HTML to stdout and nothing else there (the summary goes to stderr), and creates no file "-"', async () => {
    const events = reportFixture();
    const io = fakeIO({ cwd: dir });
    const result = await runReport({ ...base, out: '-' }, io, async () => memoryReportSource(events, 2));
    await runReport({ ...base, out: 'file.html' }, fakeIO({ cwd: dir }), async () => memoryReportSource(events, 2));
    expect(io.stdout()).toBe(readFileSync(join(dir, 'file.html'), 'utf8'));
    expect(io.stderr()).toContain('Wrote the report to standard output (');
    expect(io.stderr()).toContain('2 lines were skipped');
    expect(result.out).toBe('-');
    expect(() => statSync(join(dir, '-'))).toThrow();
  });

  it('refuses --out - with --format pdf or --json (exit 2) before it opens the store', async () => {
    let opened = 0;
    const source = async () => {
      opened++;
      return memoryReportSource(reportFixture());
    };
    const pdf = await failure(runReport({ ...base, out: '-', format: 'pdf' }, fakeIO({ cwd: dir }), source));
    expect(pdf).toMatchObject({ code: 'USAGE', exitCode: 2 });
    const json = fakeIO({ cwd: dir, json: true });
    expect(await failure(runReport({ ...base, out: '-' }, json, source))).toMatchObject({ code: 'USAGE', exitCode: 2 });
    expect(json.stdout()).toBe('');
    expect(opened).toBe(0);
  });
});

describe('logs report with hostile event text', () => {
  it('holds no raw control code or bidi override: cells show visible escapes, the data parses to the same names', async () => {
    const events = reportFixture();
    const hostile = 'eve\u001b]0;pwned\u0007\u202egpj.exe\u009b2J\u007f\nline</script>';
    for (const event of events.filter((e) => e.event === 'ConfigurationUpdated').slice(0, 3)) {
      event.actor = hostile;
      event.targets = [{ id: 't', name: hostile }];
    }
    await runReport({ ...base, out: 'r.html' }, fakeIO({ cwd: dir }), async () => memoryReportSource(events));
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    // eslint-disable-next-line no-control-regex -- finding raw control codes is the point
    expect(html.match(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g)).toBeNull();
    expect(html).toContain('<td>eve\\u001b]0;pwned\\u0007\\u202egpj.exe\\u009b2J\\u007f\\nline&lt;/script&gt;</td>');
    const data = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    const parsed = JSON.parse(data) as { topActors: Array<{ name: string }> };
    expect(parsed.topActors.map((a) => a.name)).toContain(hostile);
  });
});

describe('logs report --format pdf with a --browser that is not Chromium', () => {
  const source = async () => memoryReportSource(reportFixture());
  const program = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return path;
  };
  const pdf = (browser: string) =>
    failure(runReport({ ...base, out: 'r.pdf', format: 'pdf', browser }, fakeIO({ cwd: dir }), source));

  it('a file that cannot be run, or a folder, is refused by name (exit 2), not an empty "could not print"', async () => {
    const notRunnable = join(dir, 'chromium.txt');
    writeFileSync(notRunnable, 'not a program');
    for (const browser of [notRunnable, dir]) {
      const error = await pdf(browser);
      expect(error).toMatchObject({ code: 'BROWSER_NOT_FOUND', exitCode: 2 });
      expect(error.message).toBe(`${browser} is not a program this user can run`);
    }
  });

  it('a CHROMIUM_PATH that cannot be run is refused by name (exit 2), not replaced by another browser', async () => {
    const notRunnable = join(dir, 'chromium.txt');
    writeFileSync(notRunnable, 'not a program');
    // Where /usr/bin/chromium is installed, it was used instead without a word.
    const installed = program('chromium', 'exit 0');
    const error = await failure(
      runReport(
        { ...base, out: 'r.pdf', format: 'pdf' },
        fakeIO({ cwd: dir, env: { CHROMIUM_PATH: notRunnable } }),
        source,
      ),
    );
    expect(error).toMatchObject({ code: 'BROWSER_NOT_FOUND', exitCode: 2 });
    expect(error.message).toBe(`${notRunnable} is not a program this user can run`);
    expect(await findBrowser(undefined, { CHROMIUM_PATH: installed })).toBe(installed);
    expect(await findBrowser(installed, { CHROMIUM_PATH: notRunnable })).toBe(installed);
    expect(await findBrowser(undefined, { CHROMIUM_PATH: notRunnable })).toBeUndefined();
  });

  it('says why it failed: its last line on stderr, else its exit code; never that --out’s folder is gone', async () => {
    const said = await pdf(program('says', 'echo "[1:2] starting" >&2; echo "cannot open display" >&2; exit 3'));
    expect(said).toMatchObject({ code: 'PDF_FAILED' });
    expect(said.message).toBe('Chromium could not print the PDF: cannot open display');
    const silent = await pdf(program('silent', 'exit 4'));
    expect(silent.message).toBe('Chromium could not print the PDF: it exited with code 4 and said nothing');
    // Exits 0 and writes nothing: it was reported as "cannot write --out ...: its folder is gone".
    const idle = await pdf(program('idle', 'exit 0'));
    expect(idle).toMatchObject({ code: 'PDF_FAILED' });
    expect(idle.message).toBe(`${join(dir, 'idle')} exited without writing the PDF`);
  });

  it('a browser that writes nothing fails also when --out holds last run’s PDF, and leaves that PDF as it was', async () => {
    const out = join(dir, 'r.pdf');
    writeFileSync(out, '%PDF last run');
    const idle = await pdf(program('idle', 'exit 0'));
    expect(idle).toMatchObject({ code: 'PDF_FAILED', message: `${join(dir, 'idle')} exited without writing the PDF` });
    expect(readFileSync(out, 'utf8')).toBe('%PDF last run');
    // One that prints replaces it, and leaves no temporary file beside it.
    const prints = program(
      'prints',
      'for a in "$@"; do case "$a" in --print-to-pdf=*) printf "%%PDF this run" > "${a#--print-to-pdf=}";; esac; done',
    );
    await runReport({ ...base, out: 'r.pdf', format: 'pdf', browser: prints }, fakeIO({ cwd: dir }), source);
    expect(readFileSync(out, 'utf8')).toBe('%PDF this run');
    expect(readdirSync(dir).filter((name) => name.includes('r.pdf'))).toEqual(['r.pdf']);
  });
});

/** A store synced from `events` (exported lines, as given) and the report's numbers over 2026-03-02. */
async function reportOverStore(events: unknown[]): Promise<{ store: string; data: ReportData }> {
  mkdirSync(join(dir, 'exported'));
  writeFileSync(join(dir, 'exported', 'events.ndjson'), ndjson(events));
  const store = join(dir, 'store');
  await runSync({ source: join(dir, 'exported'), store }, fakeIO());
  const range = { since: new Date('2026-03-02T00:00:00Z'), until: new Date('2026-03-03T00:00:00Z') };
  const source = await logsReportSource({ store }, fakeIO());
  try {
    const tally = reportTally({ source: 's', skippedLines: 0, tz: 'UTC', ...range });
    for await (const batch of source.events(range)) tally.add(batch);
    return { store, data: tally.finish({ highRisk: [], newSensitiveColumns: [], configurationChanges: [] }) };
  } finally {
    await source.close();
  }
}

const query = (id: string, extra: Record<string, unknown> = {}) => ({
  ...uamEvent({ id, at: '2026-03-02T10:00:00.000Z', event: 'Query', targets: [{ id: 'ds-1', name: 'Customers' }] }),
  ...extra,
});

describe('logs report over a store: the numbers the presets and SQL give', () => {
  it("top targets are the store's target names (else ids): a null target or a numeric id is no failure", async () => {
    const { store, data } = await reportOverStore([
      query('q-1'),
      query('q-2', { targets: [null, { id: 7 }, 'Payments'] }),
      query('q-3', { targets: [{ id: '7', name: null }] }),
    ]);
    expect(data.topTargets).toEqual([
      { name: '7', count: 2 },
      { name: 'Customers', count: 1 },
    ]);
    const opened = await LogStore.open(store, { readOnly: true });
    try {
      const rows = await opened.rows(`SELECT coalesce(n, i) AS name, count(*)::INTEGER AS count
        FROM (SELECT unnest(targetIds) AS i, unnest(targetNames) AS n FROM events)
        WHERE coalesce(n, i) IS NOT NULL GROUP BY 1 ORDER BY count DESC, name`);
      expect(rows).toEqual(data.topTargets);
    } finally {
      await opened.close();
    }
  });

  it('a period that misses every stored event (or an empty store) is a warning, --json included, as query says it', async () => {
    const { store } = await reportOverStore([query('q-1'), query('q-2')]);
    const run = async (options: { since?: string; until?: string }, storeDir = store) => {
      const io = fakeIO({ cwd: dir, json: true });
      const result = await runReportCommand({ ...base, ...options, store: storeDir, out: 'r.html' }, io);
      return { events: result.events, stderr: io.stderr() };
    };
    // The default period ends with the latest event's day: never empty, nothing said.
    expect(await run({})).toEqual({ events: 2, stderr: '' });
    expect(await run({ since: '2025-01-01', until: '2025-02-01' })).toEqual({
      events: 0,
      stderr:
        "Warning: the report is empty: this window (from 2025-01-01T00:00:00.000Z to 2025-02-01T00:00:00.000Z) ends before the store's first event (2026-03-02T10:00:00.000Z). Move the window (--since/--until).\n",
    });
    expect((await run({ since: '2026-04-01', until: '2026-05-01' })).stderr).toContain(
      "Warning: the report is empty: this window (from 2026-04-01T00:00:00.000Z to 2026-05-01T00:00:00.000Z) starts after the store's newest event",
    );
    // A store synced from a source with no objects yet (a first export not written).
    mkdirSync(join(dir, 'nothing-yet'));
    await runSync({ source: join(dir, 'nothing-yet'), store: join(dir, 'empty-store') }, fakeIO());
    expect(await run({}, join(dir, 'empty-store'))).toEqual({
      events: 0,
      stderr:
        'Warning: the report is empty: the store holds no events. Sync a source into it first (`immuta audit logs sync SOURCE --store DIR`).\n',
    });
  });

  it('failed and unauthorized queries add up to the rows of failed-queries: every status but SUCCESS', async () => {
    const { store, data } = await reportOverStore([
      query('q-ok'),
      query('q-failure', { actionStatus: 'FAILURE' }),
      query('q-unauthorized', { actionStatus: 'UNAUTHORIZED' }),
      query('q-error', { actionStatus: 'ERROR' }),
      query('q-none', { actionStatus: undefined }),
      query('q-null', { actionStatus: null }),
    ]);
    const opened = await LogStore.open(store, { readOnly: true });
    try {
      const { rows } = await runPreset(opened, 'failed-queries', { since: '2026-03-02', until: '2026-03-03' });
      const byStatus = (unauthorized: boolean) =>
        rows.filter((r) => (r.actionStatus === 'UNAUTHORIZED') === unauthorized).length;
      expect(rows).toHaveLength(5);
      expect(data.queries.daily.map((s) => [s.label, s.values])).toEqual([
        ['all queries', [6]],
        ['failed', [byStatus(false)]],
        ['unauthorized', [byStatus(true)]],
      ]);
    } finally {
      await opened.close();
    }
  });

  it('--business-hours: the high-risk table is the rows of high-risk-permission-changes with the same hours', async () => {
    const permission = (id: string, at: string) =>
      uamEvent({ id, at, event: 'PermissionApplied', targets: [{ id: 'u1' }], payload: { permission: 'AUDIT' } });
    // Monday 2026-03-02: 08:30 is inside 08:00-18:00 but not 09:00-17:00; 12:00 is inside both.
    const { store } = await reportOverStore([
      permission('p-0830', '2026-03-02T08:30:00.000Z'),
      permission('p-1200', '2026-03-02T12:00:00.000Z'),
    ]);
    const tableIds = (html: string) =>
      [...(/data-table="high-risk">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '').matchAll(/<td class="id">([^<]*)/g)].map(
        (m) => m[1],
      );
    const options = { store, since: '2026-03-02', until: '2026-03-03', tz: 'UTC', format: 'html' as const };
    await runReportCommand(
      { ...options, out: 'r.html', version: 't', businessHours: '09:00-17:00' },
      fakeIO({ cwd: dir }),
    );
    const opened = await LogStore.open(store, { readOnly: true });
    try {
      const { rows } = await runPreset(opened, 'high-risk-permission-changes', {
        since: '2026-03-02',
        until: '2026-03-03',
        businessHours: '09:00-17:00',
      });
      expect(rows.map((r) => r.id)).toEqual(['p-0830']);
      expect(tableIds(readFileSync(join(dir, 'r.html'), 'utf8'))).toEqual(['p-0830']);
    } finally {
      await opened.close();
    }
    const error = await failure(
      runReportCommand(
        { ...options, out: 'bad.html', version: 't', businessHours: '17:00-09:00' },
        fakeIO({ cwd: dir }),
      ),
    );
    expect(error).toMatchObject({ code: 'LOGS_BAD_FILTER', exitCode: 2 });
  });

  it('a table heading counts the rows of its preset in the period, not the 50 it shows', async () => {
    const changes = Array.from({ length: 60 }, (_, i) =>
      uamEvent({
        id: `c-${String(i).padStart(2, '0')}`,
        at: new Date(Date.parse('2026-03-02T10:00:00Z') + i * 60_000).toISOString(),
        event: 'ConfigurationUpdated',
      }),
    );
    const { store } = await reportOverStore(changes);
    const options = { store, since: '2026-03-02', until: '2026-03-03', tz: 'UTC', format: 'html' as const };
    await runReportCommand({ ...options, out: 'r.html', version: 't' }, fakeIO({ cwd: dir }));
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    const opened = await LogStore.open(store, { readOnly: true });
    try {
      const { rows } = await runPreset(opened, 'configuration-changes', { since: '2026-03-02', until: '2026-03-03' });
      expect(rows).toHaveLength(60);
      expect(html).toContain(
        '<span class="count" data-table-count="configuration-changes">60</span> <span class="shown" data-table-shown="configuration-changes">(the latest 50 shown)</span>',
      );
      expect(html.match(/<td class="id">c-/g)).toHaveLength(50);
      // A table that shows every row says only its count.
      expect(html).toContain('<span class="count" data-table-count="high-risk">0</span></h3>');
    } finally {
      await opened.close();
    }
  });
});
