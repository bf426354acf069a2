import { describe, expect, it } from 'vitest';
import { checkUpdateTarget } from '../../../src/lib/export-config/update-target.js';
import { CliError } from '../../../src/lib/errors/cli-error.js';
import { explainMutationFailure, nearestIds } from '../../../src/lib/tenant/find-configuration.js';
import { readJobTasks } from '../../../src/lib/lifecycle/job-tasks.js';
import { setEnabled } from '../../../src/lib/lifecycle/set-enabled.js';
import { nonInteractiveReason } from '../../../src/lib/output/terminal.js';
import type { ExportConfiguration } from '../../../src/lib/tenant/types.js';

const configs: ExportConfiguration[] = [
  {
    id: 'cfg-1111',
    interval: 'EVERY_2_HOURS',
    enabled: true,
    connectionStatus: 'SUCCESS',
    endpointConfiguration: { __typename: 'S3AccessKeyEndpointConfiguration', bucket: 'b' },
  },
  { id: 'cfg-2222', interval: 'EVERY_2_HOURS', enabled: true, connectionStatus: 'SUCCESS' },
  { id: 'zzz-9', interval: 'EVERY_2_HOURS', enabled: true, connectionStatus: 'SUCCESS' },
];
const graphqlError = () =>
  new CliError('the tenant answered with an error: Export configuration x not found', {
    code: 'TENANT_GRAPHQL_ERROR',
    exitCode: 5,
  });
const tenant = {
  listExportConfigurations: async () => configs,
  mutateConfiguration: async () => {
    throw graphqlError();
  },
  getExportJobTasks: async () => {
    throw graphqlError();
  },
};

describe('unknown ids are "not found" (exit 2) with the nearest ids', () => {
  it('nearestIds: case, prefixes and typos, nearest first', () => {
    expect(nearestIds('CFG-1111', ['cfg-1111', 'other'])).toEqual(['cfg-1111']);
    expect(nearestIds('cfg-111', ['cfg-2222', 'cfg-1111', 'abc'])).toEqual(['cfg-1111', 'cfg-2222']);
    expect(nearestIds('completely-else', ['cfg-1111'])).toEqual([]);
  });

  it('enable/disable: a GraphQL error on an id the tenant lacks becomes NOT_FOUND', async () => {
    await expect(setEnabled(tenant, 'cfg-111', true)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      exitCode: 2,
      message: 'no export configuration with id "cfg-111" (did you mean cfg-1111, cfg-2222?)',
    });
  });

  it("the original error stays when the id exists (the failure is the tenant's)", async () => {
    await expect(explainMutationFailure(tenant, 'cfg-1111', graphqlError())).rejects.toMatchObject({
      code: 'TENANT_GRAPHQL_ERROR',
      exitCode: 5,
    });
  });

  it('tasks: NOT_FOUND for the job; a configuration id is named as one', async () => {
    await expect(readJobTasks(tenant, 'job-1')).rejects.toMatchObject({ code: 'NOT_FOUND', exitCode: 2 });
    await expect(readJobTasks(tenant, 'cfg-1111')).rejects.toMatchObject({
      message: 'no export job with id "cfg-1111": that is the id of an export configuration, not of a job',
    });
  });

  it('update: an unknown id and the wrong kind are refused before sending', async () => {
    await expect(checkUpdateTarget(tenant, 'cfg-11111', 's3:accessKey')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(checkUpdateTarget(tenant, 'cfg-1111', 's3:assumedRole')).rejects.toMatchObject({
      code: 'WRONG_KIND',
      exitCode: 2,
      fix: expect.stringContaining('immuta audit exportConfig update:s3:accessKey cfg-1111 FILE') as unknown,
    });
    // A configuration whose kind the tenant does not name is not guessed at.
    await expect(checkUpdateTarget(tenant, 'cfg-2222', 's3:assumedRole')).resolves.toMatchObject({ id: 'cfg-2222' });
  });
});

describe('nonInteractiveReason: why delete refuses to ask', () => {
  const tty = { env: {}, stdinIsTTY: true, stdoutIsTTY: true };
  it.each([
    [{ ...tty, columns: 0 }, /width of 0 columns/],
    [{ ...tty, env: { CI: 'true' } }, /CI is set/],
    [{ ...tty, stdinIsTTY: false }, /standard input is not a terminal/],
    [{ ...tty, stdoutIsTTY: false }, /standard output is not a terminal/],
  ])('%j', (facts, reason) => {
    expect(nonInteractiveReason(facts)).toMatch(reason);
  });
  it('undefined on a sized terminal', () => {
    expect(nonInteractiveReason({ ...tty, columns: 80 })).toBeUndefined();
  });
});
