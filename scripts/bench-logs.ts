/**
 * `npm run bench:logs`: the audit-logs engine on realistic data, in one run.
 * Generates BENCH_MB (default 1000) MB of UAM NDJSON with the sandbox's seeded generator in 200
 * objects of an hour each, named by that hour (and a gzip copy) under a temp folder, then measures: the first sync (MB/s of uncompressed
 * data, plain and gzip), every preset on the synced store (ms), a second sync with one new object,
 * a first sync of BENCH_SMALL_OBJECTS (default 5,000) objects of ~10 KB into another store, peak RSS, and jq (when installed) on the raw files for the three questions of the issue, against
 * the read floor (`cat` from the page cache); then, with the CLI built (`npm run build`), each
 * command as its own process (a sync, every preset) with its peak RSS; last, what DuckDB alone does
 * with the same objects (scripts/bench-sync-floor.ts: the floor under any sync). Prints Markdown
 * tables for the README.
 * Run with: node --import tsx scripts/bench-logs.ts (tsx loads the TypeScript sources directly).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { LogStore } from '../src/lib/logs/store.js';
import { PRESETS } from '../src/lib/logs/presets/definitions.js';
import { preparePresetQuery, runPreset } from '../src/lib/logs/presets/run.js';
import { LocalSource } from '../src/lib/logs/sources/local.js';
import { syncInto } from '../src/lib/logs/sync.js';
import { generateEvents, toNdjson } from '../src/lib/sandbox/events/index.js';

const megabytes = Number(process.env.BENCH_MB ?? 1000);
const objects = Number(process.env.BENCH_OBJECTS ?? 200);
// BENCH_KEEP=1 leaves the data and the stores in place (the folder is printed), to measure again
// with BENCH_STORE and BENCH_DATA without generating and syncing again.
const keep = process.env.BENCH_KEEP === '1';
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

/** An object's events: ~1.2 KB each, one seed per object so objects differ and the run is reproducible. */
function objectText(index: number, bytesWanted: number, seed = 'bench'): { name: string; text: string } {
  const count = Math.max(1, Math.round(bytesWanted / 1200));
  const from = new Date(Date.UTC(2026, 0, 1) + index * 3_600_000);
  const text = toNdjson(
    generateEvents({
      seed: `${seed}-${index}`,
      count,
      from,
      to: new Date(from.getTime() + 3_600_000),
      tenantId: 'bench.example.com',
    }),
  );
  // Named by the hour they hold, as an export's date folders are: key order is time order.
  const name = `${from.toISOString().slice(0, 13).replace('T', '-')}h-${String(index).padStart(4, '0')}.ndjson`;
  return { name, text };
}

function writeObject(index: number, bytesWanted: number): void {
  const { name, text } = objectText(index, bytesWanted);
  writeFileSync(join(plain, name), text);
  writeFileSync(join(gz, `${name}.gz`), gzipSync(text));
}

/**
 * Many small objects (what an export of a quiet tenant every 2 hours writes over a year), in their own
 * folder: a sync of them measures what each object costs beyond its bytes.
 */
const SMALL_OBJECTS = Number(process.env.BENCH_SMALL_OBJECTS ?? 5000);
const SMALL_OBJECT_BYTES = 10_000;

function writeSmallObjects(dir: string): void {
  mkdirSync(dir);
  for (let i = 0; i < SMALL_OBJECTS; i++) {
    const { name, text } = objectText(i, SMALL_OBJECT_BYTES, 'small');
    writeFileSync(join(dir, name), text);
  }
}

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function sync(dir: string, storeDir: string): Promise<{ ms: number; cpuMs: number; bytes: number }> {
  const store = await LogStore.open(storeDir);
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await syncInto(store, { source: new LocalSource(dir), identity: dir }, {}, io);
  const elapsed = ms(start);
  const used = process.cpuUsage(cpu);
  await store.close();
  return { ms: elapsed, cpuMs: (used.user + used.system) / 1000, bytes: result.bytes };
}

function timed(command: string, args: string[]): number {
  const start = process.hrtime.bigint();
  const run = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'inherit'], shell: false });
  if (run.status !== 0) throw new Error(`${command} failed`);
  return ms(start);
}

const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
}

/** The median of REPEAT runs (the first run of a process pays for filling DuckDB's buffer pool). */
async function medianMs(run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const start = process.hrtime.bigint();
    await run();
    times.push(ms(start));
  }
  return median(times);
}

/** Engine time: the whole answer computed and kept inside DuckDB (no row crosses into JavaScript). */
async function engineMs(store: LogStore, sql: string): Promise<{ ms: number; rows: number }> {
  let rows = 0;
  const time = await medianMs(async () => {
    await store.rows(`CREATE OR REPLACE TEMP TABLE bench_answer AS ${sql}`);
    rows = Number((await store.rows('SELECT count(*) AS n FROM bench_answer'))[0]?.n);
    await store.rows('DROP TABLE bench_answer');
  });
  return { ms: time, rows };
}

