import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTarget, resolveImmutaAccountId } from '../../../src/lib/doctor/target.js';
import { sampleConfiguration } from '../../helpers/fake-tenant.js';
import type { ExportConfiguration } from '../../../src/lib/tenant/types.js';

const dir = mkdtempSync(join(tmpdir(), 'doctor-target-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const noStdin = async () => Buffer.from('');

describe('resolveImmutaAccountId', () => {
  it('takes the flag, then IMMUTA_AWS_ACCOUNT_ID, then the profile key immuta_aws_account_id', async () => {
    const config = join(dir, 'immutacfg.yaml');
    writeFileSync(
      config,
      'default:\n  host: https://x.example.com\n  api_key: k\n  immuta_aws_account_id: "210987654321"\n',
    );
    expect(
      await resolveImmutaAccountId({
        flag: '111111111111',
        env: { IMMUTA_AWS_ACCOUNT_ID: '222222222222' },
        configFile: config,
      }),
    ).toBe('111111111111');
    expect(await resolveImmutaAccountId({ env: { IMMUTA_AWS_ACCOUNT_ID: '222222222222' }, configFile: config })).toBe(
      '222222222222',
    );
    expect(await resolveImmutaAccountId({ env: {}, configFile: config })).toBe('210987654321');
    expect(await resolveImmutaAccountId({ env: {}, configFile: join(dir, 'missing.yaml') })).toBeUndefined();
  });

  it('rejects a value that is not a 12-digit account id (exit 2)', async () => {
    await expect(resolveImmutaAccountId({ flag: 'immuta', env: {} })).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('loadTarget', () => {
  it('detects the assumed-role flow from the FILE and carries --external-id', async () => {
    const file = join(dir, 'role.json');
    writeFileSync(
      file,
      JSON.stringify({
        interval: 'EVERY_12_HOURS',
        bucket: 'acme-audit-logs',
        path: '/logs/',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::111122223333:role/x',
      }),
    );
    const loaded = await loadTarget({ file, externalId: 'cfg-1', env: {}, readStdin: noStdin });
    expect(loaded.config.status).toBe('pass');
    expect(loaded.target).toMatchObject({
      flow: 's3:assumedRole',
      path: 'logs',
      configurationId: 'cfg-1',
      commandSource: `${file} --external-id cfg-1`,
    });
  });

  it("uses the tenant's endpoint with the FILE's secret, and warns when they differ", async () => {
    const file = join(dir, 'ak.json');
    writeFileSync(
      file,
      JSON.stringify({
        interval: 'EVERY_12_HOURS',
        bucket: 'other-bucket',
        region: 'eu-west-1',
        accessKeyId: 'AKIAWRITEREXAMPLE001',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRITERKEY1',
      }),
    );
    const tenantConfig = sampleConfiguration({
      id: 'cfg-2',
      endpointConfiguration: {
        __typename: 'S3AccessKeyEndpointConfiguration',
        bucket: 'audit-bucket',
        path: 'immuta',
        region: 'eu-west-1',
      },
    }) as ExportConfiguration;
    const loaded = await loadTarget({
      file,
      id: 'cfg-2',
      env: {},
      readStdin: noStdin,
      listConfigurations: async () => [tenantConfig],
    });
    expect(loaded.target).toMatchObject({
      bucket: 'audit-bucket',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYWRITERKEY1',
      configurationId: 'cfg-2',
    });
    expect(loaded.config.status).toBe('warn');
    expect(loaded.config.evidence?.join('\n')).toContain('differs from the tenant');
  });

  it('a FIFO or a device as FILE is refused by the loader, never read (a FIFO hung, /dev/zero took 600 MB)', async () => {
    const fifo = join(dir, 'config.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const file of [fifo, '/dev/zero']) {
      const started = Date.now();
      const loaded = await loadTarget({ file, env: {}, readStdin: noStdin });
      expect(loaded.target).toBeUndefined();
      expect(JSON.stringify(loaded.config)).toContain('not a regular file');
      expect(Date.now() - started).toBeLessThan(2000);
    }
  });

  it('refuses an ADLS configuration (exit 2)', async () => {
    const file = join(dir, 'adls.json');
    writeFileSync(
      file,
      JSON.stringify({ interval: 'EVERY_12_HOURS', storageAccount: 'acct', fileSystem: 'fs', sasToken: 'sv=x' }),
    );
    await expect(loadTarget({ file, env: {}, readStdin: noStdin })).rejects.toMatchObject({ exitCode: 2 });
  });
});

describe('loadTarget --id, role flow: the tenant does not return roleArn', () => {
  const DENIED =
    'Error testing access to S3 using AssumedRole arn:aws:iam::444455556666:role/immuta-audit-export - User: arn:aws:sts::111122223333:assumed-role/immuta/audit is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/immuta-audit-export';
  const roleConfig = (connectionStatus: string): ExportConfiguration => ({
    id: 'cfg-role',
    interval: 'EVERY_12_HOURS',
    enabled: true,
    connectionStatus,
    endpointConfiguration: {
      __typename: 'S3AssumedRoleEndpointConfiguration',
      bucket: 'acme-audit-logs',
      region: 'eu-west-1',
    },
  });
  const load = (status: string, extra: { roleArn?: string; immutaAccountId?: string } = {}) =>
    loadTarget({
      id: 'cfg-role',
      env: {},
      readStdin: noStdin,
      listConfigurations: async () => [roleConfig(status)],
      ...extra,
    });

  it('finds the role and Immuta account id in the connection status', async () => {
    const { target } = await load(DENIED);
    expect(target).toMatchObject({
      flow: 's3:assumedRole',
      roleArn: 'arn:aws:iam::444455556666:role/immuta-audit-export',
      immutaAccountId: '111122223333',
      configurationId: 'cfg-role',
    });
  });

  it('--role-arn and a configured account id win over the status', async () => {
    const { target } = await load(DENIED, {
      roleArn: 'arn:aws:iam::444455556666:role/other',
      immutaAccountId: '999999999999',
    });
    expect(target).toMatchObject({ roleArn: 'arn:aws:iam::444455556666:role/other', immutaAccountId: '999999999999' });
  });

  it('a SUCCESS status names no role: none is invented', async () => {
    const { target } = await load('SUCCESS');
    expect(target?.roleArn).toBeUndefined();
  });
});
