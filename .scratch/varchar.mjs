import { DuckDBInstance } from '@duckdb/node-api';
const inst = await DuckDBInstance.create(':memory:');
const c = await inst.connect();
await c.run(`CREATE TABLE t AS SELECT uuid()::VARCHAR AS id FROM range(48092)`);
for (let k = 0; k < 5; k++) {
  let t = performance.now();
  const r = await c.runAndReadAll('SELECT id FROM t ORDER BY id');
  const t1 = performance.now();
  const rows = r.getRowObjectsJS();
  const t2 = performance.now();
  const r2 = await c.runAndReadAll(`SELECT string_agg(id, chr(10) ORDER BY id) AS s FROM t`);
  const ids = r2.getRowObjectsJS()[0].s.split('\n');
  const t3 = performance.now();
  console.log(`query ${(t1-t).toFixed(1)} convert ${(t2-t1).toFixed(1)} agg+split ${(t3-t2).toFixed(1)} ${rows.length} ${ids.length}`);
}