/**
 * Every preset: (a) the engine time of its whole answer, over its default window ending at the
 * newest stored event (a real "last day") and over the whole store; (b) end to end through
 * runPreset with --limit 1000 (rows converted to JSON-ready objects), default window.
 */
async function measurePresets(store: LogStore): Promise<string[]> {
  const now = new Date(String((await store.rows('SELECT max(eventTimestamp) AS t FROM stored_events'))[0]?.t));
  const whole = { since: '2025-01-01', until: '2027-01-01', now };
  const scan = async () => store.rows('SELECT sum(length(raw)) AS n FROM stored_events');
  let start = process.hrtime.bigint();
  await scan();
  const coldScan = ms(start);
  start = process.hrtime.bigint();
  await scan();
  const warmScan = ms(start);
  const lines = [
    `Presets: median of ${REPEAT} runs, default windows ending at the newest event (${now.toISOString()}). Reading all of \`raw\` once: ${coldScan.toFixed(0)} ms in a fresh process, ${warmScan.toFixed(0)} ms again.`,
    '',
    '| preset | engine, default window, ms (rows) | engine, whole store, ms (rows) | runPreset --limit 1000, ms |',
    '|---|---|---|---|',
  ];
  for (const preset of PRESETS) {
    const window = await engineMs(store, preparePresetQuery(preset.name, { now }).sql);
    const all = await engineMs(store, preparePresetQuery(preset.name, whole).sql);
    const endToEnd = await medianMs(() => runPreset(store, preset.name, { now, limit: 1000 }));
    lines.push(
      `| \`${preset.name}\` | ${window.ms.toFixed(0)} (${window.rows}) | ${all.ms.toFixed(0)} (${all.rows}) | ${endToEnd.toFixed(0)} |`,
    );
    process.stderr.write(`${lines.at(-1)}\n`);
  }
  return lines;
}

interface Question {
  name: string;
  /** The answer from the store, as the jq program prints it. */
  duckdb: (store: LogStore) => Promise<unknown>;
  jq: string;
}

const WHOLE_STORE = { since: '2025-01-01', until: '2027-01-01' };

/** The three jq questions; each side gives the same JSON, so the answers are compared too. */
const QUESTIONS: Question[] = [
  {
    name: '`failed-queries` per actor per day',
    duckdb: async (store) =>
      (
        await store.rows(
          `SELECT coalesce(actor, '') || ' ' || strftime(eventTimestamp, '%Y-%m-%d') AS k, count(*) AS n FROM events
           WHERE action = 'QUERY' AND actionStatus IS DISTINCT FROM 'SUCCESS' GROUP BY k ORDER BY k`,
        )
      ).map((r) => [r.k, r.n]),
    jq: '[inputs | select(.action == "QUERY" and .actionStatus != "SUCCESS") | (.actor.id // "") + " " + .eventTimestamp[0:10]] | group_by(.) | map([.[0], length])',
  },
  {
    name: '`high-risk-permission-changes` (ids)',
    // The preset's own SQL, asked for the ids only (what the jq program prints).
    duckdb: async (store) => {
      const { sql } = preparePresetQuery('high-risk-permission-changes', WHOLE_STORE);
      return (await store.rows(`SELECT id FROM (${sql}) ORDER BY id`)).map((r) => String(r.id));
    },
    jq: '[inputs | select(.auditPayload.type // "" | test("^(PermissionApplied|PermissionRemoved|DomainPermissionsUpdated)AuditPayload$")) | select(([.auditPayload | .. | strings] | any(. == "USER_ADMIN" or . == "GOVERNANCE")) or ((.eventTimestamp[11:13] | tonumber) < 8 or (.eventTimestamp[11:13] | tonumber) >= 18) or ((.eventTimestamp[0:19] + "Z" | fromdate | strftime("%u") | tonumber) > 5)) | .id] | sort',
  },
  {
    name: 'top 20 targets of `sensitive-queries`',
    duckdb: async (store) =>
      (
        await store.rows(
          `SELECT name, count(*) AS n FROM (SELECT unnest(targetNames) AS name FROM events WHERE action = 'QUERY' AND sensitivityScore >= 80)
           GROUP BY name ORDER BY n DESC, name LIMIT 20`,
        )
      ).map((r) => [r.name, r.n]),
    jq: '[inputs | select(.action == "QUERY" and (.auditPayload.securityProfile.sensitivity.score // 0) >= 80) | .targets[]?.name] | group_by(.) | map([.[0], length]) | sort_by(-.[1]) | .[:20]',
  },
];

