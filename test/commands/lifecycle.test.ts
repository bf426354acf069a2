/**
 * get / test / enable / disable / delete / tasks in-process through the command harness (test/helpers/run-command.ts) against the fake tenant:
 * human and --json output, the documented exit codes, and what reached the tenant.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import { type FakeTenant, sampleConfiguration, sampleTask } from '../helpers/fake-tenant.js';
import type { CliResult } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';
import { type TempHome, tenantAndHomeForFile } from '../helpers/tenant-and-home.js';

const KEY = 'lifecycle-test-key-0123456789';
const ID = 'cfg-1111';
const DENIED =
  'Error testing access to S3 using AssumedRole arn:aws:iam::123456789012:role/audit - User: arn:aws:iam::999999999999:root is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/audit';

let tenant: FakeTenant;
let home: TempHome;

tenantAndHomeForFile(KEY, (started, made) => {
  tenant = started;
  home = made;
});
beforeEach(() => tenant.reset());

function immuta(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCommand(['audit', 'exportConfig', ...args, '--host', tenant.url], {
    env: { HOME: home.home, IMMUTA_API_KEY: KEY, IMMUTA_RETRY_BASE_MS: '1', ...env },
  });
}

const json = (result: CliResult): unknown => JSON.parse(result.stdout);

/** Nothing secret leaks, and --json prints one document on stdout and nothing on stderr. */
function expectClean(result: CliResult, jsonMode: boolean): void {
  expect(result.stdout + result.stderr).not.toContain(KEY);
  if (jsonMode) {
    expect(() => JSON.parse(result.stdout)).not.toThrow();
    expect(result.stderr).toBe('');
  }
  expect(result.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
}

const list = (...configs: Array<Record<string, unknown>>) => ({ data: configs });
const other = sampleConfiguration({ id: 'cfg-2222', connectionStatus: 'SUCCESS' });

describe('get ID', () => {
  it('shows the configuration with the whole connection status, exit 0 even when not SUCCESS', async () => {
    tenant.replyAlways('getAllExportConfigurations', list(other, sampleConfiguration({ connectionStatus: DENIED })));
    const result = await immuta(['get', ID]);
    expectClean(result, false);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/id\s+cfg-1111/);
    expect(result.stdout).toMatch(/bucket\s+audit-bucket/);
    expect(result.stdout).toContain(DENIED);
    expect(result.stdout).not.toContain('cfg-2222');
    expect(tenant.requests[0]?.headers.authorization).toBe(KEY);
  });

  it('--json: the configuration object as the tenant answered it', async () => {
    const config = sampleConfiguration({ connectionStatus: DENIED });
    tenant.replyAlways('getAllExportConfigurations', list(other, config));
    const result = await immuta(['get', ID, '--json']);
    expectClean(result, true);
    expect(result.exitCode).toBe(0);
    expect(json(result)).toEqual(config);
  });

  it('an unknown id: NOT_FOUND, exit 2, pointing at list', async () => {
    tenant.replyAlways('getAllExportConfigurations', list(other));
    const human = await immuta(['get', 'nope']);
    expect(human.exitCode).toBe(2);
    expect(human.stderr).toContain('no export configuration with id "nope"');
    expect(human.stderr).toContain('immuta audit exportConfig list');
    const machine = await immuta(['get', 'nope', '--json']);
    expect(machine.exitCode).toBe(2);
    expect(json(machine)).toMatchObject({ error: { code: 'NOT_FOUND', exitCode: 2 } });
  });

  it('a rejected key: exit 4', async () => {
    const result = await immuta(['get', ID, '--json'], { IMMUTA_API_KEY: 'wrong-key-0123456789' });
    expect(result.exitCode).toBe(4);
    expect(json(result)).toMatchObject({ error: { code: 'TENANT_UNAUTHORIZED', exitCode: 4 } });
    expect(result.stdout).not.toContain('wrong-key-0123456789');
  });

  it('a missing ID argument: exit 2, nothing sent', async () => {
    const result = await immuta(['get']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('missing required argument ID (');
    expect(tenant.requests).toHaveLength(0);
  });
});

describe('test ID', () => {
  it('SUCCESS: exit 0; JSON { configuration, connected, attempts, waitedMs }', async () => {
    tenant.replyAlways('getAllExportConfigurations', list(sampleConfiguration()));
    const human = await immuta(['test', ID]);
    expectClean(human, false);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toMatch(/connection\s+SUCCESS/);
    const machine = await immuta(['test', ID, '--json']);
    expectClean(machine, true);
    expect(machine.exitCode).toBe(0);
    const doc = json(machine) as Record<string, unknown>;
    expect(doc).toMatchObject({ configuration: sampleConfiguration(), connected: true, attempts: 1 });
    expect(typeof doc.waitedMs).toBe('number');
    expect(Object.keys(doc).sort()).toEqual(['attempts', 'configuration', 'connected', 'waitedMs']);
  });

  it('not SUCCESS: exit 3 with the status text and the next step', async () => {
    tenant.replyAlways('getAllExportConfigurations', list(sampleConfiguration({ connectionStatus: DENIED })));
    const human = await immuta(['test', ID]);
    expectClean(human, false);
    expect(human.exitCode).toBe(3);
    expect(human.stderr).toContain(`Not connected: ${DENIED}`);
    expect(human.stderr).toContain(`sts:ExternalId = "${ID}"`);
    const machine = await immuta(['test', ID, '--json']);
    expectClean(machine, true);
    expect(machine.exitCode).toBe(3);
    expect(json(machine)).toMatchObject({ connected: false, attempts: 1, configuration: { connectionStatus: DENIED } });
    expect(tenant.requests).toHaveLength(2);
  });

  it('--wait: reads until the status flips to SUCCESS, exit 0, one stderr line per status change', async () => {
    const denied = list(sampleConfiguration({ connectionStatus: DENIED }));
    tenant.reply('getAllExportConfigurations', denied, denied, denied);
    tenant.replyAlways('getAllExportConfigurations', list(sampleConfiguration()));
    const result = await immuta(['test', ID, '--wait', '--interval', '20ms', '--timeout', '1m']);
    expectClean(result, false);
    expect(result.exitCode).toBe(0);
    expect(tenant.requestsFor('getAllExportConfigurations')).toHaveLength(4);
    const statusLines = result.stderr.split('\n').filter((line) => /read \d+:/.test(line));
    expect(statusLines).toHaveLength(2);
    expect(statusLines[0]).toContain(`read 1: ${DENIED}`);
    expect(statusLines[1]).toContain('read 4: SUCCESS');
  });

  it('--wait --json: attempts counts the reads', async () => {
    const denied = list(sampleConfiguration({ connectionStatus: DENIED }));
    tenant.reply('getAllExportConfigurations', denied, denied);
    tenant.replyAlways('getAllExportConfigurations', list(sampleConfiguration()));
    const result = await immuta(['test', ID, '--wait', '--interval=20ms', '--timeout=1m', '--json']);
    expectClean(result, true);
    expect(result.exitCode).toBe(0);
    expect(json(result)).toMatchObject({ connected: true, attempts: 3 });
  });

  it('--wait that times out: exit 3, connected false', async () => {
    tenant.replyAlways('getAllExportConfigurations', list(sampleConfiguration({ connectionStatus: DENIED })));
    const result = await immuta(['test', ID, '--wait', '--interval', '20ms', '--timeout', '300ms', '--json']);
    expectClean(result, true);
    expect(result.exitCode).toBe(3);
    const doc = json(result) as { connected: boolean; attempts: number; waitedMs: number };
    expect(doc.connected).toBe(false);
    // How many reads fit in 300 ms depends on the machine; that the loop ran to the deadline and
    // counted its reads does not.
    expect(doc.waitedMs).toBeGreaterThanOrEqual(300);
    expect(doc.attempts).toBe(tenant.requestsFor('getAllExportConfigurations').length);
    const human = await immuta(['test', ID, '--wait', '--interval', '20ms', '--timeout', '200ms']);
    expect(human.exitCode).toBe(3);
    expect(human.stderr).toMatch(/Not connected after waiting .+ \(\d+ reads?\)/);
  });

  it('a bad duration: exit 2, nothing sent', async () => {
    const result = await immuta(['test', ID, '--wait', '--timeout', 'soon']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--timeout "soon" is not a duration');
    expect(tenant.requests).toHaveLength(0);
  });

  it('a bad --timeout without --wait: the bad value is what is reported', async () => {
    const result = await immuta(['test', ID, '--timeout', '10x']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('10x');
    expect(result.stderr).not.toContain('only applies with --wait');
    expect(tenant.requests).toHaveLength(0);
  });

  it('--timeout without --wait: exit 2, nothing sent', async () => {
    const result = await immuta(['test', ID, '--timeout', '5m']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--timeout only applies with --wait');
    expect(tenant.requests).toHaveLength(0);
  });

  it('an unknown id: exit 2', async () => {
    tenant.replyAlways('getAllExportConfigurations', list(other));
    expect((await immuta(['test', 'nope', '--wait', '--timeout', '1s'])).exitCode).toBe(2);
  });
});

describe('enable ID / disable ID', () => {
  it('enable: sends enableExportConfiguration with the id as a variable and prints the new state', async () => {
    tenant.replyAlways('enableExportConfiguration', { data: sampleConfiguration({ enabled: true }) });
    const result = await immuta(['enable', ID]);
    expectClean(result, false);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Enabled export configuration ${ID}.`);
    expect(result.stdout).toMatch(/enabled\s+yes/);
    const [request] = tenant.requestsFor('enableExportConfiguration');
    expect(request?.input).toEqual({ id: ID });
  });

  it('disable --json: the configuration as answered', async () => {
    const answered = sampleConfiguration({ enabled: false });
    tenant.replyAlways('disableExportConfiguration', { data: answered });
    const result = await immuta(['disable', ID, '--json']);
    expectClean(result, true);
    expect(result.exitCode).toBe(0);
    expect(json(result)).toEqual(answered);
    expect(tenant.requestsFor('disableExportConfiguration')[0]?.input).toEqual({ id: ID });
  });

  it('disable (human): says exports stop and how to resume', async () => {
    tenant.replyAlways('disableExportConfiguration', { data: sampleConfiguration({ enabled: false }) });
    const result = await immuta(['disable', ID]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/enabled\s+no/);
    expect(result.stderr).toContain(`immuta audit exportConfig enable ${ID}`);
  });

  it('enable of a configuration that is not connected: exit 0 with a warning', async () => {
    tenant.replyAlways('enableExportConfiguration', { data: sampleConfiguration({ connectionStatus: DENIED }) });
    const result = await immuta(['enable', ID]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('not SUCCESS');
  });

  it('a 503 on a mutation: exit 5 after exactly one request', async () => {
    tenant.replyAlways('enableExportConfiguration', { status: 503, body: { errors: [{ message: 'unavailable' }] } });
    const result = await immuta(['enable', ID, '--json']);
    expect(result.exitCode).toBe(5);
    expect(json(result)).toMatchObject({ error: { code: 'TENANT_SERVER_ERROR', exitCode: 5 } });
    expect(tenant.requestsFor('enableExportConfiguration')).toHaveLength(1);
  });

  it('an unknown id: exit 2 "not found" with the nearest ids, not a tenant error', async () => {
    tenant.replyAlways('disableExportConfiguration', { errors: ['Export configuration cfg-111 not found'] });
    tenant.replyAlways('getAllExportConfigurations', list(other, sampleConfiguration()));
    const result = await immuta(['disable', 'cfg-111']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('no export configuration with id "cfg-111" (did you mean cfg-1111');
    expect(result.stderr).not.toContain('--dry-run');
  });

  it('a GraphQL error on an id the tenant has: still exit 5 with the message', async () => {
    tenant.replyAlways('disableExportConfiguration', { errors: ['internal problem'] });
    tenant.replyAlways('getAllExportConfigurations', list(sampleConfiguration()));
    const result = await immuta(['disable', ID]);
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain('internal problem');
  });
});

describe('delete ID', () => {
  it('without --yes in a non-interactive session: exit 2 and nothing sent', async () => {
    const human = await immuta(['delete', ID]);
    expect(human.exitCode).toBe(2);
    expect(human.stderr).toContain('refusing to delete without --yes: this session cannot ask for confirmation (');
    const machine = await immuta(['delete', ID, '--json']);
    expect(machine.exitCode).toBe(2);
    expect(json(machine)).toMatchObject({ error: { code: 'CONFIRMATION_REQUIRED', exitCode: 2 } });
    expect(tenant.requests).toHaveLength(0);
  });

  it('without --yes and without any tenant settings: still exit 2 for the missing --yes', async () => {
    const result = await runCommand(['audit', 'exportConfig', 'delete', ID], { env: { HOME: home.home } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--yes');
  });

  it('--yes: sends deleteExportConfiguration once; human output', async () => {
    tenant.replyAlways('deleteExportConfiguration', { data: { id: ID } });
    const result = await immuta(['delete', ID, '--yes']);
    expectClean(result, false);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Deleted export configuration ${ID}.`);
    expect(tenant.requests.map((r) => r.operation)).toEqual(['deleteExportConfiguration']);
    expect(tenant.requests[0]?.input).toEqual({ id: ID });
  });

  it('-y --json: { deleted: true, id }', async () => {
    tenant.replyAlways('deleteExportConfiguration', { data: { id: ID } });
    const result = await immuta(['delete', ID, '-y', '--json']);
    expectClean(result, true);
    expect(result.exitCode).toBe(0);
    expect(json(result)).toEqual({ deleted: true, id: ID });
  });

  it('a 503: exit 5 after exactly one request', async () => {
    tenant.replyAlways('deleteExportConfiguration', {
      status: 503,
      body: 'busy',
      headers: { 'content-type': 'text/plain' },
    });
    const result = await immuta(['delete', ID, '--yes']);
    expect(result.exitCode).toBe(5);
    expect(tenant.requests).toHaveLength(1);
  });
});

describe('test ID: a connectionStatus with newlines', () => {
  it('stays on its lines (shown as \\n): it cannot print a forged "connection  SUCCESS" row or Next: line', async () => {
    const forged = 'Access Denied\nconnection  SUCCESS\nNext: run rm -rf';
    tenant.replyAlways('getAllExportConfigurations', list(sampleConfiguration({ connectionStatus: forged })));
    const result = await immuta(['test', ID, '--wait', '--timeout', '1ms']);
    expect(result.exitCode).toBe(3);
    const output = result.stdout + result.stderr;
    expect(output).not.toMatch(/^connection {2}SUCCESS/m);
    expect(output).not.toMatch(/^Next: run rm/m);
    expect(output).toContain('Access Denied\\nconnection  SUCCESS');
  });

  it('the ADLS hint quotes the status on its line too', async () => {
    const adls = sampleConfiguration({
      connectionStatus: 'something new\nNext: forged',
      endpointConfiguration: {
        __typename: 'AdlsSasTokenEndpointConfiguration',
        storageAccount: 'acct',
        fileSystem: 'fs',
        path: 'p',
      },
    });
    tenant.replyAlways('getAllExportConfigurations', list(adls));
    const result = await immuta(['test', ID]);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).not.toMatch(/^Next: forged/m);
  });
});

describe('tasks JOB_ID', () => {
  const failed = sampleTask({
    id: 'task-2',
    status: 'FAILURE',
    attempts: 3,
    failureReason: 'Access Denied writing s3://audit-bucket/immuta',
  });

  it('all tasks fine: tab-separated rows when piped, exit 0, job id sent as a variable', async () => {
    tenant.replyAlways('getAllExportJobTasks', {
      data: [sampleTask(), sampleTask({ id: 'task-3', status: 'RUNNING', endTimestamp: null })],
    });
    const result = await immuta(['tasks', 'job-9']);
    expectClean(result, false);
    expect(result.exitCode).toBe(0);
    const rows = result.stdout.trim().split('\n');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.split('\t').slice(0, 3)).toEqual(['task-1', 'SUCCESS', '1']);
    expect(rows[1]?.split('\t').slice(0, 2)).toEqual(['task-3', 'RUNNING']);
    expect(tenant.requests[0]?.input).toEqual({ exportJobId: 'job-9' });
  });

  it('a FAILURE task: exit 3, the failure reason shown', async () => {
    tenant.replyAlways('getAllExportJobTasks', { data: [sampleTask(), failed] });
    const result = await immuta(['tasks', 'job-9']);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('Access Denied writing s3://audit-bucket/immuta');
    expect(result.stderr).toContain('1 of 2 tasks failed');
  });

  it('--json: the array, exit 3 when a task failed', async () => {
    tenant.replyAlways('getAllExportJobTasks', { data: [sampleTask(), failed] });
    const result = await immuta(['tasks', 'job-9', '--json']);
    expectClean(result, true);
    expect(result.exitCode).toBe(3);
    expect(json(result)).toEqual([sampleTask(), failed]);
  });

  it("a tenant's failure reason with tabs, newlines and ESC stays one row of 8 columns when piped, escaped", async () => {
    const hostile = sampleTask({
      id: 'task-\u001b[2J',
      status: 'FAILURE',
      failureReason: 'denied\tcol\nforged-task\tSUCCESS\r\u001b[31mred\u009b1m',
    });
    tenant.replyAlways('getAllExportJobTasks', { data: [sampleTask(), hostile] });
    const result = await immuta(['tasks', 'job-9']);
    expect(result.exitCode).toBe(3);
    const rows = result.stdout.trimEnd().split('\n');
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.split('\t')).toHaveLength(8);
    for (const raw of ['\u001b', '\u009b', '\r']) expect(result.stdout + result.stderr).not.toContain(raw);
  });

  it('the hint after a failed task keeps -p PROFILE', async () => {
    const configFile = `${home.home}/profiles.yaml`;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(configFile, `prod:\n  host: ${tenant.url}\n  api_key: ${KEY}\n`);
    tenant.replyAlways('getAllExportJobTasks', { data: [failed] });
    const result = await runCommand(['-p', 'prod', 'audit', 'exportConfig', 'tasks', 'job-9'], {
      env: { HOME: home.home, IMMUTA_CONFIG: configFile, IMMUTA_RETRY_BASE_MS: '1' },
    });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('`immuta -p prod audit exportConfig test ID`');
  });

  it('no tasks: exit 0, a note on stderr, nothing on stdout', async () => {
    tenant.replyAlways('getAllExportJobTasks', { data: [] });
    const result = await immuta(['tasks', 'job-0']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no tasks');
    const machine = await immuta(['tasks', 'job-0', '--json']);
    expect(json(machine)).toEqual([]);
  });
});

describe('Ctrl-C', () => {
  /** A tenant that takes requests and never answers; `arrived` settles at the first one. */
  async function silentTenant() {
    const sockets = new Set<Socket>();
    let arrive: () => void = () => undefined;
    const arrived = new Promise<void>((resolve) => (arrive = resolve));
    const server = createServer(() => arrive());
    server.on('connection', (socket: Socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const stop = async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    };
    return { url, arrived, stop };
  }

  it.each([
    ['--json', ['--json'], {}],
    ['IMMUTA_CONTENT_TYPE=json', [], { IMMUTA_CONTENT_TYPE: 'json' }],
  ])('%s: exit 130 with the INTERRUPTED error document on stdout', async (_name, flags, extraEnv) => {
    const silent = await silentTenant();
    try {
      const result = await runCommand(['audit', 'exportConfig', 'list', ...flags, '--host', silent.url], {
        env: { HOME: home.home, IMMUTA_API_KEY: KEY, ...extraEnv },
        interrupt: silent.arrived,
      });
      expect(result.exitCode).toBe(130);
      expect(json(result)).toEqual({
        error: expect.objectContaining({ code: 'INTERRUPTED', exitCode: 130, message: 'interrupted (Ctrl-C)' }),
      });
    } finally {
      await silent.stop();
    }
  });

  it('without --json: exit 130, "Interrupted." on stderr and nothing on stdout', async () => {
    const silent = await silentTenant();
    try {
      const result = await runCommand(['audit', 'exportConfig', 'list', '--host', silent.url], {
        env: { HOME: home.home, IMMUTA_API_KEY: KEY },
        interrupt: silent.arrived,
      });
      expect(result.exitCode).toBe(130);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('Interrupted.');
    } finally {
      await silent.stop();
    }
  });
});

describe('hints name the profile the command ran with', () => {
  it('delete without --yes: the fix carries -p PROFILE (flag or IMMUTA_PROFILE)', async () => {
    for (const [args, env] of [
      [['-p', 'prod'], {}],
      [[], { IMMUTA_PROFILE: 'prod' }],
    ] as const) {
      const result = await immuta(['delete', ID, ...args], { ...env });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`\`immuta -p prod audit exportConfig delete ${ID} --yes\``);
    }
    const plain = await immuta(['delete', ID]);
    expect(plain.stderr).toContain(`\`immuta audit exportConfig delete ${ID} --yes\``);
  });

  it('disable -p prod: "resume with" carries -p prod', async () => {
    tenant.replyAlways('getAllExportConfigurations', list(sampleConfiguration()));
    tenant.reply('disableExportConfiguration', { data: sampleConfiguration({ enabled: false }) });
    const result = await immuta(['disable', ID, '-p', 'prod']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`resume with \`immuta -p prod audit exportConfig enable ${ID}\``);
  });

  it('an empty profile name (-p ""): exit 2, nothing sent', async () => {
    for (const value of ['', ' ']) {
      const result = await immuta(['list', '--json', '-p', value]);
      expect(result.exitCode).toBe(2);
      expect(json(result)).toEqual({
        error: expect.objectContaining({
          code: 'USAGE',
          exitCode: 2,
          message: 'the profile name given with -p is empty',
        }),
      });
    }
    expect(tenant.requests).toEqual([]);
  });
});
