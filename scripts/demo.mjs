#!/usr/bin/env node
// `npm run demo`: the whole documented job, offline, against `immuta sandbox`.
// Starts the sandbox in the background (free ports, a temporary data directory, exports every
// 3.6 s instead of 2 h), creates an S3 access-key export configuration from
// examples/sandbox-access-key.json, shows SUCCESS and the list, waits for the first export, shows
// the exported objects and one audit event, then stops the sandbox: also on failure or Ctrl-C.
// It installs nothing and needs no network. Your ~/.immutacfg.yaml is not touched: every command
// gets --config with a temporary file.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'run.js');
const work = mkdtempSync(join(tmpdir(), 'immuta-demo-'));
const dataDir = join(work, 'sandbox');
const configFile = join(work, 'immutacfg.yaml');
const INTERVAL_SCALE = '0.0005';

// IMMUTA_HOST / IMMUTA_API_KEY from the user's shell would override the sandbox profile.
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('IMMUTA_')));
const bold = (text) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\u001b[1m${text}\u001b[22m` : text);

/** Runs the CLI; shows its output unless `capture`. Resolves { code, stdout }. */
function immuta(args, { capture = false, show = !capture } = {}) {
  if (show) process.stdout.write(`\n${bold(`$ immuta ${args.join(' ')}`)}\n`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [bin, '--config', configFile, ...args], {
      cwd: root,
      env,
      stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'pipe' : 'inherit'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

async function immutaJson(args) {
  const result = await immuta([...args, '--json'], { capture: true });
  if (result.code !== 0 && result.code !== 3)
    throw new Error(`immuta ${args.join(' ')} failed (exit ${result.code}): ${result.stderr || result.stdout}`);
  return JSON.parse(result.stdout);
}

function step(number, text) {
  process.stdout.write(`\n${bold(`[${number}/7] ${text}`)}\n`);
}

let started = false;
let stopping;
async function stopSandbox() {
  stopping ??= (async () => {
    if (started) {
      step(7, 'Stop the sandbox');
      await immuta(['sandbox', 'stop', '--data-dir', dataDir]);
    }
    rmSync(work, { recursive: true, force: true });
  })();
  return stopping;
}

let interrupted = false;
process.on('SIGINT', () => {
  interrupted = true;
  process.stderr.write('\nInterrupted: stopping the sandbox.\n');
  void stopSandbox().finally(() => process.exit(130));
});

async function main() {
  process.stdout.write(
    `${bold('immuta-audit-cli demo')}: a local Immuta audit tenant with real S3 (immuta sandbox), driven by the documented commands.\n` +
      `Every command below also gets --config ${configFile}, so your own ~/.immutacfg.yaml is left alone.\n`,
  );

  step(1, 'Start the sandbox in the background (free ports, exports every 2 h x 0.0005 = 3.6 s)');
  const start = await immuta(
    [
      'sandbox',
      'start',
      '--detach',
      '--port',
      '0',
      '--s3-port',
      '0',
      '--interval-scale',
      INTERVAL_SCALE,
      '--data-dir',
      dataDir,
    ],
    { capture: true, show: true },
  );
  // The summary, without start's "Next:" lines: they name this demo's temporary folder, deleted at the end.
  process.stdout.write(start.stdout);
  if (start.code !== 0) throw new Error(`the sandbox did not start (exit ${start.code}): ${start.stderr}`);
  started = true;

  step(2, 'Create the export configuration from examples/sandbox-access-key.json, exactly as Immuta documents it');
  const create = await immuta([
    '-p',
    'sandbox',
    'audit',
    'exportConfig',
    'create:s3:accessKey',
    'examples/sandbox-access-key.json',
  ]);
  if (create.code !== 0) throw new Error(`create:s3:accessKey did not connect (exit ${create.code})`);

  step(3, 'List the configurations: connection SUCCESS');
  const list = await immuta(['-p', 'sandbox', 'audit', 'exportConfig', 'list']);
  if (list.code !== 0) throw new Error(`list failed (exit ${list.code})`);

  step(4, 'Wait for the first export job');
  const deadline = Date.now() + 60_000;
  let job;
  while (!job) {
    const jobs = await immutaJson(['sandbox', 'jobs', '--data-dir', dataDir]);
    job = jobs.find((j) => j.status !== 'RUNNING');
    if (!job) {
      if (Date.now() > deadline) throw new Error('no export within 60 s');
      await sleep(500);
    }
  }
  await immuta(['sandbox', 'jobs', '--data-dir', dataDir]);
  await immuta(['-p', 'sandbox', 'audit', 'exportConfig', 'tasks', job.id]);

  step(5, 'The exported objects in s3://immuta-audit-sandbox, and one audit event (Universal Audit Model)');
  await immuta(['sandbox', 'objects', '--prefix', 'audit-logs/', '--limit', '5', '--data-dir', dataDir]);
  const [object] = await immutaJson([
    'sandbox',
    'objects',
    '--prefix',
    job.objectKeys[0],
    '--limit',
    '1',
    '--data-dir',
    dataDir,
  ]);
  if (object) {
    process.stdout.write(
      `\nFirst event of s3://${object.bucket}/${object.key}:\n${JSON.stringify(object.firstEvent, null, 2)}\n`,
    );
  }

  step(6, "Answer two of the audit guide's questions over what the sandbox exported (immuta audit logs)");
  const store = join(work, 'logs-store');
  const sync = await immuta(['audit', 'logs', 'sync', 'sandbox', '--sandbox-dir', dataDir, '--store', store]);
  if (sync.code !== 0) throw new Error(`audit logs sync failed (exit ${sync.code})`);
  const status = await immuta(['audit', 'logs', 'status', '--store', store]);
  if (status.code !== 0) throw new Error(`audit logs status failed (exit ${status.code})`);
  process.stdout.write(`\n${bold("Would it be a problem if someone tried to access data they shouldn't have?")}\n`);
  const failed = await immuta([
    'audit',
    'logs',
    'query',
    'failed-queries',
    '--store',
    store,
    '--since',
    '1d',
    '--limit',
    '5',
    '--format',
    'table',
  ]);
  if (failed.code !== 0) throw new Error(`audit logs query failed-queries failed (exit ${failed.code})`);
  process.stdout.write(`\n${bold('Who accessed what (queries per actor and outcome)?')}\n`);
  const trail = await immuta([
    'audit',
    'logs',
    'sql',
    '--store',
    store,
    '--format',
    'table',
    "SELECT actor, actionStatus, count(*) AS queries FROM events WHERE action = 'QUERY' GROUP BY ALL ORDER BY actor, actionStatus",
  ]);
  if (trail.code !== 0) throw new Error(`audit logs sql failed (exit ${trail.code})`);
}

try {
  await main();
  await stopSandbox();
  process.stdout.write(
    `\n${bold('Done.')} Try it yourself: \`immuta sandbox start --detach\` prints the commands to run next (README: "The sandbox", and "Offline: what works and what does not").\n`,
  );
} catch (error) {
  if (!interrupted) process.stderr.write(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  await stopSandbox();
  process.exitCode = 1;
}
