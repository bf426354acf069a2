import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LogStore } from '../../../src/lib/logs/store.js';
import { runReportCommand } from '../../../src/lib/report/report-command.js';
import { generateEvents } from '../../../src/lib/sandbox/events/generator.js';
import { toNdjson } from '../../../src/lib/sandbox/events/ndjson.js';
import { fakeIO } from '../../helpers/fake-io.js';

/**
 * The report in a real browser: Debian's Chromium driven by playwright-core. The test fails on any
 * network request, console error or empty chart, checks the numbers shown against the store, and
 * saves test/artifacts/report.png. Without Chromium it is skipped, except in CI (CI=true), where a
 * missing browser is a failure.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const inCI = process.env.CI === 'true';
const SPIKE_DAY = '2026-02-18';

let dir: string;
let html: string;

function writeFixture(exported: string): void {
  mkdirSync(exported, { recursive: true });
  const events = generateEvents({
    seed: 'report-browser',
    count: 2400,
    from: new Date('2026-02-02T00:00:00Z'),
    to: new Date('2026-03-02T00:00:00Z'),
    tenantId: 'fixture.example.com',
  });
  const query = events.find((e) => e.action === 'QUERY')!;
  const spike = Array.from({ length: 40 }, (_, i) => ({
    ...query,
    id: `spike-${String(i).padStart(3, '0')}`,
    actionStatus: 'SUCCESS',
    eventTimestamp: `${SPIKE_DAY}T${String(9 + (i % 8)).padStart(2, '0')}:${String(i).padStart(2, '0')}:00.000Z`,
    auditPayload: { ...query.auditPayload, securityProfile: { sensitivity: { score: 95 } } },
  }));
  writeFileSync(join(exported, 'a.ndjson'), toNdjson(events.slice(0, 1200)));
  // A truncated last line: skipped, and counted in the header.
  writeFileSync(join(exported, 'b.ndjson'), toNdjson([...events.slice(1200), ...spike]) + '{"id":"cut-of');
}

async function storeCounts(storeDir: string) {
  const store = await LogStore.open(storeDir, { readOnly: true });
  try {
    const [row] = await store.rows(`SELECT
      count(*) AS events,
      count(*) FILTER (WHERE action = 'QUERY') AS queries,
      count(*) FILTER (WHERE action = 'QUERY' AND actionStatus IS DISTINCT FROM 'SUCCESS' AND actionStatus IS DISTINCT FROM 'UNAUTHORIZED') AS failed,
      count(*) FILTER (WHERE action = 'QUERY' AND actionStatus = 'UNAUTHORIZED') AS unauthorized,
      count(*) FILTER (WHERE action = 'QUERY' AND sensitivityScore >= 80) AS sensitive,
      count(*) FILTER (WHERE event = 'SubscriptionCreated') AS grants,
      count(*) FILTER (WHERE event = 'SubscriptionDeleted') AS removals,
      count(*) FILTER (WHERE event IN ('GlobalPolicyCreated', 'GlobalPolicyUpdated', 'GlobalPolicyDeleted')) AS "policy-edits"
      FROM events`);
    const [skipped] = await store.rows('SELECT sum(skippedLines) AS n FROM ingested_objects');
    const [config] = await store.rows(`SELECT count(*) AS n FROM events WHERE event = 'ConfigurationUpdated'`);
    return {
      kpis: Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, Number(v)])),
      skipped: Number(skipped?.n),
      configurationChanges: Number(config?.n),
    };
  } finally {
    await store.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'immuta-report-browser-'));
  writeFixture(join(dir, 'exported'));
  await runReportCommand(
    {
      source: join(dir, 'exported'),
      store: join(dir, 'store'),
      since: '30d',
      tz: 'UTC',
      out: 'report.html',
      format: 'html',
      version: 'test',
    },
    fakeIO({ cwd: dir, now: new Date('2026-06-01T00:00:00Z') }),
  );
  html = join(dir, 'report.html');
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!available && !inCI)('logs report in headless Chromium', () => {
  it('opens offline with no request or console error, draws every chart, shows the store’s numbers', async () => {
    expect(existsSync(CHROMIUM), `Chromium is required in CI (${CHROMIUM})`).toBe(true);
    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(join(tmpdir(), 'immuta-chromium-'));
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = browser.pages()[0] ?? (await browser.newPage());
      const requests: string[] = [];
      const problems: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      const url = pathToFileURL(html).toString();
      await page.goto(url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });

      expect(requests).toEqual([url]);
      expect(problems).toEqual([]);

      const charts = await page.evaluate(() => {
        const chartGlobal = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): unknown } }).Chart;
        return [...document.querySelectorAll('canvas')].map((canvas) => {
          const chart = chartGlobal.getChart(canvas) as { data: { datasets: Array<{ data: number[] }> } } | undefined;
          const total = chart ? chart.data.datasets.reduce((a, d) => a + d.data.reduce((x, y) => x + y, 0), 0) : 0;
          const context = canvas.getContext('2d')!;
          const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
          return { id: canvas.id, total, painted, width: canvas.width };
        });
      });
      expect(charts).toHaveLength(12);
      for (const chart of charts) {
        expect(chart.total, `${chart.id} has data`).toBeGreaterThan(0);
        expect(chart.painted, `${chart.id} is drawn`).toBeGreaterThan(500);
      }

      const expected = await storeCounts(join(dir, 'store'));
      const shown = await page.evaluate(() =>
        Object.fromEntries(
          [...document.querySelectorAll('[data-kpi]')].map((el) => [
            (el as HTMLElement).dataset.kpi,
            Number(el.textContent),
          ]),
        ),
      );
      expect(shown).toMatchObject(expected.kpis);
      expect(await page.textContent('[data-header="skipped"]')).toBe(String(expected.skipped));
      expect(expected.skipped).toBe(1);
      expect(await page.textContent('[data-header="events"]')).toBe(String(expected.kpis.events));
      expect(await page.textContent('[data-header="period"]')).toContain('2026-01-31 to 2026-03-01 (30 days)');
      expect(await page.textContent('[data-table-count="configuration-changes"]')).toBe(
        String(expected.configurationChanges),
      );
      expect(await page.textContent('.note')).toContain(SPIKE_DAY);

      // Sortable: a click on "Time" sorts ascending.
      await page.click('table[data-table="manual-grants"] th:first-child');
      const times = await page.$$eval('table[data-table="manual-grants"] tbody tr td:first-child', (cells) =>
        cells.map((c) => c.textContent ?? ''),
      );
      expect(times.length).toBeGreaterThan(1);
      expect([...times].sort()).toEqual(times);

      mkdirSync('test/artifacts', { recursive: true });
      await page.screenshot({ path: 'test/artifacts/report.png', fullPage: true });
      copyFileSync(html, 'test/artifacts/report.html');
      const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
      expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    } finally {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 120_000);

  it('--format pdf prints the page through Chromium', async () => {
    await runReportCommand(
      {
        store: join(dir, 'store'),
        since: '30d',
        tz: 'UTC',
        out: 'report.pdf',
        format: 'pdf',
        browser: CHROMIUM,
        version: 'test',
      },
      fakeIO({ cwd: dir }),
    );
    const pdf = readFileSync(join(dir, 'report.pdf'));
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    expect(pdf.length).toBeGreaterThan(20_000);
  }, 120_000);
});
