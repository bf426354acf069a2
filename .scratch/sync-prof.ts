import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogStore } from '../src/lib/logs/store.js';
import { LocalSource } from '../src/lib/logs/sources/local.js';
import { syncInto } from '../src/lib/logs/sync.js';
const io = { signal: new AbortController().signal, now: () => new Date(), note: () => undefined, warn: () => undefined } as any;
const dir = process.argv[2] as string;
const storeDir = mkdtempSync(join(tmpdir(), 'sync-'));
const store = await LogStore.open(storeDir);
const c = (store as any).connection;
const times = new Map<string, number>();
const counts = new Map<string, number>();
for (const m of ['run', 'runAndReadAll', 'stream', 'runAndReadUntil', 'streamAndReadAll']) {
  const orig = c[m]?.bind(c);
  if (!orig) continue;
  c[m] = async (sql: string, ...rest: unknown[]) => {
    const t = performance.now();
    try { return await orig(sql, ...rest); } finally {
      const k = sql.replace(/\s+/g, ' ').trim().slice(0, 50);
      times.set(k, (times.get(k) ?? 0) + performance.now() - t); counts.set(k, (counts.get(k) ?? 0) + 1);
    }
  };
}
const t = performance.now();
await syncInto(store, { source: new LocalSource(dir), identity: dir }, {}, io);
const ms = performance.now() - t;
await store.close();
let sum = 0;
for (const [k, v] of [...times].sort((a, b) => b[1] - a[1]).slice(0, 15)) { console.log(v.toFixed(0).padStart(6), String(counts.get(k)).padStart(4), k); }
for (const v of times.values()) sum += v;
console.log('total', ms.toFixed(0), 'in duckdb', sum.toFixed(0));
rmSync(storeDir, { recursive: true, force: true });
