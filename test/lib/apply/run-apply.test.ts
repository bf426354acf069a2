/**
 * runApply in-process: files on disk, fakeIO, and a real tenant (the sandbox started in-process,
 * whose connection tests write to its embedded S3) or the scripted fake tenant for failures.
 * Every request is recorded, so "no mutation sent" is observed, not inferred.
 */
import { type Transport, nodeTransport } from '../../../src/lib/tenant/transport.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApplyOptions, type ApplyResult, runApply } from '../../../src/lib/apply/run-apply.js';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src/lib/sandbox/constants.js';
import { TenantClient } from '../../../src/lib/tenant/client.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { type FakeIO, type FakeIOOptions, fakeIO } from '../../helpers/fake-io.js';
import { FakeTenant, sampleConfiguration } from '../../helpers/fake-tenant.js';
import { startInProcessSandbox } from '../../helpers/sandbox.js';

let sandbox: Awaited<ReturnType<typeof startInProcessSandbox>>;
let dir: string;

beforeAll(async () => {
  sandbox = await startInProcessSandbox();
});
afterAll(async () => {
  await sandbox?.cleanup();
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'immuta-apply-test-'));
  // Each test starts from an empty tenant.
  for (const config of await sandbox.service.listConfigurations()) await sandbox.service.delete(config.id);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sandboxFile = (path: string, overrides: Record<string, unknown> = {}) => ({
  interval: 'EVERY_2_HOURS',
  bucket: 'immuta-audit-sandbox',
  path,
  region: 'us-east-1',
  accessKeyId: SANDBOX_ACCESS_KEY_ID,
  secretAccessKey: { fromEnv: 'SANDBOX_SECRET' },
  ...overrides,
});

function write(name: string, content: unknown): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}

interface Recorded {
  io: FakeIO;
  /** The root operation of every GraphQL request sent, e.g. `mutation createS3AccessKeyExportConfiguration`. */
  sent: string[];
}

