#!/usr/bin/env node
// Start-up benchmark (`npm run bench`): wall time and CPU time (user + sys) of the CLI's commands,
// medians over interleaved runs (one run of every case per round, so machine noise hits every case
// alike), as ratios to `--version` and to `node -e 0`.
//
// The networked commands talk to a tiny fake tenant this script serves on 127.0.0.1 (it answers the
// documented operations with fixed JSON; no GraphQL execution, so the tenant's cost is not the CLI's),
// found through a profile file in a scratch HOME, as after `immuta configure`.
// Each child runs under bash's `time` keyword: it reports the child's own wall, user and sys time from
// getrusage with millisecond precision, without the shell's start-up. NODE_EXTRA_CA_CERTS is removed
// from the children's environment: it adds ~110 ms to every Node start on these machines.
//
// Targets (issue 7): each networked command within 1.5x the CPU of `--version`; `--version` within 3x
// `node -e 0`. The script prints PASS/FAIL per target; BENCH_STRICT=1 makes a miss exit 1.
//
//   npm run bench                  # 15 rounds
//   BENCH_RUNS=31 npm run bench    # more rounds
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 15);
const WARMUP_ROUNDS = 2;
const API_KEY = 'bench-api-key-0123456789';
const ID = 'cfg-bench-1';

const configuration = (overrides = {}) => ({
  id: ID,
  interval: 'EVERY_12_HOURS',
  enabled: true,
  connectionStatus: 'SUCCESS',
  endpointConfiguration: {
    __typename: 'S3AccessKeyEndpointConfiguration',
    bucket: 'audit-bucket',
    path: 'immuta',
    region: 'us-east-1',
  },
  ...overrides,
});

/** The fake tenant: POST /api/audit/graphql, the root field read from the query text. */
function startTenant() {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      if (req.headers.authorization !== API_KEY) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"errors":[{"message":"Unauthorized"}]}');
        return;
      }
      const query = JSON.parse(body).query ?? '';
      const field = /\{\s*(\w+)/.exec(query.replace(/^[^{]*/, ''))?.[1] ?? '';
      const answers = {
        getAllExportConfigurations: [configuration()],
        enableExportConfiguration: configuration({ enabled: true }),
      };
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: { [field]: answers[field] ?? null } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Runs one command under bash's `time`; resolves { wall, cpu } in ms. */
function timed(argv, env) {
  const script = 'TIMEFORMAT="%3R %3U %3S"; { time "$@" >/dev/null 2>/dev/null; } 2>&1';
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', script, 'bench', ...argv], { cwd: root, env }, (error, stdout) => {
      if (error) return reject(new Error(`${argv.join(' ')} failed (exit ${error.code})`));
      const [wall, user, sys] = stdout.trim().split(/\s+/).slice(-3).map(Number);
      resolve({ wall: wall * 1000, cpu: (user + sys) * 1000 });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const server = await startTenant();
const host = `http://127.0.0.1:${server.address().port}`;
const scratch = mkdtempSync(join(tmpdir(), 'immuta-bench-'));
try {
  const file = join(scratch, 'exportConfig.json');
  writeFileSync(
    file,
    JSON.stringify({
      interval: 'EVERY_12_HOURS',
      bucket: 'audit-bucket',
      path: 'immuta',
      region: 'us-east-1',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    }),
  );
  // The tenant comes from a profile file, as after `immuta configure` (the YAML is read on every run).
  writeFileSync(
    join(scratch, '.immutacfg.yaml'),
    `# written by npm run bench\ndefault:\n  host: ${host}\n  api_key: ${API_KEY}\n`,
    {
      mode: 0o600,
    },
  );
  const env = { ...process.env, NO_COLOR: '1', HOME: scratch };
  for (const name of Object.keys(env)) {
    if (/PROXY$/i.test(name) || /^IMMUTA_/.test(name) || name === 'DEBUG' || name === 'NODE_EXTRA_CA_CERTS')
      delete env[name];
  }

  const node = process.execPath;
  const cli = join(root, 'bin', 'run.js');
  const base = ['audit', 'exportConfig'];
  const cases = [
    { name: 'node -e 0', argv: [node, '-e', '0'] },
    { name: '--version', argv: [node, cli, '--version'] },
    { name: 'list --help', argv: [node, cli, ...base, 'list', '--help'] },
    { name: 'list', argv: [node, cli, ...base, 'list'], networked: true },
    { name: `get ${ID}`, argv: [node, cli, ...base, 'get', ID], networked: true },
    {
      name: 'create:s3:accessKey --dry-run FILE',
      argv: [node, cli, ...base, 'create:s3:accessKey', '--dry-run', file],
      networked: true,
    },
    { name: `enable ${ID}`, argv: [node, cli, ...base, 'enable', ID], networked: true },
  ];

  const samples = cases.map(() => []);
  for (let round = 0; round < runs + WARMUP_ROUNDS; round++) {
    for (const [index, c] of cases.entries()) {
      const sample = await timed(c.argv, env);
      if (round >= WARMUP_ROUNDS) samples[index].push(sample); // the first rounds warm the file cache
    }
  }

  const stats = samples.map((s) => ({ wall: median(s.map((x) => x.wall)), cpu: median(s.map((x) => x.cpu)) }));
  const [nodeStats, versionStats] = stats;
  console.log(
    `${runs} interleaved rounds, Node ${process.version}, NODE_EXTRA_CA_CERTS unset, fake tenant on 127.0.0.1; medians`,
  );
  console.log('');
  console.log('| command | wall ms | CPU ms (user+sys) | CPU / --version | CPU / node -e 0 |');
  console.log('|---|---:|---:|---:|---:|');
  cases.forEach((c, index) => {
    const { wall, cpu } = stats[index];
    console.log(
      `| ${c.name} | ${wall.toFixed(0)} | ${cpu.toFixed(0)} | ${(cpu / versionStats.cpu).toFixed(2)}x | ${(cpu / nodeStats.cpu).toFixed(2)}x |`,
    );
  });

  const misses = [];
  const versionRatio = versionStats.cpu / nodeStats.cpu;
  console.log('');
  console.log(
    `${versionRatio <= 3 ? 'PASS' : 'FAIL'} --version within 3x the CPU of node -e 0 (${versionRatio.toFixed(2)}x)`,
  );
  if (versionRatio > 3) misses.push('--version');
  cases.forEach((c, index) => {
    if (!c.networked) return;
    const ratio = stats[index].cpu / versionStats.cpu;
    console.log(`${ratio <= 1.5 ? 'PASS' : 'FAIL'} ${c.name} within 1.5x the CPU of --version (${ratio.toFixed(2)}x)`);
    if (ratio > 1.5) misses.push(c.name);
  });
  if (misses.length > 0 && process.env.BENCH_STRICT === '1') process.exitCode = 1;
} finally {
  server.close();
  rmSync(scratch, { recursive: true, force: true });
}
