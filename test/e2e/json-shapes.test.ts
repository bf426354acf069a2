import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTenant, sampleConfiguration, sampleTask } from '../helpers/fake-tenant.js';
import { runCli, tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';
import { writeFixture } from '../lib/logs/fixture.js';

/**
 * The `--json` documents are a public interface (README "JSON shapes"): CI scripts parse them.
 * Each command's document is reduced to its shape (keys and value types, recursively) and pinned
 * by an inline snapshot, so any change to a shape is a deliberate, reviewed snapshot update.
 */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? [] : [shape(value[0])];
  if (value === null) return 'null';
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, shape(v)]),
    );
  }
  return typeof value;
}

const API_KEY = 'json-shape-test-key-01';
let tenant: FakeTenant;
const home = tempHome();
let s3File: string;

beforeAll(async () => {
  tenant = await FakeTenant.start({ apiKey: API_KEY });
  tenant.replyAlways('getAllExportConfigurations', { data: [sampleConfiguration()] });
  tenant.replyAlways('createS3AccessKeyExportConfiguration', { data: sampleConfiguration() });
  tenant.replyAlways('enableExportConfiguration', { data: sampleConfiguration() });
  tenant.replyAlways('deleteExportConfiguration', { data: { id: 'cfg-1111' } });
  tenant.replyAlways('getAllExportJobTasks', { data: [sampleTask()] });
  s3File = join(home.home, 's3.json');
  writeFileSync(
    s3File,
    JSON.stringify({
      interval: 'EVERY_12_HOURS',
      bucket: 'audit-bucket',
      region: 'us-east-1',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    }),
  );
});
afterAll(async () => {
  await tenant.stop();
  home.cleanup();
});

/** In-process (the harness prints the JSON document exactly as the binary does; one test below proves it). */
async function json(args: string[], runner: typeof runCli = runCommand): Promise<unknown> {
  const result = await runner([...args, '--json'], {
    env: { HOME: home.home, IMMUTA_HOST: tenant.url, IMMUTA_API_KEY: API_KEY },
  });
  return JSON.parse(result.stdout) as unknown;
}

