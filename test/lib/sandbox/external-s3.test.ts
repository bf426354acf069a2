import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src/lib/sandbox/constants.js';
import { postGraphql, startInProcessSandbox } from '../../helpers/sandbox.js';

/**
 * --s3-endpoint: the sandbox writes to another S3-compatible endpoint instead of its own. The
 * "other" endpoint here is a second sandbox's embedded S3 (a real, signature-verifying S3 server).
 */
let storage: Awaited<ReturnType<typeof startInProcessSandbox>>;
let tenant: Awaited<ReturnType<typeof startInProcessSandbox>>;

beforeAll(async () => {
  storage = await startInProcessSandbox();
  tenant = await startInProcessSandbox({ s3Endpoint: storage.info.s3.endpoint, intervalScale: 0.0001 });
});
afterAll(async () => {
  await tenant?.cleanup();
  await storage?.cleanup();
});

const create = (secret: string, path: string) =>
  postGraphql(
    tenant.info.graphqlUrl,
    tenant.info.auditApiKey,
    `mutation { createS3AccessKeyExportConfiguration(data: { interval: EVERY_2_HOURS bucket: "immuta-audit-sandbox" path: "${path}" region: "us-east-1" accessKeyId: "${SANDBOX_ACCESS_KEY_ID}" secretAccessKey: "${secret}" }) { id connectionStatus } }`,
  );

describe('--s3-endpoint', () => {
  it('reports the endpoint and no demo key of its own', () => {
    expect(tenant.info.s3).toMatchObject({
      endpoint: storage.info.s3.endpoint,
      embedded: false,
      demoAccessKeyId: null,
      demoSecretAccessKey: null,
    });
  });

  it('tests connections against that endpoint, with its answers', async () => {
    const ok = await create(SANDBOX_SECRET_ACCESS_KEY, 'external');
    expect(ok.body.data?.createS3AccessKeyExportConfiguration).toMatchObject({ connectionStatus: 'SUCCESS' });
    const bad = await create(SANDBOX_SECRET_ACCESS_KEY.replace(/.$/, 'Z'), 'external-bad');
    expect(
      (bad.body.data?.createS3AccessKeyExportConfiguration as { connectionStatus: string }).connectionStatus,
    ).toMatch(/Error Code: SignatureDoesNotMatch\)$/);
  });

  it('exports there, and lists what it wrote from its own records', async () => {
    const deadline = Date.now() + 30_000;
    let keys: string[] = [];
    while (keys.length === 0 && Date.now() < deadline) {
      await tenant.exporter.runDueJobs();
      const listed = await postGraphql(
        tenant.info.graphqlUrl,
        tenant.info.auditApiKey,
        '{ sandboxObjects(prefix: "external/") { key firstEvent } }',
      );
      keys = (listed.body.data?.sandboxObjects as Array<{ key: string; firstEvent: string | null }>).map((o) => o.key);
      if (keys.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(keys.length).toBeGreaterThan(0);
    // The objects really are in the other S3.
    const stored = await postGraphql(
      storage.info.graphqlUrl,
      storage.info.auditApiKey,
      '{ sandboxObjects(prefix: "external/", limit: 1000) { key firstEvent } }',
    );
    const storedKeys = (stored.body.data?.sandboxObjects as Array<{ key: string }>).map((o) => o.key);
    expect(storedKeys).toEqual(expect.arrayContaining(keys));
  });
});