/** A fakeIO whose tenant client records every request it sends. */
function recordingIO(host: string, apiKey: string, options: FakeIOOptions = {}): Recorded {
  const io = fakeIO({ ...options, env: { SANDBOX_SECRET: SANDBOX_SECRET_ACCESS_KEY, ...options.env } });
  const sent: string[] = [];
  const recording: Transport = async (request) => {
    const body = JSON.parse(String(request.body)) as { query: string };
    const match = /^\s*(query|mutation)\b[^{]*\{\s*(\w+)/.exec(body.query);
    sent.push(match ? `${match[1]} ${match[2]}` : body.query);
    return nodeTransport(request);
  };
  const client = new TenantClient(
    { host, apiKey, profile: 'default', configFile: join(dir, 'none.yaml'), hostSource: 'flag', apiKeySource: 'env' },
    { transport: recording, readAttempts: 1, backoffMs: 1 },
  );
  io.tenant = () => Promise.resolve(client);
  return { io, sent };
}

const onSandbox = (options: FakeIOOptions = {}) =>
  recordingIO(sandbox.info.tenantUrl, sandbox.info.auditApiKey, options);

const apply = (io: FakeIO, paths: string[], options: Partial<ApplyOptions> = {}) =>
  runApply(
    { paths, dryRun: false, prune: false, yes: false, rotateSecrets: false, ...options },
    io,
  ) as Promise<ApplyResult>;

const mutations = (sent: string[]) => sent.filter((s) => s.startsWith('mutation'));

describe('apply against the sandbox', () => {
  it('creates, then a second run is all unchanged and sends no mutation', async () => {
    write('configs/a.json', sandboxFile('apply-a'));
    write('configs/b.json', sandboxFile('apply-b'));
    const first = onSandbox();
    const result = await apply(first.io, [join(dir, 'configs')]);
    expect(result).toMatchObject({ dryRun: false, applied: true, connected: true });
    expect(result.summary).toEqual({ create: 2, update: 0, unchanged: 0, delete: 0 });
    expect(result.actions.map((a) => [a.action, 'connectionStatus' in a ? a.connectionStatus : undefined])).toEqual([
      ['create', 'SUCCESS'],
      ['create', 'SUCCESS'],
    ]);
    expect(mutations(first.sent)).toEqual([
      'mutation createS3AccessKeyExportConfiguration',
      'mutation createS3AccessKeyExportConfiguration',
    ]);
    expect(first.io.exitCode).toBeUndefined();
    expect(first.io.stdout()).toContain('Plan: 2 to create, 0 to update, 0 unchanged.');

    const second = onSandbox();
    const again = await apply(second.io, [join(dir, 'configs')]);
    expect(again.summary).toEqual({ create: 0, update: 0, unchanged: 2, delete: 0 });
    expect(again).toMatchObject({ applied: false, connected: true });
    expect(second.sent).toEqual(['query getAllExportConfigurations']);
    expect(second.io.stderr()).toContain('Nothing to change');
    expect(second.io.exitCode).toBeUndefined();
  });

  it('updates only the configuration whose interval changed, with the changed field in the plan', async () => {
    const a = write('a.json', sandboxFile('upd-a'));
    const b = write('b.json', sandboxFile('upd-b'));
    await apply(onSandbox().io, [a, b]);
    write('b.json', sandboxFile('upd-b', { interval: 'EVERY_6_HOURS' }));
    const { io, sent } = onSandbox();
    const result = await apply(io, [a, b]);
    expect(result.summary).toEqual({ create: 0, update: 1, unchanged: 1, delete: 0 });
    expect(result.actions[1]).toMatchObject({
      action: 'update',
      changes: [{ field: 'interval', from: 'EVERY_2_HOURS', to: 'EVERY_6_HOURS' }],
      connectionStatus: 'SUCCESS',
    });
    expect(mutations(sent)).toEqual(['mutation updateS3AccessKeyExportConfiguration']);
    expect(io.stdout()).toMatch(/~ update .*b\.json\n\s+interval: EVERY_2_HOURS -> EVERY_6_HOURS/);
    const stored = await sandbox.service.listConfigurations();
    expect(stored.map((c) => c.interval).sort()).toEqual(['EVERY_2_HOURS', 'EVERY_6_HOURS']);
  });

  it('--rotate-secrets sends the credentials of an otherwise unchanged configuration', async () => {
    const a = write('a.json', sandboxFile('rotate'));
    await apply(onSandbox().io, [a]);
    const { io, sent } = onSandbox();
    const result = await apply(io, [a], { rotateSecrets: true });
    expect(result.actions[0]).toMatchObject({ action: 'update', changes: [], rotate: true });
    expect(mutations(sent)).toEqual(['mutation updateS3AccessKeyExportConfiguration']);
  });

  it('--dry-run prints the plan and sends nothing', async () => {
    const a = write('a.json', sandboxFile('dry'));
    const { io, sent } = onSandbox();
    const result = await apply(io, [a], { dryRun: true });
    expect(result).toMatchObject({ dryRun: true, applied: false, connected: null, summary: { create: 1 } });
    expect(sent).toEqual(['query getAllExportConfigurations']);
    expect(await sandbox.service.listConfigurations()).toHaveLength(0);
  });

  it('--prune --yes deletes the configuration no file describes', async () => {
    const keep = write('keep.json', sandboxFile('keep'));
    const gone = write('gone.json', sandboxFile('gone'));
    await apply(onSandbox().io, [keep, gone]);
    const { io, sent } = onSandbox();
    const result = await apply(io, [keep], { prune: true, yes: true });
    expect(result.summary).toEqual({ create: 0, update: 0, unchanged: 1, delete: 1 });
    expect(mutations(sent)).toEqual(['mutation deleteExportConfiguration']);
    const left = await sandbox.service.listConfigurations();
    expect(left.map((c) => c.path)).toEqual(['keep']);
  });

  it('--prune without --yes in a session that cannot ask: refused with the reason, nothing sent', async () => {
    const keep = write('keep.json', sandboxFile('keep'));
    const gone = write('gone.json', sandboxFile('gone'));
    write('new.json', sandboxFile('new'));
    await apply(onSandbox().io, [keep, gone]);
    const { io, sent } = onSandbox();
    const error = await failure(apply(io, [keep, join(dir, 'new.json')], { prune: true }));
    expect(error).toMatchObject({ code: 'CONFIRMATION_REQUIRED', exitCode: 2 });
    expect(error.message).toContain('this session cannot ask for confirmation (nothing was sent)');
    expect(error.fix).toContain('--yes');
    expect(mutations(sent)).toEqual([]);
    expect(io.stdout()).toContain('- delete');
  });

  it('--prune on a terminal asks; "no" sends nothing, "yes" applies', async () => {
    const keep = write('keep.json', sandboxFile('keep'));
    const gone = write('gone.json', sandboxFile('gone'));
    await apply(onSandbox().io, [keep, gone]);
    const declined = onSandbox({ tty: true, answers: [false] });
    expect(await failure(apply(declined.io, [keep], { prune: true }))).toMatchObject({ code: 'CANCELLED' });
    expect(declined.io.asked[0]).toMatch(/^Delete 1 export configuration\(s\) no file describes/);
    expect(mutations(declined.sent)).toEqual([]);
    const accepted = onSandbox({ tty: true, answers: [true] });
    await apply(accepted.io, [keep], { prune: true });
    expect(mutations(accepted.sent)).toEqual(['mutation deleteExportConfiguration']);
  });

  it('exit 3 and the cause when a connection is not SUCCESS', async () => {
    const bad = write('bad.json', sandboxFile('bad', { bucket: 'no-such-bucket-here' }));
    const { io } = onSandbox();
    const result = await apply(io, [bad]);
    expect(result.connected).toBe(false);
    expect(io.exitCode).toBe(3);
    expect(io.stderr()).toMatch(/is not connected: .*NoSuchBucket/);
  });

  it('stops on two files for one destination before anything is sent (exit 2)', async () => {
    const a = write('a.json', sandboxFile('same'));
    const b = write('b.json', sandboxFile('same/', { interval: 'EVERY_4_HOURS' }));
    const { io, sent } = onSandbox();
    const error = await failure(apply(io, [a, b]));
    expect(error).toMatchObject({ code: 'APPLY_CONFLICT', exitCode: 2 });
    expect(error.message).toContain(`${a} and ${b} describe the same destination`);
    expect(mutations(sent)).toEqual([]);
  });

  it('never prints a secret, also in JSON mode', async () => {
    const a = write('a.json', sandboxFile('secret', { secretAccessKey: SANDBOX_SECRET_ACCESS_KEY }));
    for (const json of [false, true]) {
      const { io } = onSandbox({ json });
      const result = await apply(io, [a], { rotateSecrets: true });
      const everything = io.stdout() + io.stderr() + JSON.stringify(result);
      expect(everything).not.toContain(SANDBOX_SECRET_ACCESS_KEY);
      if (json) expect(io.stdout()).toBe('');
    }
  });
});

describe('files', () => {
  it('tells the kind by the fields, or by "kind", and reports a file that names no kind', async () => {
    const noKind = write('no-kind.json', {
      interval: 'EVERY_2_HOURS',
      bucket: 'immuta-audit-sandbox',
      region: 'us-east-1',
    });
    const error = await failure(apply(onSandbox().io, [noKind]));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2 });
    expect(error.message).toContain('no field that tells which kind');
    const badKind = write('bad-kind.json', { kind: 's3', ...sandboxFile('k') });
    expect((await failure(apply(onSandbox().io, [badKind]))).message).toContain('"kind" must be one of');
    const declared = write('declared.json', { kind: 's3:accessKey', ...sandboxFile('declared') });
    const { io } = onSandbox();
    expect((await apply(io, [declared], { dryRun: true })).actions[0]).toMatchObject({ kind: 's3:accessKey' });
  });

  it('reports an invalid file with its location before reading the tenant', async () => {
    const broken = write('broken.json', sandboxFile('x', { interval: 'EVERY_3_HOURS' }));
    const { io, sent } = onSandbox();
    const error = await failure(apply(io, [broken]));
    expect(error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2 });
    expect(sent).toEqual([]);
  });

  it('reads a file named twice (./ or not) once', async () => {
    const a = write('a.json', sandboxFile('twice'));
    const result = await apply(onSandbox().io, [a, `${dir}/./a.json`, dir], { dryRun: true });
    expect(result.summary).toEqual({ create: 1, update: 0, unchanged: 0, delete: 0 });
  });

  it('asks for a {"fromStdin": true} secret with a masked prompt on a terminal', async () => {
    const one = write('one.json', sandboxFile('prompted', { secretAccessKey: { fromStdin: true } }));
    const { io } = onSandbox({ tty: true, answers: [SANDBOX_SECRET_ACCESS_KEY] });
    expect((await apply(io, [one])).actions[0]).toMatchObject({ connectionStatus: 'SUCCESS' });
    expect(io.asked).toEqual([`secretAccessKey (${one}):`]);
  });

  it('refuses a directory without .json files', async () => {
    mkdirSync(join(dir, 'empty'));
    expect(await failure(apply(onSandbox().io, [join(dir, 'empty')]))).toMatchObject({ code: 'APPLY_NO_FILES' });
  });

  it('applies a symlinked .json of a directory, so --prune keeps its configuration', async () => {
    // A directory holding only links (dotfile managers link files in): none may be skipped.
    const keep = write('real/keep.json', sandboxFile('linked-keep'));
    const gone = write('real/gone.json', sandboxFile('linked-gone'));
    await apply(onSandbox().io, [keep, gone]);
    mkdirSync(join(dir, 'configs'));
    symlinkSync(keep, join(dir, 'configs', 'keep.json'));
    const { io, sent } = onSandbox();
    const result = await apply(io, [join(dir, 'configs')], { prune: true, yes: true });
    expect(result.summary).toEqual({ create: 0, update: 0, unchanged: 1, delete: 1 });
    expect(mutations(sent)).toEqual(['mutation deleteExportConfiguration']);
    expect((await sandbox.service.listConfigurations()).map((c) => c.path)).toEqual(['linked-keep']);
  });

  it('refuses a dangling symlink or a FIFO named *.json in a directory, naming it, before anything is sent', async () => {
    write('configs/a.json', sandboxFile('a'));
    const dangling = join(dir, 'configs', 'b.json');
    symlinkSync(join(dir, 'moved-away.json'), dangling);
    const first = onSandbox();
    const error = await failure(apply(first.io, [join(dir, 'configs')], { prune: true, yes: true }));
    expect(error).toMatchObject({ code: 'CONFIG_FILE_NOT_FOUND', exitCode: 2, location: { file: dangling } });
    expect(error.message).toContain(`${dangling} is a symbolic link to ${join(dir, 'moved-away.json')}`);
    expect(error.fix).toContain('Restore the file');
    expect(first.sent).toEqual([]);

    rmSync(dangling);
    const fifo = join(dir, 'configs', 'c.json');
    execFileSync('mkfifo', [fifo]);
    // Never opened: reading a FIFO would wait for a writer for ever (the test would time out).
    const second = onSandbox();
    const refused = await failure(apply(second.io, [join(dir, 'configs')], { prune: true, yes: true }));
    expect(refused).toMatchObject({ code: 'CONFIG_FILE_NOT_REGULAR', exitCode: 2, location: { file: fifo } });
    expect(refused.message).toBe(`${fifo} is a FIFO, not a regular file`);
    expect(second.sent).toEqual([]);
  });

  it('reads one secret from standard input, and refuses a second', async () => {
    const one = write('one.json', sandboxFile('stdin-1', { secretAccessKey: { fromStdin: true } }));
    const two = write('two.json', sandboxFile('stdin-2', { secretAccessKey: { fromStdin: true } }));
    const ok = onSandbox({ stdin: `${SANDBOX_SECRET_ACCESS_KEY}\n` });
    expect((await apply(ok.io, [one])).actions[0]).toMatchObject({ action: 'create', connectionStatus: 'SUCCESS' });
    const error = await failure(apply(onSandbox({ stdin: SANDBOX_SECRET_ACCESS_KEY }).io, [one, two]));
    expect(error.message).toContain('reads standard input, which "secretAccessKey" of');
  });
});

