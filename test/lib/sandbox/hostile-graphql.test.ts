import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SANDBOX_ACCESS_KEY_ID } from '../../../src/lib/sandbox/constants.js';
import { MAX_ROOT_FIELDS } from '../../../src/lib/sandbox/graphql/query-cost.js';
import { postGraphql, startInProcessSandbox } from '../../helpers/sandbox.js';

/**
 * Issue 11, item 4, against a running sandbox: aliases of getAllExportConfigurations must not
 * multiply the connection re-tests of pending configurations, and query cost is bounded.
 */

let sandbox: Awaited<ReturnType<typeof startInProcessSandbox>> | undefined;
const gql = (query: string, variables?: Record<string, unknown>) =>
  postGraphql(sandbox!.info.graphqlUrl, sandbox!.info.auditApiKey, query, variables);

beforeAll(async () => {
  sandbox = await startInProcessSandbox();
  // Twenty configurations that stay pending (wrong secret): each read re-tests them.
  for (let i = 0; i < 20; i++) {
    const { body } = await gql(
      `mutation($data: S3AccessKeyExportConfigurationInput!) { createS3AccessKeyExportConfiguration(data: $data) { connectionStatus } }`,
      {
        data: {
          interval: 'EVERY_12_HOURS',
          bucket: sandbox.info.s3.bucket,
          region: sandbox.info.s3.region,
          accessKeyId: SANDBOX_ACCESS_KEY_ID,
          secretAccessKey: `wrong${String(i).padStart(2, '0')}`.padEnd(40, 'x'),
        },
      },
    );
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  }
});
afterAll(async () => {
  await sandbox?.cleanup();
});

function aliases(count: number): string {
  return `query { ${Array.from({ length: count }, (_, i) => `a${i}: getAllExportConfigurations { id connectionStatus }`).join(' ')} }`;
}

describe('getAllExportConfigurations aliases', () => {
  it(`${MAX_ROOT_FIELDS} aliases in one request re-test the pending configurations once`, async () => {
    const service = sandbox!.service as unknown as { retestPending(): Promise<void> };
    const list = vi.spyOn(sandbox!.service, 'listConfigurations');
    const retest = vi.spyOn(service, 'retestPending');
    try {
      const { body } = await gql(aliases(MAX_ROOT_FIELDS));
      expect(body.errors).toBeUndefined();
      expect(Object.keys(body.data ?? {})).toHaveLength(MAX_ROOT_FIELDS);
      expect((body.data?.a0 as unknown[]).length).toBe(20);
      expect(list).toHaveBeenCalledTimes(1);
      expect(retest).toHaveBeenCalledTimes(1);
    } finally {
      list.mockRestore();
      retest.mockRestore();
    }
  });

  it('concurrent requests share the re-test that is already running', async () => {
    const service = sandbox!.service as unknown as { retestPending(): Promise<void> };
    const retest = vi.spyOn(service, 'retestPending');
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, () => gql(aliases(1))));
      for (const { body } of answers) expect(body.errors).toBeUndefined();
      expect(retest.mock.calls.length).toBeLessThan(8);
    } finally {
      retest.mockRestore();
    }
  });

  it('50 aliases (the attack) are refused before anything runs: QUERY_TOO_COSTLY', async () => {
    const list = vi.spyOn(sandbox!.service, 'listConfigurations');
    try {
      const started = Date.now();
      const { status, body } = await gql(aliases(50));
      expect(status).toBe(200);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
      expect(body.errors?.[0]?.message).toMatch(/too costly/);
      expect(list).not.toHaveBeenCalled();
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      list.mockRestore();
    }
  });

  it('fragments that multiply fields and deep introspection are bounded too', async () => {
    const fanOut = `query { ...F ...F }
      fragment F on Query { ${Array.from({ length: 200 }, (_, i) => `f${i}: __typename`).join(' ')} }`;
    expect((await gql(fanOut)).body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
    let deep = 'name';
    for (let i = 0; i < 14; i++) deep = `ofType { ${deep} }`;
    const introspection = `query { __schema { types { fields { type { ${deep} } } } } }`;
    expect((await gql(introspection)).body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
  });
});
