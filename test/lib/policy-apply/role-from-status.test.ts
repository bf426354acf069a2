import { describe, expect, it } from 'vitest';
import { runPolicyCommand } from '../../../src/lib/policy-apply/run-policy.js';
import { painter } from '../../../src/lib/output/terminal.js';
import type { TenantClient } from '../../../src/lib/tenant/client.js';
import type { ExportConfiguration } from '../../../src/lib/tenant/types.js';

const DENIED =
  'Error testing access to S3 using AssumedRole arn:aws:iam::444455556666:role/immuta-audit-export - User: arn:aws:sts::111122223333:assumed-role/immuta/audit is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::444455556666:role/immuta-audit-export';

function io(connectionStatus: string) {
  const out: string[] = [];
  const notes: string[] = [];
  const configuration: ExportConfiguration = {
    id: 'cfg-role',
    interval: 'EVERY_12_HOURS',
    enabled: true,
    connectionStatus,
    endpointConfiguration: { __typename: 'S3AssumedRoleEndpointConfiguration', bucket: 'b', region: 'us-east-1' },
  };
  return {
    out,
    notes,
    io: {
      out: (t: string) => out.push(t),
      note: (t: string) => notes.push(t),
      tenant: async () => ({ listExportConfigurations: async () => [configuration] }) as unknown as TenantClient,
      interactive: false,
      paint: painter(false),
      readStdin: async () => Buffer.from(''),
      confirm: async () => false,
      env: {},
    },
  };
}

const flags = { id: 'cfg-role', apply: false, yes: false, config: '/nonexistent/immutacfg.yaml' };

describe('policy trust --id: the role and Immuta account from the connection status', () => {
  it('names the role and fills in the account the status names', async () => {
    const { io: fake } = io(DENIED);
    const result = await runPolicyCommand('trust', undefined, flags, fake);
    expect(result.destination).toBe('trust policy of role immuta-audit-export');
    expect(result.placeholders).toEqual([]);
    expect(JSON.stringify(result.policy)).toContain('arn:aws:iam::111122223333:root');
  });

  it('a role nobody names: --apply says exactly which flag to pass (exit 2)', async () => {
    const { io: fake } = io('SUCCESS');
    await expect(runPolicyCommand('trust', undefined, { ...flags, apply: true }, fake)).rejects.toMatchObject({
      exitCode: 2,
      fix: expect.stringContaining('--id cfg-role --role-arn arn:aws:iam::<account>:role/<name> --apply') as unknown,
    });
    const printed = await runPolicyCommand('trust', undefined, flags, io('SUCCESS').io);
    expect(printed.destination).toBe('trust policy of role <the role> (pass --role-arn ARN to name it)');
  });
});
