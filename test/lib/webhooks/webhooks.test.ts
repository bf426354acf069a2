import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY } from '../../../src/lib/sandbox/constants.js';
import { WebhooksClient } from '../../../src/lib/webhooks/client.js';
import { runCreateWebhook, runDeleteWebhook, runListWebhooks, runWebhookTypes } from '../../../src/lib/webhooks/run.js';
import { fakeIO } from '../../helpers/fake-io.js';
import { failure } from '../../helpers/expect-cli-error.js';
import { type Receiver, startReceiver } from '../../helpers/receiver.js';
import { startRecordingProxy } from '../../helpers/recording-proxy.js';
import { postGraphql, startInProcessSandbox } from '../../helpers/sandbox.js';

/**
 * `immuta webhooks` against the sandbox's V1 REST endpoints, and the sandbox posting Immuta-style
 * notifications to a receiver on 127.0.0.1 when its generated events fire.
 */
async function expectCliError(promise: Promise<unknown>, expected: { code: string; exitCode: number }) {
  const error = await failure(promise);
  expect({ code: error.code, exitCode: error.exitCode }).toEqual(expected);
}

let sandbox: Awaited<ReturnType<typeof startInProcessSandbox>>;
let receiver: Receiver;

beforeAll(async () => {
  sandbox = await startInProcessSandbox({ intervalScale: 0.0001, seed: 'webhooks' });
  receiver = await startReceiver();
});
afterAll(async () => {
  await sandbox?.cleanup();
  await receiver?.close();
});

const io = (key = sandbox.info.auditApiKey, json = false) =>
  fakeIO({
    json,
    env: { IMMUTA_HOST: sandbox.info.tenantUrl, IMMUTA_API_KEY: key, IMMUTA_CONFIG: '/nonexistent/immuta.yaml' },
  });