describe('apply against a scripted tenant', () => {
  let tenant: FakeTenant;
  beforeAll(async () => {
    tenant = await FakeTenant.start({ apiKey: 'apply-test-key-0123456789' });
  });
  afterAll(async () => {
    await tenant?.stop();
  });
  beforeEach(() => tenant.reset());
  const scripted = (options: FakeIOOptions = {}) => recordingIO(tenant.url, 'apply-test-key-0123456789', options);
  const endpoint = (path: string) => ({
    __typename: 'S3AccessKeyEndpointConfiguration',
    bucket: 'immuta-audit-sandbox',
    path,
    region: 'us-east-1',
  });

  it('stops when two configurations on the tenant match one file, naming them', async () => {
    tenant.replyAlways('getAllExportConfigurations', {
      data: [
        sampleConfiguration({ id: 'cfg-1', endpointConfiguration: endpoint('dup') }),
        sampleConfiguration({ id: 'cfg-2', endpointConfiguration: endpoint('dup') }),
      ],
    });
    const a = write('a.json', sandboxFile('dup'));
    const { io, sent } = scripted();
    const error = await failure(apply(io, [a]));
    expect(error).toMatchObject({ code: 'APPLY_CONFLICT', exitCode: 2 });
    expect(error.message).toContain('matches 2 configurations on the tenant (cfg-1, cfg-2)');
    expect(mutations(sent)).toEqual([]);
  });

  it('a failing mutation says what was already applied', async () => {
    tenant.replyAlways('getAllExportConfigurations', { data: [] });
    tenant.reply('createS3AccessKeyExportConfiguration', {
      data: sampleConfiguration({ id: 'cfg-new', endpointConfiguration: endpoint('one') }),
    });
    tenant.reply('createS3AccessKeyExportConfiguration', { status: 500 });
    const { io } = scripted();
    const error = await failure(apply(io, [write('1.json', sandboxFile('one')), write('2.json', sandboxFile('two'))]));
    expect(error.exitCode).toBe(5);
    expect(error.message).toContain('already applied: create cfg-new');
    expect(error.details).toMatchObject({ applied: ['create cfg-new'] });
    expect(tenant.requestsFor('createS3AccessKeyExportConfiguration')).toHaveLength(2);
  });

  it('escapes control codes in a connection status', async () => {
    tenant.replyAlways('getAllExportConfigurations', {
      data: [
        sampleConfiguration({
          id: 'cfg-x',
          interval: 'EVERY_2_HOURS',
          endpointConfiguration: endpoint('esc'),
          connectionStatus: 'Denied\u001b[2J',
        }),
      ],
    });
    const { io } = scripted();
    await apply(io, [write('esc.json', sandboxFile('esc'))]);
    expect(io.exitCode).toBe(3);
    expect(io.stderr()).toContain('Denied\\x1b[2J');
    expect(io.stderr()).not.toContain('\u001b');
  });

  it('warns about a disabled configuration it matches, naming it and how to enable it (exit unchanged)', async () => {
    tenant.replyAlways('getAllExportConfigurations', {
      data: [
        sampleConfiguration({
          id: 'cfg-off',
          interval: 'EVERY_2_HOURS',
          endpointConfiguration: endpoint('off'),
          connectionStatus: 'SUCCESS',
          enabled: false,
        }),
      ],
    });
    const { io } = scripted({ globals: { profile: 'prod' } });
    const result = await apply(io, [write('off.json', sandboxFile('off'))]);
    expect(result.summary).toMatchObject({ unchanged: 1 });
    expect(result.actions[0]).toMatchObject({ id: 'cfg-off', enabled: false });
    expect(io.exitCode).toBeUndefined();
    expect(io.stderr()).toMatch(/cfg-off \(.*\) is disabled: no audit logs are exported there/);
    expect(io.stderr()).toContain('`immuta -p prod audit exportConfig enable cfg-off`');
    expect(io.stderr()).toContain('the tenant matches the files, but 1 configuration is disabled');
  });

  it('the not-connected hint carries -p PROFILE', async () => {
    tenant.replyAlways('getAllExportConfigurations', {
      data: [
        sampleConfiguration({
          id: 'cfg-d',
          interval: 'EVERY_2_HOURS',
          endpointConfiguration: endpoint('denied'),
          connectionStatus: 'AccessDenied: Access Denied',
        }),
      ],
    });
    const { io } = scripted({ globals: { profile: 'prod' } });
    await apply(io, [write('d.json', sandboxFile('denied'))]);
    expect(io.exitCode).toBe(3);
    expect(io.stderr()).toContain('`immuta -p prod audit exportConfig doctor --id cfg-d`');
    expect(io.stderr()).not.toMatch(/`immuta audit/);
  });

  it('an ADLS configuration that is not connected is not sent to the doctor (it refuses ADLS)', async () => {
    tenant.replyAlways('getAllExportConfigurations', {
      data: [
        sampleConfiguration({
          id: 'cfg-adls',
          interval: 'EVERY_2_HOURS',
          endpointConfiguration: {
            __typename: 'AdlsSasTokenEndpointConfiguration',
            storageAccount: 'auditacct',
            fileSystem: 'audit-fs',
            path: 'logs',
          },
          connectionStatus: 'something nobody has seen',
        }),
      ],
    });
    const { io } = scripted();
    const file = write('adls.json', {
      interval: 'EVERY_2_HOURS',
      storageAccount: 'auditacct',
      fileSystem: 'audit-fs',
      path: 'logs',
      sasToken: { fromEnv: 'SAS' },
    });
    io.env.SAS =
      'sv=2022-11-02&ss=b&srt=co&sp=rwc&se=2099-01-01T00:00:00Z&sig=abcdefghijklmnopqrstuvwxyz0123456789ABCD%3D';
    await apply(io, [file]);
    expect(io.exitCode).toBe(3);
    expect(io.stderr()).toContain('SAS token');
    expect(io.stderr()).toContain('test cfg-adls --wait');
    expect(io.stderr()).not.toContain('doctor');
  });
});
