import { afterAll, beforeAll } from 'vitest';
import { FakeTenant } from './fake-tenant.js';
import { tempHome } from './run-cli.js';

export type TempHome = ReturnType<typeof tempHome>;

/**
 * A fake tenant that takes `apiKey`, and a temporary HOME, for the tests of one file: started before
 * them (handed to `ready`), stopped and removed after them.
 */
export function tenantAndHomeForFile(apiKey: string, ready: (tenant: FakeTenant, home: TempHome) => void): void {
  let tenant: FakeTenant | undefined;
  let home: TempHome | undefined;
  beforeAll(async () => {
    tenant = await FakeTenant.start({ apiKey });
    home = tempHome();
    ready(tenant, home);
  });
  afterAll(async () => {
    await tenant?.stop();
    home?.cleanup();
  });
}
