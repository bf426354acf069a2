/**
 * `npm run bench:logs`: the audit-logs engine on realistic data, in one run.
 * Generates BENCH_MB (default 1000) MB of UAM NDJSON with the sandbox's seeded generator in 200
 * objects (and a gzip copy) under a temp folder, then measures: the first sync (MB/s of uncompressed
 * data, plain and gzip), every preset on the synced store (ms), a second sync with one new object,
 * peak RSS, and jq (when installed) on the raw files for the three questions of the issue, against
 * the read floor (`cat` from the page cache). Prints a Markdown table for the README.
 * Run with: node --import tsx scripts/bench-logs.ts (tsx loads the TypeScript sources directly).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LogStore } from '../src/lib/logs/store.js';
import { PRESETS } from '../src/lib/logs/presets/definitions.js';
import { runPreset } from '../src/lib/logs/presets/run.js';
import { LocalSource } from '../src/lib/logs/sources/local.js';
import { syncInto } from '../src/lib/logs/sync.js';
import { generateEvents, toNdjson } from '../src/lib/sandbox/events/index.js';

const megabytes = Number(process.env.BENCH_MB ?? 1000);
const objects = Number(process.env.BENCH_OBJECTS ?? 200);
const work = mkdtempSync(join(tmpdir(), 'immuta-bench-logs-'));
const plain = join(work, 'plain');
const gz = join(work, 'gzip');
mkdirSync(plain);
mkdirSync(gz);

const io = {
  signal: new AbortController().signal,
  now: () => new Date(),
  note: () => undefined,
  warn: () => undefined,
} as unknown as Parameters<typeof syncInto>[3];

function sizeOf(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

function writeObject(index: number, bytesWanted: number): void {
  // ~1.5 KB per event; one seed per object so objects differ and the run is reproducible.
  const count = Math.max(1, Math.round(bytesWanted / 1500));
  const from = new Date(Date.UTC(2026, 0, 1) + index * 3_600_000);
  const text = toNdjson(
    generateEvents({
      seed: `bench-${index}`,
      count,
      from,
      to: new Date(from.getTime() + 3_600_000),
      tenantId: 'bench.example.com',
    }),
  );
  const name = `2026/01/${String(1 + (index % 28)).padStart(2, '0')}-${index}.ndjson`.replace(/\//g, '_');
  writeFileSync(join(plain, name), text);
  writeFileSync(join(gz, `${name}.gz`), gzipSync(text));
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function sync(dir: string, storeDir: string): Promise<{ ms: number; bytes: number }> {
  const store = await LogStore.open(storeDir);
  const start = process.hrtime.bigint();
  const result = await syncInto(store, { source: new LocalSource(dir), identity: dir }, {}, io);
  const elapsed = ms(start);
  await store.close();
  return { ms: elapsed, bytes: result.bytes };
}

function timed(command: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], shell: false });
  if (run.status !== 0) throw new Error(`${command} failed`);
  return ms(start);
}

async function main(): Promise<void> {
  process.stderr.write(`Generating ${megabytes} MB in ${objects} objects under ${work}...\n`);
  for (let i = 0; i < objects; i++) writeObject(i, (megabytes * 1e6) / objects);
  const plainBytes = sizeOf(plain);
  const files = readdirSync(plain).map((n) => join(plain, n));
  const catMs = timed('sh', ['-c', `cat ${join(plain, '*')} > /dev/null`]);

  const first = await sync(plain, join(work, 'store'));
  const gzip = await sync(gz, join(work, 'store-gz'));
  writeObject(objects, (megabytes * 1e6) / objects);
  const second = await sync(plain, join(work, 'store'));

  const store = await LogStore.open(join(work, 'store'), { readOnly: true });
  const presetMs: Array<[string, number, number]> = [];
  for (const preset of PRESETS) {
    const start = process.hrtime.bigint();
    const result = await runPreset(store, preset.name, { since: '2025-01-01', until: '2027-01-01' });
    presetMs.push([preset.name, ms(start), result.rows.length]);
  }
  const questions: Array<[string, string, string]> = [
    [
      'failed queries per actor per day',
      "SELECT actor, CAST(eventTimestamp AS DATE) AS day, count(*) AS n FROM events WHERE action = 'QUERY' AND actionStatus <> 'SUCCESS' GROUP BY ALL",
      '[inputs | select(.action == "QUERY" and .actionStatus != "SUCCESS") | .actor.id + " " + .eventTimestamp[0:10]] | group_by(.) | map([.[0], length])',
    ],
    [
      'high-risk permission changes',
      '',
      '[inputs | select(.auditPayload.type | test("^(PermissionApplied|PermissionRemoved|DomainPermissionsUpdated)AuditPayload$")) | select(([.auditPayload | .. | strings] | any(. == "USER_ADMIN" or . == "GOVERNANCE")) or ((.eventTimestamp[11:13] | tonumber) < 8 or (.eventTimestamp[11:13] | tonumber) >= 18) or ((.eventTimestamp[0:19] + "Z" | fromdate | strftime("%u") | tonumber) > 5)) | .id]',
    ],
    [
      'top 20 targets of sensitive queries',
      "SELECT name, count(*) AS n FROM (SELECT unnest(targetNames) AS name FROM events WHERE action = 'QUERY' AND sensitivityScore >= 80) GROUP BY name ORDER BY n DESC, name LIMIT 20",
      '[inputs | select(.action == "QUERY" and (.auditPayload.securityProfile.sensitivity.score // 0) >= 80) | .targets[]?.name] | group_by(.) | map([.[0], length]) | sort_by(-.[1]) | .[:20]',
    ],
  ];
  const questionRows: string[] = [];
  let hasJq = true;
  try {
    execFileSync('jq', ['--version']);
  } catch {
    hasJq = false;
  }
  for (const [name, sql, jq] of questions) {
    const start = process.hrtime.bigint();
    if (sql) await store.rows(sql);
    else await runPreset(store, 'high-risk-permission-changes', { since: '2025-01-01', until: '2027-01-01' });
    const duck = ms(start);
    const jqMs = hasJq ? timed('jq', ['-n', jq, ...files]) : NaN;
    questionRows.push(
      `| ${name} | ${duck.toFixed(0)} | ${hasJq ? jqMs.toFixed(0) : 'n/a'} | ${hasJq ? `${(jqMs / duck).toFixed(0)}x` : 'n/a'} |`,
    );
  }
  await store.close();
  const mbps = (bytes: number, t: number) => bytes / 1e6 / (t / 1000);
  const rss = process.resourceUsage().maxRSS / 1024;
  const lines = [
    `Data: ${(plainBytes / 1e6).toFixed(0)} MB of NDJSON in ${objects} objects (gzip copy ${(sizeOf(gz) / 1e6).toFixed(1)} MB); read floor (cat, page cache) ${mbps(plainBytes, catMs).toFixed(0)} MB/s.`,
    '',
    '| step | result | vs read floor |',
    '|---|---|---|',
    `| first sync, plain | ${mbps(first.bytes, first.ms).toFixed(1)} MB/s | ${((mbps(first.bytes, first.ms) / mbps(plainBytes, catMs)) * 100).toFixed(0)}% |`,
    `| first sync, gzip (MB/s of uncompressed data) | ${mbps(plainBytes, gzip.ms).toFixed(1)} MB/s | |`,
    `| second sync, one new object (${(second.bytes / 1e6).toFixed(1)} MB) | ${second.ms.toFixed(0)} ms | |`,
    `| peak RSS (whole run) | ${rss.toFixed(0)} MB | |`,
    '',
    '| preset | ms | rows |',
    '|---|---|---|',
    ...presetMs.map(([name, t, n]) => `| \`${name}\` | ${t.toFixed(0)} | ${n} |`),
    '',
    '| question | DuckDB store, ms | jq 1.6 on the raw files, ms | ratio |',
    '|---|---|---|---|',
    ...questionRows,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