describe('immuta webhooks', () => {
  it('lists the notification types', async () => {
    const types = await runWebhookTypes(io());
    expect(types).toEqual(expect.arrayContaining(['ALL_NOTIFICATIONS', 'permissionsUpdated', 'attributeAdded']));
  });

  it('creates, lists (URL masked, also in --json) and the sandbox delivers notifications', async () => {
    const created = await runCreateWebhook(
      {
        url: receiver.url,
        name: 'guide alerts',
        notifications: ['permissionsUpdated', 'attributeAdded', 'attributeRemoved'],
        global: true,
      },
      io(),
    );
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ name: 'guide alerts', global: true, url: `${new URL(receiver.url).origin}/…` });

    const listIO = io(undefined, true);
    const listed = await runListWebhooks(listIO);
    expect(listed.map((w) => w.id)).toContain(created[0]!.id);
    expect(JSON.stringify(listed)).not.toContain('secret-token-path');
    const humanIO = io();
    await runListWebhooks(humanIO);
    expect(humanIO.stdout()).toContain('guide alerts');
    expect(humanIO.stdout()).not.toContain('secret-token-path');
    // Masked, not redacted: the origin tells where it posts (the id and name tell webhooks apart).
    expect(humanIO.stdout()).toContain(`${new URL(receiver.url).origin}/…`);
    expect(humanIO.stdout()).not.toContain('[REDACTED]');

    // An export job fires events; the sandbox posts the matching notifications.
    const made = await postGraphql(
      sandbox.info.graphqlUrl,
      sandbox.info.auditApiKey,
      `mutation { createS3AccessKeyExportConfiguration(data: { interval: EVERY_2_HOURS bucket: "immuta-audit-sandbox" path: "hooks" region: "us-east-1" accessKeyId: "${SANDBOX_ACCESS_KEY_ID}" secretAccessKey: "${SANDBOX_SECRET_ACCESS_KEY}" }) { id connectionStatus } }`,
    );
    expect(made.body.data?.createS3AccessKeyExportConfiguration).toMatchObject({ connectionStatus: 'SUCCESS' });
    const deadline = Date.now() + 20_000;
    while (receiver.accepted.length === 0 && Date.now() < deadline) {
      await sandbox.exporter.runDueJobs();
      await sandbox.notifier.idle();
      if (receiver.accepted.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(receiver.accepted.length).toBeGreaterThan(0);
    for (const body of receiver.accepted as Array<{ text: string }>) {
      expect(body.text).toMatch(/\[(permissionsUpdated|attributeAdded|attributeRemoved)\]$/);
    }
    expect(receiver.requests[0]!.path).toBe('/hook/secret-token-path');
  });

  it('deletes, and a second delete is not found (exit 2)', async () => {
    const [first] = await runListWebhooks(io(undefined, true));
    const result = await runDeleteWebhook(first!.id, io());
    expect(result).toEqual({ deleted: true, id: first!.id });
    expect((await runListWebhooks(io(undefined, true))).map((w) => w.id)).not.toContain(first!.id);
    await expectCliError(runDeleteWebhook(first!.id, io()), { code: 'WEBHOOK_NOT_FOUND', exitCode: 2 });
  });

  it('an empty id (`delete "$ID"` with ID unset) is refused before anything is sent', async () => {
    for (const id of ['', '  ']) {
      const error = await failure(
        runDeleteWebhook(id, fakeIO({ env: { IMMUTA_HOST: 'http://127.0.0.1:9', IMMUTA_API_KEY: 'k-123456' } })),
      );
      expect(error).toMatchObject({ code: 'USAGE', exitCode: 2, message: 'the webhook id is empty' });
    }
  });

  it('maps refusals: a key without the admin permission cannot create (exit 4), a wrong key is 401', async () => {
    await expectCliError(
      runCreateWebhook(
        { url: receiver.url, name: 'x', notifications: ['permissionsUpdated'], global: false },
        io(sandbox.info.noAuditApiKey),
      ),
      { code: 'WEBHOOK_API_FORBIDDEN', exitCode: 4 },
    );
    await expectCliError(runListWebhooks(io('not-a-real-key-123')), { code: 'WEBHOOK_API_UNAUTHORIZED', exitCode: 4 });
  });

  it("accepts every type Immuta documents, as the README's create does (attributeUpdated, which no sandbox event sends)", async () => {
    expect(await runWebhookTypes(io())).toEqual(
      expect.arrayContaining(['attributeUpdated', 'tagDeleted', 'userDisabled', 'policyUpdated']),
    );
    const created = await runCreateWebhook(
      {
        url: receiver.url,
        name: 'attribute changes',
        notifications: ['attributeAdded', 'attributeUpdated', 'attributeRemoved'],
        global: true,
      },
      io(),
    );
    expect(created[0]).toMatchObject({ notificationType: ['attributeAdded', 'attributeUpdated', 'attributeRemoved'] });
    await runDeleteWebhook(created[0]!.id, io());
  });

  it('rejects an unknown notification type (exit 2) and a non-http URL before sending', async () => {
    await expectCliError(
      runCreateWebhook({ url: receiver.url, name: 'x', notifications: ['noSuchType'], global: true }, io()),
      { code: 'WEBHOOK_API_REJECTED', exitCode: 2 },
    );
    await expectCliError(
      runCreateWebhook(
        { url: 'ftp://example.com/x', name: 'x', notifications: ['permissionsUpdated'], global: true },
        io(),
      ),
      { code: 'WEBHOOK_URL_INVALID', exitCode: 2 },
    );
  });

  it('a delete answered 2xx is done whatever the body says; a create answered 2xx unreadably may have been made', async () => {
    // A tenant (or proxy) that answers a plain "OK": the delete was made, the create probably too.
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('OK'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const plain = fakeIO({
        env: {
          IMMUTA_HOST: `http://127.0.0.1:${port}`,
          IMMUTA_API_KEY: 'k-123456',
          IMMUTA_CONFIG: '/nonexistent/x.yaml',
        },
      });
      expect(await runDeleteWebhook('7', plain)).toEqual({ deleted: true, id: '7' });
      const error = await failure(
        runCreateWebhook({ url: receiver.url, name: 'x', notifications: ['permissionsUpdated'], global: true }, plain),
      );
      expect(error).toMatchObject({ code: 'WEBHOOK_API_UNEXPECTED', exitCode: 5 });
      expect(error.fix).toContain('may have been created: check with `immuta webhooks list`');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a 404 on the webhooks paths says to check the tenant URL, not to try again later', async () => {
    const wrong = fakeIO({
      env: { IMMUTA_HOST: `${sandbox.info.tenantUrl}/api/audit/graphql`, IMMUTA_API_KEY: sandbox.info.auditApiKey },
    });
    const error = await failure(runListWebhooks(wrong));
    expect(error).toMatchObject({ code: 'WEBHOOK_API_FAILED', exitCode: 5 });
    expect(error.fix).toContain('it must be the Immuta tenant itself');
  });

  it('a create with no answer in time may have been made: the fix says to list before creating again', async () => {
    const hanging = createServer((req) => req.resume());
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = hanging.address() as AddressInfo;
      const client = new WebhooksClient({
        settings: { host: `http://127.0.0.1:${port}`, apiKey: 'k-123456' },
        timeoutMs: 200,
      });
      const error = await failure(
        client.create([{ url: receiver.url, name: 'x', notificationType: ['permissionsUpdated'], global: true }]),
      );
      expect(error).toMatchObject({ code: 'WEBHOOK_API_UNREACHABLE', exitCode: 5 });
      expect(error.fix).toContain('may have been created');
      // A read that times out is only unreachable: nothing was changed.
      expect((await failure(client.list())).fix).not.toContain('may have been created');
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });

  it('goes through HTTP_PROXY / HTTPS_PROXY when one is set, as the GraphQL requests do; NO_PROXY is honoured', async () => {
    const proxy = await startRecordingProxy();
    try {
      const env = (extra: Record<string, string>) =>
        fakeIO({
          env: {
            IMMUTA_HOST: sandbox.info.tenantUrl,
            IMMUTA_API_KEY: sandbox.info.auditApiKey,
            IMMUTA_CONFIG: '/nonexistent/immuta.yaml',
            ...extra,
          },
        });
      const port = new URL(sandbox.info.tenantUrl).port;
      expect(await runWebhookTypes(env({ HTTP_PROXY: proxy.url }))).toContain('permissionsUpdated');
      expect(proxy.seen).toHaveLength(1);
      expect(proxy.seen[0]).toMatch(
        new RegExp(`^(CONNECT 127\\.0\\.0\\.1:${port}|GET http://127\\.0\\.0\\.1:${port}/webhooks/actions)$`),
      );
      await runWebhookTypes(env({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }));
      expect(proxy.seen).toHaveLength(1);
    } finally {
      await proxy.stop();
    }
  });

  it('warns before the API key travels over plain http to a host that is not this machine, as the GraphQL requests do', async () => {
    const remote = fakeIO({ env: { IMMUTA_HOST: 'http://tenant.invalid', IMMUTA_API_KEY: 'k-123456' } });
    await failure(runListWebhooks(remote));
    expect(remote.stderr()).toContain(
      'Warning: the API key is sent to tenant.invalid over plain http, readable by anyone on the network path; use https://tenant.invalid.',
    );
    const local = io();
    await runListWebhooks(local);
    expect(local.stderr()).not.toContain('plain http');
  });

  it('never prints the API key', async () => {
    const out = io();
    await runListWebhooks(out);
    await runWebhookTypes(out);
    expect(out.stdout() + out.stderr()).not.toContain(sandbox.info.auditApiKey);
  });
});
