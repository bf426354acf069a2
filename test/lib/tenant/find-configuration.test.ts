import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/lib/errors/cli-error.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { explainMutationFailure, findConfiguration } from '../../../src/lib/tenant/find-configuration.js';
import type { ExportConfiguration } from '../../../src/lib/tenant/types.js';

const configs: ExportConfiguration[] = [
  { id: 'AbC-1', interval: 'EVERY_2_HOURS', enabled: true, connectionStatus: 'SUCCESS' },
  { id: 'def-2', interval: 'EVERY_4_HOURS', enabled: false, connectionStatus: 'Access Denied' },
];
const tenant = { listExportConfigurations: async () => configs };

describe('findConfiguration', () => {
  it('returns the configuration with exactly this id', async () => {
    expect(await findConfiguration(tenant, 'def-2')).toBe(configs[1]);
  });

  it('fails with NOT_FOUND (exit 2) pointing at `list`', async () => {
    await expect(findConfiguration(tenant, 'nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 2,
      message: 'no export configuration with id "nope"',
      fix: expect.stringContaining('immuta audit exportConfig list') as unknown,
    });
  });

  it('suggests an id that differs only in case', async () => {
    await expect(findConfiguration(tenant, 'abc-1')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('did you mean AbC-1') as unknown,
    });
  });
});

describe('explainMutationFailure', () => {
  it('a GraphQL error on an id the tenant does not have is NOT_FOUND (exit 2)', async () => {
    const error = new CliError('the tenant answered with an error: no', { code: 'TENANT_GRAPHQL_ERROR' });
    await expect(explainMutationFailure(tenant, 'nope', error)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a partial answer (the mutation ran) stays the tenant error: a delete that ran is not "no such id"', async () => {
    const error = new CliError('the tenant answered with an error: x; the change was made all the same', {
      code: 'TENANT_GRAPHQL_ERROR',
      details: { changeMayHaveBeenMade: true },
    });
    await expect(explainMutationFailure(tenant, 'deleted-id', error)).rejects.toBe(error);
  });
});

describe('NOT_FOUND names the profile the run used', () => {
  it('its `list` fix reads the same tenant (`immuta -p prod ...`), not the default profile', async () => {
    const prod = { ...tenant, profile: 'prod' };
    await expect(findConfiguration(prod, 'nope')).rejects.toMatchObject({
      fix: expect.stringContaining('`immuta -p prod audit exportConfig list`') as unknown,
    });
    const error = new CliError('the tenant answered with an error: no', { code: 'TENANT_GRAPHQL_ERROR' });
    await expect(explainMutationFailure(prod, 'nope', error)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      fix: expect.stringContaining('`immuta -p prod audit exportConfig list`') as unknown,
    });
  });

  it('the default profile prints plain `immuta`', async () => {
    await expect(findConfiguration({ ...tenant, profile: 'default' }, 'nope')).rejects.toMatchObject({
      fix: expect.stringContaining('Run `immuta audit exportConfig list`') as unknown,
    });
  });
});

describe('NOT_FOUND shows remote ids on one line, capped', () => {
  it('a tenant id with a newline or of a megabyte does not split or flood the message and fix', async () => {
    const huge = 'x'.repeat(1_000_000);
    const odd = {
      listExportConfigurations: async () => [
        { ...configs[0], id: 'abc\n  Fix: run evil' },
        { ...configs[0], id: huge },
      ],
    };
    const error = await failure(findConfiguration(odd as typeof tenant, 'abc\nd'));
    expect(error).toMatchObject({ code: 'NOT_FOUND' });
    expect(`${error.message} ${error.fix ?? ''}`).not.toMatch(/[\r\n]/);
    expect(error.message.length + (error.fix ?? '').length).toBeLessThan(1000);
    expect(error.fix).toContain('abc\\n  Fix: run evil');
  });
});