/** The store (median of REPEAT runs) against jq 1.6 on the raw files (run once: it takes minutes). */
async function measureQuestions(store: LogStore, files: string[]): Promise<string[]> {
  let hasJq = files.length > 0;
  try {
    execFileSync('jq', ['--version']);
  } catch {
    hasJq = false;
  }
  const lines = [
    '| question | DuckDB store, ms | jq 1.6 on the raw files, ms | ratio | same answer |',
    '|---|---|---|---|---|',
  ];
  for (const question of QUESTIONS) {
    let answer: unknown;
    const duck = await medianMs(async () => {
      answer = await question.duckdb(store);
    });
    if (!hasJq) {
      lines.push(`| ${question.name} | ${duck.toFixed(0)} | n/a | n/a | n/a |`);
      continue;
    }
    const start = process.hrtime.bigint();
    const run = spawnSync('jq', ['-c', '-n', question.jq, ...files], {
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    });
    const jqMs = ms(start);
    if (run.status !== 0) throw new Error(`jq failed: ${run.stderr}`);
    const same = JSON.stringify(JSON.parse(run.stdout)) === JSON.stringify(answer);
    lines.push(
      `| ${question.name} | ${duck.toFixed(0)} | ${jqMs.toFixed(0)} | ${(jqMs / duck).toFixed(0)}x | ${same ? 'yes' : 'NO'} |`,
    );
    process.stderr.write(`${lines.at(-1)}\n`);
  }
  return lines;
}

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * One command at a time, as a user runs them: the built CLI (`bin/run.js`; `npm run build` first),
 * each in its own process, its output to /dev/null (ndjson), with its elapsed time (start-up
 * included) and peak RSS (reported at exit by scripts/peak-rss.mjs, preloaded). The first sync
 * into a new store, then every preset over its default window ending at the newest event, and over
 * the whole store.
 */
async function measureCommands(dataDir: string, storeDir: string): Promise<string[]> {
  const bin = join(root, 'bin', 'run.js');
  if (!existsSync(join(root, 'dist', 'lib', 'cli', 'run.js'))) {
    return ['One command at a time: skipped (`npm run build` first: it measures the built CLI).'];
  }
  const rssFile = join(work, 'peak-rss');
  const lines = [
    'One command at a time (`node bin/run.js audit logs ...`, each its own process, output to /dev/null):',
    '',
    '| command | elapsed | peak RSS |',
    '|---|---|---|',
  ];
  let worst = 0;
  const run = (label: string, args: string[]) => {
    rmSync(rssFile, { force: true });
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['--import', join(root, 'scripts', 'peak-rss.mjs'), bin, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, BENCH_RSS_FILE: rssFile },
      encoding: 'utf8',
    });
    const elapsed = ms(start);
    if (child.status !== 0) throw new Error(`${label} failed (exit ${child.status}): ${child.stderr.slice(0, 500)}`);
    const rss = Number(readFileSync(rssFile, 'utf8')) / 1024;
    worst = Math.max(worst, rss);
    lines.push(`| ${label} | ${(elapsed / 1000).toFixed(1)} s | ${rss.toFixed(0)} MB |`);
    process.stderr.write(`${lines.at(-1)}\n`);
  };
  run('`sync DIR --store S` (first sync)', ['audit', 'logs', 'sync', dataDir, '--store', storeDir]);
  const store = await LogStore.open(storeDir, { readOnly: true });
  const newest = new Date(String((await store.rows('SELECT max(eventTimestamp) AS t FROM stored_events'))[0]?.t));
  await store.close();
  for (const preset of PRESETS) {
    const since = preparePresetQuery(preset.name, { now: newest }).filters.since?.toISOString() ?? '2000-01-01';
    const query = ['audit', 'logs', 'query', preset.name, '--store', storeDir];
    run(`\`query ${preset.name}\`, default window`, [...query, '--since', since]);
    run(`\`query ${preset.name}\`, whole store`, [...query, '--since', '2000-01-01']);
  }
  lines.push('', `Worst peak RSS of one command: ${worst.toFixed(0)} MB.`);
  return lines;
}

/**
 * What DuckDB alone does with the same objects (scripts/bench-sync-floor.ts), in its own process: its
 * statements run without the sync's memory limit, which must not count in this run's peak RSS.
 */
function measureFloor(dir: string): string[] {
  const script = fileURLToPath(new URL('bench-sync-floor.ts', import.meta.url));
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (run.status !== 0) throw new Error('bench-sync-floor failed');
  return run.stdout.trimEnd().split('\n');
}