describe('--json shapes', () => {
  it('list', async () => {
    expect(shape(await json(['audit', 'exportConfig', 'list']))).toMatchInlineSnapshot(`
      [
        {
          "connectionStatus": "string",
          "enabled": "boolean",
          "endpointConfiguration": {
            "__typename": "string",
            "bucket": "string",
            "path": "string",
            "region": "string",
          },
          "id": "string",
          "interval": "string",
        },
      ]
    `);
  });
  it('get', async () => {
    expect(shape(await json(['audit', 'exportConfig', 'get', 'cfg-1111']))).toMatchInlineSnapshot(`
      {
        "connectionStatus": "string",
        "enabled": "boolean",
        "endpointConfiguration": {
          "__typename": "string",
          "bucket": "string",
          "path": "string",
          "region": "string",
        },
        "id": "string",
        "interval": "string",
      }
    `);
  });
  it('test', async () => {
    expect(shape(await json(['audit', 'exportConfig', 'test', 'cfg-1111']))).toMatchInlineSnapshot(`
      {
        "attempts": "number",
        "configuration": {
          "connectionStatus": "string",
          "enabled": "boolean",
          "endpointConfiguration": {
            "__typename": "string",
            "bucket": "string",
            "path": "string",
            "region": "string",
          },
          "id": "string",
          "interval": "string",
        },
        "connected": "boolean",
        "waitedMs": "number",
      }
    `);
  });
  it('create:s3:accessKey', async () => {
    expect(shape(await json(['audit', 'exportConfig', 'create:s3:accessKey', s3File]))).toMatchInlineSnapshot(`
      {
        "connectionStatus": "string",
        "enabled": "boolean",
        "endpointConfiguration": {
          "__typename": "string",
          "bucket": "string",
          "path": "string",
          "region": "string",
        },
        "id": "string",
        "interval": "string",
        "nextSteps": {
          "commands": [
            "string",
          ],
          "message": "string",
        },
      }
    `);
  });
  it('create:s3:accessKey --dry-run', async () => {
    expect(shape(await json(['audit', 'exportConfig', 'create:s3:accessKey', s3File, '--dry-run'])))
      .toMatchInlineSnapshot(`
      {
        "dryRun": "boolean",
        "operation": "string",
        "query": "string",
        "variables": {
          "accessKeyId": "string",
          "bucket": "string",
          "region": "string",
          "secretAccessKey": "string",
        },
      }
    `);
  });
  it('enable', async () => {
    expect(shape(await json(['audit', 'exportConfig', 'enable', 'cfg-1111']))).toMatchInlineSnapshot(`
      {
        "connectionStatus": "string",
        "enabled": "boolean",
        "endpointConfiguration": {
          "__typename": "string",
          "bucket": "string",
          "path": "string",
          "region": "string",
        },
        "id": "string",
        "interval": "string",
      }
    `);
  });
  it('delete', async () => {
    expect(shape(await json(['audit', 'exportConfig', 'delete', 'cfg-1111', '--yes']))).toMatchInlineSnapshot(`
      {
        "deleted": "boolean",
        "id": "string",
      }
    `);
  });
  it('tasks', async () => {
    expect(shape(await json(['audit', 'exportConfig', 'tasks', 'job-1']))).toMatchInlineSnapshot(`
      [
        {
          "attempts": "number",
          "endTimestamp": "string",
          "failureReason": "null",
          "id": "string",
          "limit": "number",
          "offset": "number",
          "startTimestamp": "string",
          "status": "string",
        },
      ]
    `);
  });
  it('configure --show', async () => {
    expect(shape(await json(['configure', '--show']))).toMatchInlineSnapshot(`
      {
        "apiKeyMasked": "string",
        "apiKeySource": "string",
        "configFile": "string",
        "host": "string",
        "hostSource": "string",
        "profile": "string",
      }
    `);
  });
  it('errors', async () => {
    expect(shape(await json(['audit', 'exportConfig', 'get', 'no-such-id']))).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "string",
          "details": {
            "id": "string",
            "known": "number",
          },
          "exitCode": "number",
          "fix": "string",
          "message": "string",
        },
      }
    `);
  });

  describe('audit logs', () => {
    const source = () => join(home.home, 'logs-source');
    const store = () => join(home.home, 'logs-store');
    beforeAll(() => writeFixture(source()));

    it('sync (the first, and a second with nothing new: the same shape)', async () => {
      const first = await json(['audit', 'logs', 'sync', source(), '--store', store()]);
      const second = await json(['audit', 'logs', 'sync', source(), '--store', store()]);
      expect(second).toMatchObject({ objects: { ingested: 0 }, events: { read: 0, new: 0 } });
      expect(shape(second)).toEqual(shape({ ...(first as object), problems: [] }));
      expect(shape(first)).toMatchInlineSnapshot(`
        {
          "bytes": "number",
          "events": {
            "new": "number",
            "read": "number",
            "total": "number",
          },
          "objects": {
            "alreadySynced": "number",
            "ingested": "number",
            "listed": "number",
            "testObjects": "number",
          },
          "problems": [
            {
              "key": "string",
              "lines": [
                {
                  "line": "number",
                  "reason": "string",
                },
              ],
              "skipped": "number",
            },
          ],
          "seconds": "number",
          "skippedLines": "number",
          "source": "string",
          "store": "string",
          "unreadableObjects": [],
        }
      `);
    });

    it('status', async () => {
      expect(shape(await json(['audit', 'logs', 'status', '--store', store()]))).toMatchInlineSnapshot(`
        {
          "byEvent": [
            {
              "event": "string",
              "events": "number",
            },
          ],
          "databaseBytes": "number",
          "events": {
            "first": "string",
            "last": "string",
            "total": "number",
          },
          "objects": {
            "lastSyncedAt": "string",
            "skippedLines": "number",
            "synced": "number",
            "withSkippedLines": "number",
          },
          "parts": {
            "bytes": "number",
            "files": "number",
          },
          "store": "string",
        }
      `);
    });

    it('presets', async () => {
      expect(shape(await json(['audit', 'logs', 'presets']))).toMatchInlineSnapshot(`
        [
          {
            "columns": [
              "string",
            ],
            "dedupKey": [
              "string",
            ],
            "defaultWindow": "string",
            "events": [
              "string",
            ],
            "name": "string",
            "parameters": [],
            "question": "string",
            "severity": "string",
            "use": "string",
          },
        ]
      `);
    });

    it('query and sql: an array of rows', async () => {
      const rows = await json([
        'audit',
        'logs',
        'query',
        'failed-queries',
        '--store',
        store(),
        '--since',
        '2026-01-01',
      ]);
      expect(shape(rows)).toMatchInlineSnapshot(`
        [
          {
            "action": "string",
            "actionStatus": "string",
            "actionStatusReason": "string",
            "actor": "string",
            "event": "string",
            "eventTimestamp": "string",
            "id": "string",
            "sensitivityScore": "number",
            "targets": [
              {
                "id": "string",
                "name": "string",
                "technology": "string",
              },
            ],
          },
        ]
      `);
      expect(
        await json(['audit', 'logs', 'sql', 'SELECT count(*) AS n FROM events', '--store', store()]),
      ).toMatchObject([{ n: expect.any(Number) as number }]);
    });

    it('report', async () => {
      const out = join(home.home, 'report.html');
      expect(shape(await json(['audit', 'logs', 'report', '--store', store(), '--out', out]))).toMatchInlineSnapshot(`
        {
          "days": "number",
          "events": "number",
          "format": "string",
          "out": "string",
          "since": "string",
          "skippedLines": "number",
          "source": "string",
          "tz": "string",
          "until": "string",
        }
      `);
    });

    it('watch --dry-run --once', async () => {
      const args = ['audit', 'logs', 'watch', '--store', store(), '--preset', 'failed-queries', '--once'];
      const document = await json([
        ...args,
        '--dry-run',
        '--since',
        '2026-01-01',
        '--webhook',
        'https://hooks.example.com/x',
      ]);
      expect(shape(document)).toMatchInlineSnapshot(`
        {
          "dryRun": "boolean",
          "runs": [
            {
              "at": "string",
              "failure": "null",
              "messages": "number",
              "posted": {
                "failed-queries": "number",
              },
            },
          ],
          "statePath": "string",
          "wouldPost": [
            {
              "body": {
                "blocks": [
                  {
                    "text": {
                      "text": "string",
                      "type": "string",
                    },
                    "type": "string",
                  },
                ],
                "text": "string",
              },
              "eventIds": [
                "string",
              ],
              "preset": "string",
            },
          ],
        }
      `);
    });
  });

  it('the real binary prints the same documents as the harness (success and error)', async () => {
    for (const args of [
      ['audit', 'exportConfig', 'list'],
      ['audit', 'exportConfig', 'get', 'no-such-id'],
    ]) {
      expect(await json(args, runCli)).toEqual(await json(args));
    }
  });
});
