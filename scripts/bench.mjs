#!/usr/bin/env node
// Start-up benchmark: median wall time of the CLI's fastest paths as a ratio to `node -e 0`,
// measured in one run with the runs interleaved so machine noise hits every case alike.
// NODE_EXTRA_CA_CERTS is removed from the children's environment: it adds ~110 ms to every Node
// start on these machines and would hide the CLI's own cost.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 21);
const env = { ...process.env, NO_COLOR: '1' };
delete env.NODE_EXTRA_CA_CERTS;

const cases = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'] },
  { name: 'immuta --version', args: ['bin/run.js', '--version'] },
  { name: 'immuta audit exportConfig list --help', args: ['bin/run.js', 'audit', 'exportConfig', 'list', '--help'] },
];

const samples = cases.map(() => []);
for (let i = 0; i < runs + 2; i++) {
  cases.forEach((c, index) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, c.args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.status !== 0) throw new Error(`${c.name} failed: ${result.stderr}`);
    if (i >= 2) samples[index].push(ms); // the first two rounds warm the file system cache
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const baseline = median(samples[0]);
console.log(`runs per case: ${runs} (interleaved), Node ${process.version}, NODE_EXTRA_CA_CERTS unset`);
console.log('| command | median ms | ratio to node -e 0 |');
console.log('|---|---|---|');
cases.forEach((c, index) => {
  const m = median(samples[index]);
  console.log(`| ${c.name} | ${m.toFixed(1)} | ${(m / baseline).toFixed(2)}x |`);
});
