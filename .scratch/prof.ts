import { readFileSync } from 'node:fs';
import { LogStore } from '../src/lib/logs/store.js';
const store = await LogStore.open(process.env.S ?? '/work/benchdata/run1/store', { readOnly: true });
const sql = readFileSync(process.argv[2] as string, 'utf8');
await store.rows(`CREATE OR REPLACE TEMP TABLE a AS ${sql}`);
const r = await store.rows(`EXPLAIN (ANALYZE, FORMAT json) ${sql}`);
const plan = JSON.parse(String(r[0]?.explain_value));
const ops: Array<[number, string, number, string]> = [];
const walk = (n: any, depth: number) => {
  ops.push([n.operator_timing ?? 0, n.operator_name ?? n.operator_type, n.operator_cardinality ?? 0, '  '.repeat(depth)]);
  for (const c of n.children ?? []) walk(c, depth + 1);
};
walk(plan, 0);
console.log('total', plan.latency);
for (const [t, name, rows, ind] of ops) if (t > 0.003) console.log(ind + name, rows, t.toFixed(3));
await store.close();