async function main(): Promise<void> {
  if (process.env.BENCH_STORE) return queriesOnly(process.env.BENCH_STORE, process.env.BENCH_DATA);
  process.stderr.write(`Generating ${megabytes} MB in ${objects} objects under ${work}...\n`);
  for (let i = 0; i < objects; i++) writeObject(i, (megabytes * 1e6) / objects);
  const plainBytes = sizeOf(plain);
  // The process's peak so far (generating the data): the peaks below include it.
  const generationRss = process.resourceUsage().maxRSS / 1024;
  const catMs = timed('sh', ['-c', `cat ${join(plain, '*')} > /dev/null`]);

  const first = await sync(plain, join(work, 'store'));
  const gzip = await sync(gz, join(work, 'store-gz'));
  writeObject(objects, (megabytes * 1e6) / objects);
  const second = await sync(plain, join(work, 'store'));
  const syncRss = process.resourceUsage().maxRSS / 1024;
  const smallDir = join(work, 'small');
  writeSmallObjects(smallDir);
  const small = await sync(smallDir, join(work, 'store-small'));
  // jq reads what the store holds: every object, the one of the second sync included.
  const files = readdirSync(plain).map((n) => join(plain, n));

  const store = await LogStore.open(join(work, 'store'), { readOnly: true });
  const presets = await measurePresets(store);
  const questions = await measureQuestions(store, files);
  await store.close();
  const commands = await measureCommands(plain, join(work, 'store-cli'));
  const floor = measureFloor(plain);
  const mbps = (bytes: number, t: number) => bytes / 1e6 / (t / 1000);
  const rss = process.resourceUsage().maxRSS / 1024;
  const lines = [
    `Data: ${(plainBytes / 1e6).toFixed(0)} MB of NDJSON in ${objects} objects (gzip copy ${(sizeOf(gz) / 1e6).toFixed(1)} MB); read floor (cat, page cache) ${mbps(plainBytes, catMs).toFixed(0)} MB/s.`,
    '',
    '| step | result | vs read floor |',
    '|---|---|---|',
    `| first sync, plain | ${mbps(first.bytes, first.ms).toFixed(1)} MB/s (${(first.ms / 1000).toFixed(1)} s, ${(first.cpuMs / 1000).toFixed(1)} s CPU) | ${((mbps(first.bytes, first.ms) / mbps(plainBytes, catMs)) * 100).toFixed(0)}% |`,
    `| first sync, gzip (MB/s of uncompressed data) | ${mbps(plainBytes, gzip.ms).toFixed(1)} MB/s (${(gzip.ms / 1000).toFixed(1)} s, ${(gzip.cpuMs / 1000).toFixed(1)} s CPU) | |`,
    `| second sync, one new object (${(second.bytes / 1e6).toFixed(1)} MB) | ${second.ms.toFixed(0)} ms | |`,
    `| first sync, ${SMALL_OBJECTS} objects of ~${SMALL_OBJECT_BYTES / 1000} KB (${(small.bytes / 1e6).toFixed(1)} MB), another store | ${mbps(small.bytes, small.ms).toFixed(1)} MB/s (${(small.ms / 1000).toFixed(1)} s, ${((SMALL_OBJECTS * 1000) / small.ms).toFixed(0)} objects/s) | |`,
    `| peak RSS, generating the data (before any sync) | ${generationRss.toFixed(0)} MB | |`,
    `| peak RSS, the syncs (the three in one process) | ${syncRss.toFixed(0)} MB | |`,
    `| peak RSS, whole run (syncs, presets, questions) | ${rss.toFixed(0)} MB | |`,
    '',
    '',
    ...presets,
    '',
    ...questions,
    '',
    ...commands,
    '',
    ...floor,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

/**
 * `BENCH_STORE=DIR [BENCH_DATA=DIR]`: only the query side, on a store synced before (opened read-only,
 * nothing written) and the NDJSON folder it was synced from (for jq; without it jq is not run).
 */
async function queriesOnly(storeDir: string, dataDir: string | undefined): Promise<void> {
  const files = dataDir ? readdirSync(dataDir).map((n) => join(dataDir, n)) : [];
  const store = await LogStore.open(storeDir, { readOnly: true });
  const presets = await measurePresets(store);
  const questions = await measureQuestions(store, files);
  await store.close();
  const rss = process.resourceUsage().maxRSS / 1024;
  const data =
    files.length > 0
      ? `${(files.reduce((sum, f) => sum + statSync(f).size, 0) / 1e6).toFixed(0)} MB of NDJSON in ${files.length} objects, `
      : '';
  const lines = [
    `Store ${storeDir} (${data}peak RSS of the run ${rss.toFixed(0)} MB).`,
    '',
    ...presets,
    '',
    ...questions,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

try {
  await main();
} finally {
  if (keep) process.stderr.write(`Kept: ${work} (BENCH_STORE=${join(work, 'store')} BENCH_DATA=${plain})\n`);
  else rmSync(work, { recursive: true, force: true });
}
