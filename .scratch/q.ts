import { LogStore } from '../src/lib/logs/store.js';
const store = await LogStore.open(process.env.S ?? '/work/benchdata/run1/store', { readOnly: true });
for (const sql of process.argv.slice(2)) {
  const times: number[] = [];
  let n = 0;
  for (let i = 0; i < 7; i++) {
    const t = performance.now();
    const r = await store.rows(`SELECT count(*) n FROM (${sql})`);
    n = Number(r[0]?.n);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(times[3]?.toFixed(1), n, sql.slice(0, 100));
}
await store.close();
