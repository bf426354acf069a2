#!/usr/bin/env node
// Proves the package installs and works as users get it: `npm pack`, install the tarball into an
// empty temporary prefix (dependencies come from the npm registry, or npm's cache), then from the
// INSTALLED binary, run outside the checkout: `immuta --version`, and the documented
// `create:s3:accessKey` against a sandbox started by that same binary. Everything it starts and
// writes is removed again, also on failure or Ctrl-C. Run by .ci/run after `npm test` (which builds
// dist/); builds first if dist/ is missing. Prints how long each phase took.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'immuta-pack-test-'));
const prefix = join(work, 'prefix');
const home = join(work, 'home');
const dataDir = join(work, 'sandbox');
const configFile = join(home, 'immutacfg.yaml');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const timings = [];
let sandboxPid;

function phase(name, work) {
  const started = performance.now();
  const result = work();
  timings.push([name, performance.now() - started]);
  return result;
}

function fail(message, result) {
  const output = result ? `\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}` : '';
  throw new Error(`pack-test: ${message}${output}`);
}

/** Runs the installed `immuta` from outside the checkout, with a throw-away HOME and profile file. */
function immuta(args, expectedExit = 0) {
  const bin = join(prefix, 'bin', 'immuta');
  // A minimal environment: no IMMUTA_*/AWS_* settings of the caller, and no NODE_EXTRA_CA_CERTS
  // (it costs ~110 ms per start; the CLI only talks to the local sandbox here). npm keeps it.
  const env = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', IMMUTA_CONFIG: configFile };
  const result = spawnSync(bin, args, {
    cwd: work,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== expectedExit)
    fail(`immuta ${args.join(' ')} exited ${result.status}, expected ${expectedExit}`, result);
  return result.stdout;
}

function stopSandbox() {
  if (sandboxPid === undefined) return;
  const pid = sandboxPid;
  sandboxPid = undefined;
  spawnSync(join(prefix, 'bin', 'immuta'), ['sandbox', 'stop', '--data-dir', dataDir], {
    env: { PATH: process.env.PATH, HOME: home },
    stdio: 'ignore',
    timeout: 30_000,
  });
  try {
    // Still there (stop failed)? Kill it, but only if the pid is still our sandbox.
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('sandbox')) process.kill(pid, 'SIGKILL');
  } catch {
    // Gone: the normal case.
  }
}

function cleanup() {
  stopSandbox();
  rmSync(work, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    cleanup();
    process.exit(130);
  });
}

const total = performance.now();
try {
  if (!existsSync(join(root, 'dist', 'lib', 'cli', 'run.js')) || !existsSync(join(root, 'oclif.manifest.json')))
    phase('build', () =>
      execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' }),
    );

  const tarball = phase('npm pack', () => {
    const out = execFileSync(npm, ['pack', '--json', '--pack-destination', work, '--loglevel=error'], {
      cwd: root,
      encoding: 'utf8',
    });
    const [info] = JSON.parse(out);
    console.log(`packed ${info.filename}: ${info.entryCount} files, ${(info.size / 1024).toFixed(0)} KiB`);
    return join(work, info.filename);
  });

  phase('npm install -g --prefix', () =>
    execFileSync(
      npm,
      ['install', '-g', '--prefix', prefix, tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
      { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] },
    ),
  );

  phase('immuta --version', () => {
    const version = immuta(['--version']);
    if (!version.startsWith(`${pkg.name}/${pkg.version} `)) fail(`--version printed "${version.trim()}"`);
    console.log(`installed binary: ${version.trim()}`);
  });

  const info = phase('immuta sandbox start', () => {
    const args = ['sandbox', 'start', '--detach', '--data-dir', dataDir, '--port', '0', '--s3-port', '0', '--json'];
    const started = JSON.parse(immuta(args));
    sandboxPid = started.pid;
    return started;
  });

  phase('create:s3:accessKey (documented example)', () => {
    const example = join(prefix, 'lib', 'node_modules', pkg.name, 'examples', 'sandbox-access-key.json');
    const created = JSON.parse(
      immuta(['-p', 'sandbox', 'audit', 'exportConfig', 'create:s3:accessKey', example, '--json']),
    );
    if (created.connectionStatus !== 'SUCCESS') fail(`connectionStatus is ${created.connectionStatus}`);
    const listed = JSON.parse(immuta(['-p', 'sandbox', 'audit', 'exportConfig', 'list', '--json']));
    if (!listed.some((c) => c.id === created.id)) fail(`list does not show ${created.id}`);
    console.log(`created ${created.id} on ${info.tenantUrl}: ${created.connectionStatus}`);
  });

  phase('immuta sandbox stop', stopSandbox);
} finally {
  phase('clean-up (prefix, tarball, sandbox data)', cleanup);
}
timings.push(['total', performance.now() - total]);
for (const [name, ms] of timings) console.log(`  ${name.padEnd(42)} ${(ms / 1000).toFixed(1)} s`);
console.log('pack-test: the packed package installs and works.');
