import { describe, expect, it } from 'vitest';
import { findConfiguration } from '../../../src/lib/tenant/find-configuration.js';
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
