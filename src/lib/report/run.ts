import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { usageError } from '../errors/cli-error.js';
import type { CommandIO } from '../io/command-io.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { checkedWritableFile, writeError } from '../io/writable-file.js';
import { windowMissesStore } from '../logs/empty-answer.js';
import { resolveFilters } from '../logs/filters.js';
import { parseMoment, parseSpan } from '../logs/period.js';
import { MAX_REPORT_DAYS, addDays, checkTimeZone, dayKey, fromWallClock, nextDay, startOfDay } from './calendar.js';
import { periodText, reportTally } from './data.js';
import { renderHtml } from './html.js';
import { printPdf } from './pdf.js';
import type { ReportSource } from './source.js';

/**
 * `immuta audit logs report`: the guide's dashboard rows over a period, as one HTML file (or a PDF
 * printed from it by Chromium). The period ends at --until, by default at the end of the day (in
 * --tz) of the store's latest event, so the same store and arguments give the same file whatever
 * the day it is run; --since is a date or a span back from that end (default 30d).
 */
export interface ReportOptions {
  since: string;
  until?: string;
  tz: string;
  out: string;
  format: 'html' | 'pdf';
  minScore?: number;
  /**
   * The business hours of the high-risk permission changes (`HH:MM-HH:MM`, in --tz; default
   * 08:00-18:00), as `query` and `watch` take them: without it, a team whose day is 09:00-17:00 got
   * another table in its report than in its alerts.
   */
  businessHours?: string;
  spikeThreshold?: number;
  /** Chromium for --format pdf (default: CHROMIUM_PATH, then /usr/bin/chromium and friends). */
  browser?: string;
  version: string;
}

export interface ReportResult {
  out: string;
  format: 'html' | 'pdf';
  source: string;
  since: string;
  until: string;
  tz: string;
  days: number;
  events: number;
  skippedLines: number;
}

export async function loadChartJs(): Promise<string> {
  const require = createRequire(import.meta.url);
  // The UMD build defines the global `Chart`; the package's exports map only names its modules.
  return readFile(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
}

/** An ISO date or date-time without a zone (`2026-01-05`, `2026-01-05T08:00`): a wall-clock reading. */
const ZONELESS = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/i;

/**
 * --since / --until as an instant. A date or date-time without a zone is read on the clocks of
 * --tz, as the days of the report are: `--since 2026-01-05 --tz America/New_York` starts at local
 * midnight, where read as UTC it started the evening before and the first day was a false dip.
 */
function reportMoment(text: string, flag: string, tz: string, now: Date): Date {
  const at = parseMoment(text, flag, now);
  return ZONELESS.test(text.trim()) ? new Date(fromWallClock(at.getTime(), tz)) : at;
}

/** Whole days in a span (`30d`, `2w`), or undefined when it has hours, minutes or seconds. */
function wholeDays(text: string): number | undefined {
  const value = text.trim().toLowerCase();
  if (!/^(\d+\s*[dw])+$/.test(value)) return undefined;
  let days = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)\s*([dw])/g)) days += Number(amount) * (unit === 'w' ? 7 : 1);
  return days;
}

async function period(
  options: ReportOptions,
  source: ReportSource,
  io: CommandIO,
): Promise<{ since: Date; until: Date }> {
  const { tz } = options;
  let until: Date;
  if (options.until) until = reportMoment(options.until, '--until', tz, io.now());
  else {
    const latest = await source.latest();
    until = latest ? new Date(startOfDay(nextDay(dayKey(Date.parse(latest), tz)), tz)) : io.now();
  }
  const relative = /^\d+[smhdw]/i.test(options.since.trim()) && !/^\d{4}-/.test(options.since.trim());
  let since: Date;
  if (!relative) since = reportMoment(options.since, '--since', tz, io.now());
  else {
    const span = parseSpan(options.since, '--since');
    const days = wholeDays(options.since);
    // Days of --tz, not 24-hour steps: over a DST change `30d` as 720 hours started an hour into
    // a day, a stub first day. The period is the `days` calendar days that end with until's day.
    since =
      days === undefined
        ? new Date(until.getTime() - span)
        : new Date(startOfDay(addDays(dayKey(until.getTime() - 1, tz), 1 - days), tz));
  }
  if (since.getTime() >= until.getTime()) {
    throw usageError(
      `the period is empty: --since ${since.toISOString()} is not before --until ${until.toISOString()}`,
      'Give a --since before --until (e.g. --since 30d).',
    );
  }
  // `--since 2000-01-01` for "everything": the first day it may start on is named in the fix.
  const earliest = startOfDay(addDays(dayKey(until.getTime() - 1, tz), 1 - MAX_REPORT_DAYS), tz);
  if (since.getTime() < earliest) {
    throw usageError(
      `the period from ${dayKey(since.getTime(), tz)} to ${dayKey(until.getTime() - 1, tz)} is longer than a report covers (${MAX_REPORT_DAYS} days, about ten years)`,
      `Give a later --since: ${dayKey(earliest, tz)} at the earliest, or --since ${MAX_REPORT_DAYS}d.`,
    );
  }
  return { since, until };
}

