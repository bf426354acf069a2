/**
 * The interactive paths, on a real pseudo-terminal (util-linux `script`), in-process through the command harness (test/helpers/run-command.ts):
 * `delete` asks and obeys the answer, Ctrl-C at a prompt is exit 130, `configure` prompts for the
 * host and a masked key. Skipped where util-linux `script` is missing (e.g. macOS).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { type FakeTenant, sampleConfiguration } from '../helpers/fake-tenant.js';
import { BIN } from '../helpers/run-cli.js';
import { type TempHome, tenantAndHomeForFile } from '../helpers/tenant-and-home.js';

const KEY = 'interactive-key-0123456789abcd';

function hasUtilLinuxScript(): boolean {
  try {
    return execFileSync('script', ['--version'], { encoding: 'utf8' }).includes('util-linux');
  } catch {
    return false;
  }
}

interface Step {
  /** Wait until the terminal shows this... */
  when: string;
  /** ...then type this. */
  send: string;
}

/** Runs the CLI on a pseudo-terminal, typing each step's keys once its text has appeared. */
function runOnTty(
  args: string[],
  env: Record<string, string>,
  steps: Step[],
): Promise<{ output: string; exitCode: number }> {
  const quoted = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  // A pseudo-terminal made by `script` without a terminal around it is 0 columns wide: give it a size.
  const command = `stty cols 120 rows 40 && exec ${quoted}`;
  const child = spawn('script', ['-qefc', command, '/dev/null'], {
    env: { PATH: process.env.PATH ?? '', TERM: 'xterm', NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let next = 0;
  let searchFrom = 0;
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    const step = steps[next];
    if (step) {
      const at = output.indexOf(step.when, searchFrom);
      if (at >= 0) {
        searchFrom = at + step.when.length;
        next++;
        child.stdin.write(step.send);
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out; output so far:\n${output}`));
    }, 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ output, exitCode: code ?? -1 });
    });
  });
}

const tty = hasUtilLinuxScript();
let tenant: FakeTenant;
let home: TempHome;

tenantAndHomeForFile(KEY, (started, made) => {
  tenant = started;
  home = made;
});
beforeEach(() => {
  tenant.reset();
  tenant.replyAlways('getAllExportConfigurations', { data: [sampleConfiguration()] });
  tenant.replyAlways('deleteExportConfiguration', { data: { id: 'cfg-1111' } });
});

describe.skipIf(!tty)('on a terminal', () => {
  const env = () => ({ HOME: home.home, IMMUTA_API_KEY: KEY });
  const deleteArgs = () => ['audit', 'exportConfig', 'delete', 'cfg-1111', '--host', tenant.url];

  it('delete asks, showing the destination; "y" deletes', async () => {
    const result = await runOnTty(deleteArgs(), env(), [{ when: '(y/N)', send: 'y\r' }]);
    expect(result.output).toContain('Delete export configuration cfg-1111 (s3://audit-bucket/immuta');
    expect(result.output).toContain('Deleted export configuration cfg-1111.');
    expect(result.exitCode).toBe(0);
    expect(tenant.requests.map((r) => r.operation)).toEqual([
      'getAllExportConfigurations',
      'deleteExportConfiguration',
    ]);
  });

  it('delete: "n" (or Enter, the default) deletes nothing, exit 2', async () => {
    const no = await runOnTty(deleteArgs(), env(), [{ when: '(y/N)', send: 'n\r' }]);
    expect(no.exitCode).toBe(2);
    expect(no.output).toContain('nothing was deleted');
    const enter = await runOnTty(deleteArgs(), env(), [{ when: '(y/N)', send: '\r' }]);
    expect(enter.exitCode).toBe(2);
    expect(tenant.requestsFor('deleteExportConfiguration')).toHaveLength(0);
  });

  it('delete: Ctrl-C at the prompt is exit 130, nothing deleted', async () => {
    const result = await runOnTty(deleteArgs(), env(), [{ when: '(y/N)', send: '\u0003' }]);
    expect(result.exitCode).toBe(130);
    expect(tenant.requestsFor('deleteExportConfiguration')).toHaveLength(0);
  });

  it('configure prompts for the host and a masked key, verifies and saves', async () => {
    const result = await runOnTty(['configure', '-p', 'tty'], { HOME: home.home }, [
      { when: 'Immuta tenant URL', send: `${tenant.url}\r` },
      { when: 'API key', send: `${KEY}\r` },
    ]);
    expect(result.output).not.toContain(KEY);
    expect(result.output).toContain('Saved profile "tty"');
    expect(result.exitCode).toBe(0);
    expect(readFileSync(join(home.home, '.immutacfg.yaml'), 'utf8')).toContain(`api_key: ${KEY}`);
    expect(tenant.requests[0]?.headers.authorization).toBe(KEY);
  });
});
