#!/usr/bin/env node
/**
 * Does `immuta audit exportConfig doctor` make its AWS calls concurrently? Runs the real binary
 * against the fake AWS endpoint of the tests (test/fixtures/aws) with an artificial latency on every
 * answer, and compares the doctor's own wall time (report.durationMs: from the first check to the
 * verdict) with the slowest single AWS call and with the sum of all calls. A sequential doctor would
 * take about the sum; a concurrent one about the longest chain of dependent calls (two or three).
 *
 *   npm run build && node scripts/bench-doctor.mjs [--latency 200] [--runs 3]
 *
 * Prints a table; asserts nothing (timing is not a test).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { tsImport } from 'tsx/esm/api';

const root = resolve(import.meta.dirname, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const latencyMs = arg('latency', 200);
const runs = arg('runs', 3);

const { startFakeAws, WRITER_KEY } = await tsImport('../test/fixtures/aws/fake-aws.ts', import.meta.url);
const s = await tsImport('../test/fixtures/aws/scenarios.ts', import.meta.url);

const dir = mkdtempSync(join(tmpdir(), 'bench-doctor-'));
const base = { interval: 'EVERY_12_HOURS', bucket: s.BUCKET, path: s.EXPORT_PATH, region: s.REGION };
const accessKeyFile = join(dir, 'access-key.json');
const roleFile = join(dir, 'role.json');
writeFileSync(
  accessKeyFile,
  JSON.stringify({ ...base, accessKeyId: WRITER_KEY.accessKeyId, secretAccessKey: WRITER_KEY.secretAccessKey }),
);
writeFileSync(roleFile, JSON.stringify({ ...base, roleArn: s.ROLE_ARN }));

const kms = {
  's3:GetBucketEncryption': s.kmsEncryption(),
  'kms:DescribeKey': s.describeKeyRoute(),
  'kms:GetKeyPolicy': s.keyPolicyRoute(),
};
const scenarios = [
  { name: 'access key, SSE-S3', routes: s.healthyAccessKey(), args: [accessKeyFile] },
  { name: 'access key, SSE-KMS', routes: { ...s.healthyAccessKey(), ...kms }, args: [accessKeyFile] },
  {
    name: 'assumed role, SSE-S3',
    routes: s.healthyAssumedRole(),
    args: [roleFile, '--external-id', s.CONFIG_ID, '--immuta-account-id', s.IMMUTA_ACCOUNT],
  },
  {
    name: 'assumed role, SSE-KMS',
    routes: { ...s.healthyAssumedRole(), ...kms },
    args: [roleFile, '--external-id', s.CONFIG_ID, '--immuta-account-id', s.IMMUTA_ACCOUNT],
  },
];

function run(args, env) {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [join(root, 'bin', 'run.js'), 'audit', 'exportConfig', 'doctor', ...args, '--json'],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolvePromise({ code, out, err, wallMs: performance.now() - started }));
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const home = mkdtempSync(join(tmpdir(), 'bench-doctor-home-'));
const rows = [];
try {
  for (const scenario of scenarios) {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const aws = await startFakeAws({ routes: scenario.routes, latencyMs });
      try {
        const env = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', ...aws.env() };
        const { code, out, err, wallMs } = await run(scenario.args, env);
        if (!out.trim()) throw new Error(`doctor printed nothing (exit ${code}): ${err}`);
        const report = JSON.parse(out);
        const durations = aws.calls.map((c) => (c.finishedAt ?? c.startedAt) - c.startedAt);
        samples.push({
          code,
          ready: report.ready,
          calls: aws.calls.length,
          doctorMs: report.durationMs,
          processMs: wallMs,
          slowestMs: Math.max(...durations),
          sumMs: durations.reduce((a, b) => a + b, 0),
          trafficMs:
            Math.max(...aws.calls.map((c) => c.finishedAt ?? c.startedAt)) -
            Math.min(...aws.calls.map((c) => c.startedAt)),
          setupMs: report.setupMs,
        });
      } finally {
        await aws.close();
      }
    }
    const pick = (k) => median(samples.map((x) => x[k]));
    rows.push({
      scenario: scenario.name,
      ready: samples.every((x) => x.ready) ? 'yes' : 'NO',
      calls: pick('calls'),
      slowest: pick('slowestMs'),
      sum: pick('sumMs'),
      doctor: pick('doctorMs'),
      traffic: pick('trafficMs'),
      setup: pick('setupMs'),
      process: pick('processMs'),
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
}

const ms = (x) => `${Math.round(x)} ms`;
const header = [
  'scenario',
  'ready',
  'AWS calls',
  'slowest call',
  'sum of calls',
  'AWS wall',
  'AWS wall / slowest',
  'AWS wall / sum',
  'checks wall',
  'SDK load',
  'process wall',
];
const table = rows.map((r) => [
  r.scenario,
  r.ready,
  String(r.calls),
  ms(r.slowest),
  ms(r.sum),
  ms(r.traffic),
  `${(r.traffic / r.slowest).toFixed(1)}x`,
  `${(r.traffic / r.sum).toFixed(2)}x`,
  ms(r.doctor),
  ms(r.setup),
  ms(r.process),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log(
  `doctor benchmark: ${latencyMs} ms artificial latency per AWS answer, median of ${runs} runs (node ${process.version})\n`,
);
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const t of table) console.log(line(t));
console.log(
  [
    '',
    'AWS wall: from the first AWS request to the last answer, measured at the fake endpoint. A sequential doctor would need',
    '"sum of calls"; a concurrent one needs its longest chain of dependent calls (two deep: e.g. STS GetCallerIdentity with the',
    "configured key, then IAM SimulatePrincipalPolicy for the user it names). checks wall: report.durationMs (adds the SDK's",
    'first-call set-up: credential chain, endpoint rules). SDK load: report.setupMs. process wall: the whole `immuta` process.',
  ].join('\n'),
);
