import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTenant, sampleConfiguration, sampleTask } from '../helpers/fake-tenant.js';
import { runCli, tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';

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

  it('the real binary prints the same documents as the harness (success and error)', async () => {
    for (const args of [
      ['audit', 'exportConfig', 'list'],
      ['audit', 'exportConfig', 'get', 'no-such-id'],
    ]) {
      expect(await json(args, runCli)).toEqual(await json(args));
    }
  });
});
