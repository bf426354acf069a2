/**
 * A write to stdout that fails: the reader gone (`immuta ... | head`: EPIPE) ends the run at once
 * and quietly; anything else (a full disk) is one error line and exit 2. A real process, with a
 * listener that rethrows what is not EPIPE as oclif's does, after ours.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/run-cli.js';

function child(stdout: 'pipe' | number) {
  const module = join(ROOT, 'src', 'lib', 'cli', 'stdout-errors.ts');
  const script = [
    `const { handleStdoutErrors } = await import(${JSON.stringify(module)}); handleStdoutErrors();`,
    // What oclif registers when a command loads: EPIPE ignored, anything else thrown.
    "process.stdout.on('error', (error) => { if (error.code !== 'EPIPE') throw error; });",
    // A command printing a big answer, a chunk per turn of the event loop.
    "const chunk = 'x'.repeat(1 << 16) + '\\n'; let n = 0;",
    'const write = () => { process.stdout.write(chunk); if (++n < 20000) setImmediate(write); else process.exit(7); };',
    'write();',
  ].join('\n');
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env,
    stdio: ['ignore', stdout, 'pipe'],
  });
}

const finished = (process: ReturnType<typeof child>) =>
  new Promise<{ code: number | null; stderr: string; ms: number }>((resolve, reject) => {
    const started = Date.now();
    let stderr = '';
    process.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
    process.on('error', reject);
    process.on('close', (code) => resolve({ code, stderr, ms: Date.now() - started }));
  });

describe('stdout that cannot be written', () => {
  it('the reader gone (EPIPE): the process stops at once, exit 0, nothing on stderr', async () => {
    const process = child('pipe');
    const done = finished(process);
    process.stdout?.once('data', () => process.stdout?.destroy()); // `| head -c 1`
    const result = await done;
    expect(result.code).toBe(0); // not 7: it did not write its 20,000 chunks
    expect(result.stderr).toBe('');
  }, 30_000);

  it.skipIf(!existsSync('/dev/full'))(
    'a full disk (ENOSPC): one error line and exit 2, no stack',
    async () => {
      const full = openSync('/dev/full', 'w');
      try {
        const result = await finished(child(full));
        expect(result.code).toBe(2);
        expect(result.stderr).toBe(
          'Error: standard output cannot be written: ENOSPC: no space left on device, write\n' +
            '  Fix: Make room where the output goes (or send it elsewhere) and run the command again: the output is incomplete.\n',
        );
      } finally {
        closeSync(full);
      }
    },
    30_000,
  );
});
