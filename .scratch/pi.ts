import { LogStore } from '../src/lib/logs/store.js';
import { preparePresetQuery } from '../src/lib/logs/presets/run.js';
const store = await LogStore.open(process.env.S ?? '/work/benchdata/run1/store', { readOnly: true });
const now = new Date(String((await store.rows('SELECT max(eventTimestamp) AS t FROM stored_events'))[0]?.t));
const name = process.argv[2] ?? 'policy-impact';
let sql = preparePresetQuery(name, { now }).sql;
if (process.env.SQLFILE) sql = (await import('node:fs')).readFileSync(process.env.SQLFILE, 'utf8');
if (process.env.PRINT) console.log(sql);
const times: number[] = [];
for (let i = 0; i < Number(process.env.N ?? 7); i++) {
  const t = performance.now();
  await store.rows(`CREATE OR REPLACE TEMP TABLE a AS ${sql}`);
  times.push(performance.now() - t);
}
const n = (await store.rows('SELECT count(*) n FROM a'))[0]?.n;
const h = (await store.rows('SELECT sum(hash(a)) h FROM a'))[0]?.h;
times.sort((a, b) => a - b);
console.log(name, 'rows', n, 'hash', h, 'median', times[times.length >> 1].toFixed(0), 'all', times.map((t) => t.toFixed(0)).join(' '));
if (process.env.EXPLAIN) {
  const r = await store.rows(`EXPLAIN ANALYZE ${sql}`);
  console.log(String(r[0]?.explain_value ?? JSON.stringify(r)));
}
await store.close();
