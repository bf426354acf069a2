/**
 * Output cut at 64 KiB on a pipe (issue 11, item 11): a real process writes 2 MB to stdout and to
 * stderr, both pipes, then calls process.exit() at once, as oclif's error handler does. Every byte
 * must arrive.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/run-cli.js';

function run(blocking: boolean): Promise<{ stdout: number; stderr: number; code: number | null }> {
  const module = join(ROOT, 'src', 'lib', 'cli', 'blocking-stdio.ts');
  const script = [
    blocking ? `const { makeStdioBlocking } = await import(${JSON.stringify(module)}); makeStdioBlocking();` : '',
    "process.stdout.write('o'.repeat(2_000_000));",
    "process.stderr.write('e'.repeat(2_000_000));",
    'process.exit(5);',
  ].join('\n');
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = 0;
    let stderr = 0;
    // A slow reader: the pipe fills up before the child reaches process.exit().
    child.stdout.pause();
    setTimeout(() => child.stdout.resume(), 200);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.length));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.length));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

describe('stdout and stderr on pipes', () => {
  it('without blocking writes, process.exit() loses what is queued (the failure this guards against)', async () => {
    const result = await run(false);
    expect(result.code).toBe(5);
    expect(result.stdout + result.stderr).toBeLessThan(4_000_000);
  }, 30_000);

  it('with makeStdioBlocking(), every byte of 2 MB + 2 MB arrives before the exit', async () => {
    expect(await run(true)).toEqual({ stdout: 2_000_000, stderr: 2_000_000, code: 5 });
  }, 30_000);
});
