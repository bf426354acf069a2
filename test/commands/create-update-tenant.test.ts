import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPERATION_NAMES } from '../../src/lib/tenant/documents.js';
import { FakeTenant, type RecordedRequest, type ScriptedResponse } from '../helpers/fake-tenant.js';
import { tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';

/**
 * create/update in-process through the command harness (test/helpers/run-command.ts) against a real HTTP server on 127.0.0.1 that answers as
 * Immuta documents and records what it receives: the exact operation and variables (the secret is
 * on the wire, never in our output), exit 0 on SUCCESS, exit 3 with the trust policy otherwise.
 */
const API_KEY = 'tenant-test-api-key-0123456789';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SAS =
  'sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2099-12-31T23:59:59Z&spr=https&sig=TenantTestSignature000000000000%3D';
const CONFIG_ID = '259fc41c-b502-418a-a8ff-d875335dbe9b';
const IMMUTA_PRINCIPAL = 'arn:aws:sts::111122223333:assumed-role/immuta-audit-export/session';
const ROLE = 'arn:aws:iam::123456789012:role/immuta-audit-export';
const ASSUME_ERROR = `Error testing access to S3 using AssumedRole ${ROLE} - User: ${IMMUTA_PRINCIPAL} is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`;

interface SaveJson {
  id: string;
  connectionStatus: string;
  nextSteps: {
    message: string;
    commands: string[];
    trustPolicy?: {
      Statement: Array<{
        Principal: { AWS: string };
        Action: string;
        Condition: { StringEquals: Record<string, string> };
      }>;
    };
  };
}

/** Every create/update mutation the client can send. */
const SAVE_OPERATIONS = OPERATION_NAMES.filter((operation) => /^(create|update)/.test(operation));

function configuration(operation: string, data: Record<string, unknown>, connectionStatus: string): ScriptedResponse {
  const typename = operation.includes('Adls')
    ? 'AdlsSasTokenEndpointConfiguration'
    : operation.includes('AssumedRole')
      ? 'S3AssumedRoleEndpointConfiguration'
      : 'S3AccessKeyEndpointConfiguration';
  const endpoint = typename.startsWith('Adls')
    ? {
        __typename: typename,
        storageAccount: data.storageAccount ?? 'yourstorageaccount',
        fileSystem: data.fileSystem ?? 'audit-output',
        path: data.path ?? null,
      }
    : {
        __typename: typename,
        bucket: data.bucket ?? 'your-s3-bucket',
        path: data.path ?? null,
        region: data.region ?? 'us-east-1',
      };
  return {
    data: {
      id: (data.id as string | undefined) ?? CONFIG_ID,
      interval: data.interval ?? 'EVERY_12_HOURS',
      enabled: true,
      connectionStatus,
      endpointConfiguration: endpoint,
    },
  };
}

describe('create/update against a tenant (command harness, real HTTP server)', () => {
  let tenant: FakeTenant;
  const { home, cleanup } = tempHome();
  let env: Record<string, string>;
  let status = 'SUCCESS';

  beforeAll(async () => {
    tenant = await FakeTenant.start();
    for (const operation of SAVE_OPERATIONS) {
      tenant.replyWith(operation, (request: RecordedRequest) => {
        const data = (request.input.data ?? {}) as Record<string, unknown>;
        return configuration(operation, data, status);
      });
    }
    // Updates read the configurations first (the id must exist and be of the command's kind).
    tenant.replyAlways('getAllExportConfigurations', {
      data: [
        { id: CONFIG_ID, interval: 'EVERY_12_HOURS', enabled: true, connectionStatus: 'SUCCESS' },
        {
          id: 'cfg-42',
          interval: 'EVERY_12_HOURS',
          enabled: true,
          connectionStatus: 'SUCCESS',
          endpointConfiguration: { __typename: 'S3AccessKeyEndpointConfiguration', bucket: 'b', region: 'us-east-1' },
        },
      ],
    });
    env = { HOME: home, IMMUTA_HOST: tenant.url, IMMUTA_API_KEY: API_KEY };
  });
  beforeEach(() => {
    tenant.requests.length = 0;
    status = 'SUCCESS';
  });
  afterAll(async () => {
    await tenant.stop();
    cleanup();
  });

  /** The one mutation sent (the read before an update is not counted). */
  function onlyRequest(): RecordedRequest {
    const mutations = tenant.requests.filter((request) => request.operation !== 'getAllExportConfigurations');
    expect(mutations).toHaveLength(1);
    const request = mutations[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/audit/graphql');
    expect(request.headers.authorization).toBe(API_KEY);
    return request;
  }

  it('create:s3:accessKey sends the documented mutation with the secret, and exits 0 on SUCCESS', async () => {
    const result = await runCommand(['audit', 'exportConfig', 'create:s3:accessKey', 'examples/s3-access-key.json'], {
      env,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    const request = onlyRequest();
    expect(request.operation).toBe('createS3AccessKeyExportConfiguration');
    // No undocumented type name: strings as String! variables, the interval as a literal.
    expect(request.query).toContain(
      'mutation CreateS3AccessKeyExportConfiguration($bucket: String!, $path: String!, $region: String!, $accessKeyId: String!, $secretAccessKey: String!)',
    );
    expect(request.query).toContain('interval: EVERY_12_HOURS');
    expect(request.input).toEqual({
      data: {
        interval: 'EVERY_12_HOURS',
        bucket: 'your-s3-bucket',
        path: 'immuta-audit',
        region: 'us-east-1',
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: SECRET,
      },
    });
    expect(result.stdout).toContain(CONFIG_ID);
    expect(result.stdout).toMatch(/connection\s+SUCCESS/);
    expect(result.stderr).toContain(
      'Connected: audit logs will be exported every 12 hours to s3://your-s3-bucket/immuta-audit',
    );
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('--json: the configuration as returned plus nextSteps; a non-SUCCESS status exits 3', async () => {
    status =
      'Error testing access to S3 - The AWS Access Key Id you provided does not exist in our records. (InvalidAccessKeyId)';
    const result = await runCommand(
      ['audit', 'exportConfig', 'create:s3:accessKey', 'examples/s3-access-key.json', '--json'],
      { env },
    );
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toBe('');
    const body = JSON.parse(result.stdout) as SaveJson & {
      endpointConfiguration: Record<string, unknown>;
      enabled: boolean;
    };
    expect(body).toMatchObject({
      id: CONFIG_ID,
      enabled: true,
      connectionStatus: status,
      endpointConfiguration: { bucket: 'your-s3-bucket', path: 'immuta-audit' },
    });
    expect(body.nextSteps.message).toMatch(/does not know this access key id/);
    expect(body.nextSteps.commands).toContain(
      `immuta audit exportConfig update:s3:accessKey ${CONFIG_ID} examples/s3-access-key.json`,
    );
    expect(body.nextSteps.commands).toContain(`immuta audit exportConfig test ${CONFIG_ID} --wait`);
    expect(result.stdout).not.toContain(SECRET);
    expect(onlyRequest().variables).toMatchObject({ secretAccessKey: SECRET });
  });

  it('create:s3:assumedRole: the expected first error exits 3 and prints the trust policy for the new id', async () => {
    status = ASSUME_ERROR;
    const result = await runCommand(
      ['audit', 'exportConfig', 'create:s3:assumedRole', 'examples/s3-assumed-role.json'],
      {
        env,
      },
    );
    expect(result.exitCode, result.stderr).toBe(3);
    expect(onlyRequest().operation).toBe('createS3AssumedRoleExportConfiguration');
    expect(tenant.requests[0]!.input).toEqual({
      data: {
        interval: 'EVERY_12_HOURS',
        bucket: 'your-s3-bucket',
        path: 'immuta-audit',
        region: 'us-east-1',
        roleArn: ROLE,
      },
    });
    const policyText = /(\{\n {2}"Version"[\s\S]*?\n\})/.exec(result.stderr)?.[1];
    expect(policyText, result.stderr).toBeDefined();
    expect(JSON.parse(policyText!)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          // No account configured anywhere: the one in Immuta's own error message is used.
          Principal: { AWS: 'arn:aws:iam::111122223333:root' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': CONFIG_ID } },
        },
      ],
    });
    expect(result.stderr).toContain(`immuta audit exportConfig test ${CONFIG_ID} --wait`);
    expect(result.stderr).toContain(
      'aws iam update-assume-role-policy --role-name immuta-audit-export --policy-document file://trust-policy.json',
    );
  });

  it('create:s3:assumedRole --json: nextSteps.trustPolicy with sts:ExternalId = the returned id; --immuta-account-id wins', async () => {
    status = ASSUME_ERROR;
    const result = await runCommand(
      [
        'audit',
        'exportConfig',
        'create:s3:assumedRole',
        'examples/s3-assumed-role.json',
        '--immuta-account-id',
        '444455556666',
        '--json',
      ],
      { env },
    );
    expect(result.exitCode, result.stderr).toBe(3);
    const body = JSON.parse(result.stdout) as SaveJson;
    const statement = body.nextSteps.trustPolicy?.Statement[0];
    expect(statement?.Condition.StringEquals['sts:ExternalId']).toBe(body.id);
    expect(statement?.Principal.AWS).toBe('arn:aws:iam::444455556666:root');
    expect(body.nextSteps.message).toContain("Immuta's error names account 111122223333");
  });

  it('an account id learned from the connection status is saved to the profile for later commands', async () => {
    status = ASSUME_ERROR;
    const profileHome = tempHome();
    try {
      const file = join(profileHome.home, '.immutacfg.yaml');
      writeFileSync(file, `default:\n  host: ${tenant.url}\n  api_key: ${API_KEY}\n`, { mode: 0o600 });
      const created = await runCommand(
        ['audit', 'exportConfig', 'create:s3:assumedRole', 'examples/s3-assumed-role.json'],
        { env: { HOME: profileHome.home } },
      );
      expect(created.exitCode, created.stderr).toBe(3);
      expect(created.stderr).toContain("Saved Immuta's AWS account id 111122223333");
      const saved = readFileSync(file, 'utf8');
      expect(saved).toContain('immuta_aws_account_id: "111122223333"');
      expect(saved).toContain(`api_key: ${API_KEY}`);
    } finally {
      profileHome.cleanup();
    }
  });

  it("uses the profile's immuta_aws_account_id, else says the account id is unknown", async () => {
    status = 'Error testing access to S3 using AssumedRole: AccessDenied when calling AssumeRole';
    const profileHome = tempHome();
    try {
      writeFileSync(
        join(profileHome.home, '.immutacfg.yaml'),
        `default:\n  host: ${tenant.url}\n  api_key: ${API_KEY}\n  immuta_aws_account_id: "777788889999"\n`,
        { mode: 0o600 },
      );
      const withProfile = await runCommand(
        ['audit', 'exportConfig', 'create:s3:assumedRole', 'examples/s3-assumed-role.json', '--json'],
        { env: { HOME: profileHome.home } },
      );
      expect(withProfile.exitCode, withProfile.stderr).toBe(3);
      expect((JSON.parse(withProfile.stdout) as SaveJson).nextSteps.trustPolicy?.Statement[0]?.Principal.AWS).toBe(
        'arn:aws:iam::777788889999:root',
      );
    } finally {
      profileHome.cleanup();
    }
    const unknown = await runCommand(
      ['audit', 'exportConfig', 'create:s3:assumedRole', 'examples/s3-assumed-role.json'],
      {
        env,
      },
    );
    expect(unknown.exitCode).toBe(3);
    expect(unknown.stderr).toContain('"AWS": "arn:aws:iam::<Immuta AWS Account ID>:root"');
    expect(unknown.stderr).toMatch(/account id is not known here: replace <Immuta AWS Account ID>/);
  });

  it('update:adls:sasToken sends the id and the token (without "?"), exits 3 when Azure refuses', async () => {
    status = 'Error testing access to ADLS - AuthenticationFailed: Server failed to authenticate the request.';
    const result = await runCommand(
      [
        'audit',
        'exportConfig',
        'update:adls:sasToken',
        CONFIG_ID,
        'test/fixtures/configs/good/update-adls-token.json',
        '--json',
      ],
      {
        env: { ...env, AZURE_SAS_TOKEN: `?${SAS}` },
      },
    );
    expect(result.exitCode, result.stderr).toBe(3);
    const request = onlyRequest();
    expect(request.operation).toBe('updateAdlsSasTokenExportConfiguration');
    expect(request.input).toEqual({ data: { id: CONFIG_ID, sasToken: SAS } });
    expect(request.variables).toEqual({ sasToken: SAS });
    const body = JSON.parse(result.stdout) as SaveJson;
    expect(body.nextSteps.message).toMatch(/Azure rejected the SAS token/);
    expect(result.stdout).not.toContain(SAS.split('sig=')[1]);
  });

  it('update:s3:accessKey from standard input sends only the changed field', async () => {
    const result = await runCommand(['audit', 'exportConfig', 'update:s3:accessKey', 'cfg-42', '-'], {
      env,
      input: '{"interval": "EVERY_24_HOURS"}',
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(onlyRequest().input).toEqual({ data: { id: 'cfg-42', interval: 'EVERY_24_HOURS' } });
    expect(result.stdout).toContain('cfg-42');
  });

  it('update on an unknown id: exit 2 "not found" with the nearest id, nothing mutated', async () => {
    const result = await runCommand(['audit', 'exportConfig', 'update:s3:accessKey', 'cfg-4', '-'], {
      env,
      input: '{"interval": "EVERY_24_HOURS"}',
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('no export configuration with id "cfg-4" (did you mean cfg-42');
    expect(tenant.requests.map((r) => r.operation)).toEqual(['getAllExportConfigurations']);
  });

  it('update with the wrong kind: exit 2 naming the right command, nothing mutated', async () => {
    const result = await runCommand(['audit', 'exportConfig', 'update:s3:assumedRole', 'cfg-42', '-', '--json'], {
      env,
      input: '{"interval": "EVERY_24_HOURS"}',
    });
    expect(result.exitCode).toBe(2);
    const error = (JSON.parse(result.stdout) as { error: { code: string; message: string; fix: string } }).error;
    expect(error.code).toBe('WRONG_KIND');
    expect(error.message).toContain('is an s3:accessKey configuration');
    expect(error.fix).toContain('update:s3:accessKey cfg-42');
    expect(tenant.requests.map((r) => r.operation)).toEqual(['getAllExportConfigurations']);
  });

  it('an invalid file sends nothing, even with a reachable tenant', async () => {
    const result = await runCommand(['audit', 'exportConfig', 'update:s3:assumedRole', CONFIG_ID, '-'], {
      env,
      input: '{"roleArn": "my-role"}',
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('<stdin>:1:13');
    expect(tenant.requests).toHaveLength(0);
  });
});