export async function runReport(
  options: ReportOptions,
  io: CommandIO,
  openSource: () => Promise<ReportSource>,
): Promise<ReportResult> {
  const tz = checkTimeZone(options.tz);
  // A wrong --business-hours fails now, not after the sync (the preset would refuse it then).
  if (options.businessHours !== undefined) resolveFilters({ businessHours: options.businessHours });
  // `--out -` is standard output, as for other CLIs (it wrote a file named `-`).
  const toStdout = options.out === '-';
  if (toStdout && options.format === 'pdf') {
    throw usageError(
      '--out - with --format pdf: a PDF is binary and is only written to a file',
      'Give a file (--out report.pdf), or --format html for standard output.',
    );
  }
  if (toStdout && io.json) {
    throw usageError(
      '--out - with --json: both the report and the JSON summary would go to standard output',
      'Give a file (--out report.html) with --json, or drop --json.',
    );
  }
  const out = toStdout ? '-' : resolve(io.cwd, options.out);
  // Before the sync and the counting: a bad --out fails now, not after minutes of work.
  const outFile = { path: out, flag: '--out' };
  const target = toStdout ? out : await checkedWritableFile(outFile);
  const source = await openSource();
  let html: string;
  let summary: Omit<ReportResult, 'out' | 'format'>;
  try {
    const range = await period({ ...options, tz }, source, io);
    // A period that misses every stored event (an --until before a stale store's span, or an empty
    // store) is a report of zeros that reads as "nothing happened": said on stderr, as `query` says it.
    const missed = windowMissesStore(range, await source.span(), 'the report is empty');
    if (missed !== undefined) io.warn(missed);
    const [described, highRisk, newSensitiveColumns, configurationChanges] = await Promise.all([
      source.describe(),
      source.preset('high-risk-permission-changes', range),
      source.preset('new-sensitive-columns', range),
      source.preset('configuration-changes', range),
    ]);
    const tally = reportTally({
      source: described.source,
      skippedLines: described.skippedLines,
      since: range.since,
      until: range.until,
      tz,
      minScore: options.minScore,
      spikeThreshold: options.spikeThreshold,
    });
    for await (const events of source.events(range)) tally.add(events);
    const data = tally.finish({ highRisk, newSensitiveColumns, configurationChanges });
    html = renderHtml({
      data,
      chartJs: await loadChartJs(),
      generatedAt: io.now().toISOString(),
      version: options.version,
    });
    summary = {
      source: data.source,
      since: data.since,
      until: data.until,
      tz,
      days: data.days.length,
      events: data.eventCount,
      skippedLines: data.skippedLines,
    };
  } finally {
    await source.close();
  }
  try {
    if (options.format === 'pdf') {
      const scratch = await mkdtemp(join(tmpdir(), 'immuta-report-'));
      try {
        const page = join(scratch, 'report.html');
        await writeFile(page, html, 'utf8');
        await printPdf({ html: page, out: target, browser: options.browser, env: io.env, signal: io.signal });
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    } else if (toStdout) {
      io.write(html);
    } else {
      await writeFileAtomic(target, html, 0o644);
    }
  } catch (error) {
    throw writeError(outFile, error);
  }
  if (toStdout) {
    // Standard output is the report's alone: the summary goes to stderr.
    io.note(
      `Wrote the report to standard output (${summary.events} events, ${periodText(summary.since, summary.until, tz)}, ${tz}).`,
    );
  } else io.out(`Wrote ${out} (${summary.events} events, ${periodText(summary.since, summary.until, tz)}, ${tz}).`);
  if (summary.skippedLines > 0)
    io.note(`${summary.skippedLines} lines were skipped while ingesting (see the report's header).`);
  return { out, format: options.format, ...summary };
}
