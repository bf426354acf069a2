import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin', 'run.js');

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Written to the child's stdin, then stdin is closed. Without it stdin is closed at once. */
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/**
 * The environment a test run of the CLI gets: the test process's, minus what would make results
 * depend on the machine (IMMUTA_*, AWS_*, DEBUG, colour, NODE_EXTRA_CA_CERTS), with NO_COLOR=1,
 * then `overrides` (`undefined` removes a variable). Shared by runCli and runCommand.
 */
export function childEnvironment(overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (
      key.startsWith('IMMUTA_') ||
      key === 'NODE_EXTRA_CA_CERTS' ||
      key === 'DEBUG' ||
      key.startsWith('AWS_') ||
      key === 'FORCE_COLOR'
    )
      continue;
    env[key] = value;
  }
  env.NO_COLOR = '1';
  // An override of `undefined` removes the variable.
  return Object.fromEntries(
    Object.entries({ ...env, ...overrides }).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/**
 * Runs the real built CLI (bin/run.js) as a subprocess, the way a user or CI script does.
 * The environment is minimal and deterministic: no colour, no CI-inherited IMMUTA_* settings,
 * NODE_EXTRA_CA_CERTS removed (it only slows start-up), HOME as given (use tempHome()).
 */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const childEnv = childEnvironment(options.env);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: childEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`immuta ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ stdout, stderr, exitCode: code ?? (signal ? 128 : -1) });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** A throw-away HOME so tests never read or write the developer's ~/.immutacfg.yaml. */
export function tempHome(): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'immuta-test-home-'));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}
