import { RAW_IN_JSON, escapeLine } from '../output/control-codes.js';
import { type ReportData, type TableRow, periodText } from './data.js';

/**
 * The dashboard as one self-contained HTML file: styles, data and Chart.js (MIT, inlined from the
 * npm package) are all inside, and a Content-Security-Policy forbids every request, so opening it
 * offline shows everything and nothing leaves the machine. Tables are plain HTML (readable without
 * script, sortable with it), charts draw without animation so printing and screenshots are complete.
 * Everything but the generated-at line depends only on the data.
 */
export interface HtmlOptions {
  data: ReportData;
  chartJs: string;
  generatedAt: string;
  version: string;
}

/**
 * Event text in the page: control codes, newlines and bidi overrides as visible escapes (`\u001b`),
 * as everywhere else in this CLI. Raw, an actor or target name's ESC ] ... BEL retitled the terminal
 * of whoever ran `cat report.html`, a U+202E reversed what a cell showed, and `--out -` (escaped on
 * its way to stdout) gave other bytes than the file.
 */
const escapeHtml = (text: string) =>
  escapeLine(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * JSON inside <script>: `<` escaped, so no text in the data can close the element; DEL, the C1 codes,
 * the line separators, bidi overrides and invisible characters (which JSON.stringify leaves raw, see
 * RAW_IN_JSON) as their JSON escapes, so the file holds none raw and the data parses to the same values.
 */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(RAW_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function kpi(name: string, label: string, value: number): string {
  return `<div class="kpi"><span class="value" data-kpi="${name}">${value}</span><span class="label">${escapeHtml(label)}</span></div>`;
}

/** A table of the latest rows; its heading counts every row of the period (`total`), shown or not. */
function eventTable(name: string, title: string, rows: TableRow[], total: number, empty: string): string {
  const body =
    rows.length === 0
      ? `<tr><td colspan="5" class="empty">${escapeHtml(empty)}</td></tr>`
      : rows
          .map(
            (r) =>
              `<tr><td>${escapeHtml(r.time)}</td><td>${escapeHtml(r.event)}</td><td>${escapeHtml(r.actor)}</td><td>${escapeHtml(r.targets)}</td><td class="id">${escapeHtml(r.id)}</td></tr>`,
          )
          .join('\n');
  return `<section class="card wide">
<h3>${escapeHtml(title)} <span class="count" data-table-count="${name}">${total}</span>${total > rows.length ? ` <span class="shown" data-table-shown="${name}">(the latest ${rows.length} shown)</span>` : ''}</h3>
<table class="sortable" data-table="${name}"><thead><tr><th>Time</th><th>Event</th><th>Actor</th><th>Targets</th><th>Event id</th></tr></thead>
<tbody>
${body}
</tbody></table>
</section>`;
}

function chartCard(id: string, title: string, note = ''): string {
  return `<section class="card"><h3>${escapeHtml(title)}</h3>${note ? `<p class="note">${escapeHtml(note)}</p>` : ''}<div class="chart"><canvas id="${id}" role="img" aria-label="${escapeHtml(title)}"></canvas></div></section>`;
}

function row(title: string, question: string, cards: string[]): string {
  return `<h2>${escapeHtml(title)}</h2>\n<p class="question">${escapeHtml(question)}</p>\n<div class="row">\n${cards.join('\n')}\n</div>`;
}

const STYLE = `
:root { --ink: #1d2430; --muted: #5b6576; --line: #dde2ea; --bg: #f5f7fa; --card: #fff; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header { padding: 20px 28px 12px; background: #17324d; color: #fff; }
header h1 { margin: 0 0 6px; font-size: 22px; }
header dl { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 2px 14px; margin: 0; }
header dt { color: #b9c8d8; } header dd { margin: 0; }
main { padding: 8px 28px 28px; }
h2 { margin: 22px 0 2px; font-size: 17px; } .question { margin: 0 0 8px; color: var(--muted); }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 10px; margin-top: 16px; }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.kpi .value { display: block; font-size: 22px; font-weight: 600; } .kpi .label { color: var(--muted); font-size: 12px; }
.row { display: grid; grid-template-columns: 2fr 1fr; gap: 12px; }
.row.halves { grid-template-columns: 1fr 1fr; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; min-width: 0; break-inside: avoid; }
.card.wide { grid-column: 1 / -1; margin-top: 12px; }
.card h3 { margin: 0 0 6px; font-size: 14px; } .note { margin: -4px 0 6px; color: var(--muted); font-size: 12px; }
.chart { position: relative; height: 230px; }
table { width: 100%; border-collapse: collapse; font-size: 12px; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { cursor: pointer; user-select: none; background: #eef1f5; } th[data-dir="asc"]::after { content: " ▲"; } th[data-dir="desc"]::after { content: " ▼"; }
td.id { font-family: ui-monospace, monospace; font-size: 11px; color: var(--muted); } td.empty { color: var(--muted); font-style: italic; }
.count, .shown { color: var(--muted); font-weight: 400; }
footer { padding: 0 28px 20px; color: var(--muted); font-size: 12px; }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { background: #fff; } header { background: #fff; color: var(--ink); border-bottom: 2px solid var(--ink); }
  header dt { color: var(--muted); } .card, .kpi { border-color: #bbb; } h2 { break-after: avoid; }
  .chart { height: 200px; }
}
`;

const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var colors = ['#2f6db5', '#e07b39', '#c23b3b', '#3a9a5b', '#8a5cc2', '#6b7785'];
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
  Chart.defaults.maintainAspectRatio = false;
  function bars(id, labels, series, options) {
    options = options || {};
    return new Chart(document.getElementById(id), {
      type: 'bar',
      data: { labels: labels, datasets: series.map(function (s, i) {
        return { label: s.label, data: s.values, backgroundColor: colors[i % colors.length], stack: options.stacked ? 'all' : undefined };
      }) },
      options: { indexAxis: options.horizontal ? 'y' : 'x', plugins: { legend: { display: series.length > 1 } },
        scales: { x: { stacked: !!options.stacked, ticks: { maxRotation: 0, autoSkip: true } }, y: { stacked: !!options.stacked, beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  var weekLabels = data.weeks.map(function (w) { return 'wk ' + w; });
  bars('policy-daily', data.days, data.policyEdits.daily, { stacked: true });
  bars('policy-weekly', weekLabels, data.policyEdits.weekly, { stacked: true });
  bars('access-weekly', weekLabels, data.accessGrants.weekly);
  bars('access-daily', data.days, data.accessGrants.daily);
  bars('entitlements-weekly', weekLabels, data.entitlementChanges.weekly, { stacked: true });
  bars('entitlements-daily', data.days, data.entitlementChanges.daily, { stacked: true });
  bars('queries-daily', data.days, data.queries.daily);
  bars('queries-weekly', weekLabels, data.queries.weekly);
  var spikes = {};
  data.sensitive.spikes.forEach(function (d) { spikes[d] = true; });
  new Chart(document.getElementById('sensitive-daily'), {
    data: { labels: data.days, datasets: [
      { type: 'bar', label: 'sensitive queries (score >= ' + data.sensitive.minScore + ')', data: data.sensitive.daily,
        backgroundColor: data.days.map(function (d) { return spikes[d] ? '#c23b3b' : '#e0a239'; }) },
      { type: 'line', label: 'spike threshold (' + data.sensitive.threshold + ')', data: data.days.map(function () { return data.sensitive.threshold; }),
        borderColor: '#c23b3b', borderDash: [6, 4], pointRadius: 0, borderWidth: 2 }
    ] },
    options: { scales: { x: { ticks: { maxRotation: 0, autoSkip: true } }, y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
  bars('sensitive-weekly', weekLabels, [{ label: 'sensitive queries', values: data.sensitive.weekly }]);
  bars('top-actors', data.topActors.map(function (a) { return a.name; }), [{ label: 'events', values: data.topActors.map(function (a) { return a.count; }) }], { horizontal: true });
  bars('top-targets', data.topTargets.map(function (a) { return a.name; }), [{ label: 'events', values: data.topTargets.map(function (a) { return a.count; }) }], { horizontal: true });

  document.querySelectorAll('table.sortable').forEach(function (table) {
    table.querySelectorAll('th').forEach(function (th, column) {
      th.addEventListener('click', function () {
        var dir = th.dataset.dir === 'asc' ? 'desc' : 'asc';
        table.querySelectorAll('th').forEach(function (other) { delete other.dataset.dir; });
        th.dataset.dir = dir;
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return r.cells.length > 1; });
        rows.sort(function (a, b) {
          var x = a.cells[column].textContent, y = b.cells[column].textContent;
          return (x < y ? -1 : x > y ? 1 : 0) * (dir === 'asc' ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  });
  document.body.dataset.ready = 'true';
})();
`;

export function renderHtml(options: HtmlOptions): string {
  const { data } = options;
  const q = data.queries.daily;
  const totals = {
    policy: sum(data.policyEdits.daily.flatMap((s) => s.values)),
    grants: sum(data.accessGrants.daily[0]?.values ?? []),
    removals: sum(data.accessGrants.daily[1]?.values ?? []),
    entitlements: sum(data.entitlementChanges.daily.flatMap((s) => s.values)),
    queries: sum(q[0]?.values ?? []),
    failed: sum(q[1]?.values ?? []),
    unauthorized: sum(q[2]?.values ?? []),
    sensitive: sum(data.sensitive.daily),
  };
  const editors =
    data.policyEditors.length === 0
      ? '<p class="note">No policy edits in the period.</p>'
      : `<table data-table="policy-editors"><thead><tr><th>Actor</th><th>Created</th><th>Updated</th><th>Deleted</th></tr></thead><tbody>${data.policyEditors
          .map(
            (e) =>
              `<tr><td>${escapeHtml(e.actor)}</td><td>${e.created}</td><td>${e.updated}</td><td>${e.deleted}</td></tr>`,
          )
          .join('')}</tbody></table>`;
  const period = periodText(data.since, data.until, data.tz);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; connect-src 'none'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Immuta audit report: ${escapeHtml(period)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>Immuta audit report</h1>
<dl>
<dt>Source</dt><dd data-header="source">${escapeHtml(data.source)}</dd>
<dt>Time zone</dt><dd data-header="tz">${escapeHtml(data.tz)}</dd>
<dt>Period</dt><dd data-header="period">${escapeHtml(period)} (${data.days.length} days)</dd>
<dt>Events</dt><dd><span data-header="events">${data.eventCount}</span> events, <span data-header="skipped">${data.skippedLines}</span> skipped lines</dd>
</dl>
</header>
<main>
<div class="kpis">
${kpi('events', 'events', data.eventCount)}
${kpi('policy-edits', 'policy edits', totals.policy)}
${kpi('grants', 'access grants', totals.grants)}
${kpi('removals', 'access removals', totals.removals)}
${kpi('entitlement-changes', 'entitlement changes', totals.entitlements)}
${kpi('queries', 'queries', totals.queries)}
${kpi('failed', 'failed queries', totals.failed)}
${kpi('unauthorized', 'unauthorized queries', totals.unauthorized)}
${kpi('sensitive', 'sensitive queries', totals.sensitive)}
${kpi('spike-days', 'spike days', data.sensitive.spikes.length)}
</div>
${row('Policy edits over time', 'Do you need to know when a policy is created, updated, or deleted and by whom?', [
  chartCard('policy-daily', 'Policy edits per day'),
  chartCard('policy-weekly', 'Policy edits per week'),
])}
<div class="row halves"><section class="card wide"><h3>Policy edits by whom</h3>${editors}</section></div>
${row(
  'Access grants and removals',
  'Review all access grants and removals weekly (SubscriptionCreated, SubscriptionDeleted).',
  [
    chartCard('access-daily', 'Grants and removals per day'),
    chartCard('access-weekly', 'Grants and removals per week'),
  ],
)}
${row('Entitlement changes', 'How user entitlements shift over time (SubscriptionUpdated, SubscriptionDeleted).', [
  chartCard('entitlements-daily', 'Entitlement changes per day'),
  chartCard('entitlements-weekly', 'Entitlement changes per week'),
])}
${row('Query volume', 'Queries per day, with failed and unauthorized attempts.', [
  chartCard('queries-daily', 'Queries per day'),
  chartCard('queries-weekly', 'Queries per week'),
])}
${row(
  'Sensitive queries',
  `Queries on data with a sensitivity score of at least ${data.sensitive.minScore}; days at or over the spike threshold (${data.sensitive.threshold}) are marked red.`,
  [
    chartCard(
      'sensitive-daily',
      'Sensitive queries per day',
      `Spike days: ${data.sensitive.spikes.join(', ') || 'none'}`,
    ),
    chartCard('sensitive-weekly', 'Sensitive queries per week'),
  ],
)}
<h2>Who and what</h2>
<div class="row halves">
${chartCard('top-actors', `Top ${data.topActors.length} actors`)}
${chartCard('top-targets', `Top ${data.topTargets.length} targets`)}
</div>
<h2>Latest changes to review</h2>
${eventTable('high-risk', 'High-risk permission changes (outside business hours, or USER_ADMIN / GOVERNANCE)', data.tables.highRisk, data.tableTotals.highRisk, 'None in the period.')}
${eventTable('manual-grants', 'Manual grants (SubscriptionCreated marked MANUAL)', data.tables.manualGrants, data.tableTotals.manualGrants, 'None in the period.')}
${eventTable('new-sensitive-columns', 'New sensitive columns (PII / PCI tags applied to columns)', data.tables.newSensitiveColumns, data.tableTotals.newSensitiveColumns, 'None in the period.')}
${eventTable('configuration-changes', 'Configuration changes (ConfigurationUpdated)', data.tables.configurationChanges, data.tableTotals.configurationChanges, 'None in the period.')}
</main>
<footer>
<p>immuta-audit-cli ${escapeHtml(options.version)} · tables show the latest 50 rows each · charts by Chart.js (MIT)</p>
<p class="generated">Generated at ${escapeHtml(options.generatedAt)}</p>
</footer>
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>${options.chartJs}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
