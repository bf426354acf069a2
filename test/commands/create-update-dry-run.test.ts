import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOperation } from '../../src/lib/tenant/documents.js';
import { requestInput } from '../helpers/tenant-documents.js';
import { closedPort } from '../helpers/ports.js';
import { ROOT, tempHome } from '../helpers/run-cli.js';
import { runCommand } from '../helpers/run-command.js';

/**
 * --dry-run in-process through the command harness (test/helpers/run-command.ts): valid files exit 0, print the operation, document and
 * variables with secrets redacted, and send nothing. There is no profile and no API key, and
 * IMMUTA_HOST points at a closed port: any attempt to resolve or reach the tenant would fail.
 */
interface DryRun {
  dryRun: true;
  operation: string;
  query: string;
  variables: Record<string, unknown>;
}

const LITERAL_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ENV_SECRET = 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0MTIz';
const SAS_SIG = 'EXAMPLEsignatureEXAMPLEsignatureEXAMPLE00%3D';
const ENV_SAS = `?sv=2022-11-02&ss=b&srt=co&sp=rwdlac&se=2099-12-31T23:59:59Z&spr=https&sig=EnvSignatureForTheDryRunTest0000000%3D`;

describe('create/update --dry-run (command harness, nothing sent)', () => {
  const { home, cleanup } = tempHome();
  let env: Record<string, string>;

  beforeAll(async () => {
    env = { HOME: home, IMMUTA_HOST: `http://127.0.0.1:${await closedPort()}` };
  });
  afterAll(() => cleanup());

  /** The `data` input the tenant would receive: the query's literals and the variables, resolved. */
  const dataOf = (dryRun: DryRun) => requestInput(dryRun).data as Record<string, unknown>;

  async function dryRunJson(
    args: string[],
    extra: { env?: Record<string, string>; input?: string } = {},
  ): Promise<DryRun> {
    const result = await runCommand(['audit', 'exportConfig', ...args, '--dry-run', '--json'], {
      env: { ...env, ...extra.env },
      input: extra.input,
    });
    expect(result.exitCode, result.stderr + result.stdout).toBe(0);
    expect(result.stderr).toBe('');
    for (const secret of [LITERAL_SECRET, ENV_SECRET, SAS_SIG, ENV_SAS.slice(1)])
      expect(result.stdout).not.toContain(secret);
    const parsed = JSON.parse(result.stdout) as DryRun;
    expect(parsed.dryRun).toBe(true);
    expect(parsed.query).toBe(
      buildOperation(parsed.operation as Parameters<typeof buildOperation>[0], requestInput(parsed)).query,
    );
    return parsed;
  }

  it('prints the request for humans, secrets redacted', async () => {
    const result = await runCommand(
      ['audit', 'exportConfig', 'create:s3:accessKey', 'examples/s3-access-key.json', '--dry-run'],
      { env },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('Dry run: nothing was sent');
    expect(result.stdout).toContain('Operation: createS3AccessKeyExportConfiguration');
    expect(result.stdout).toContain(
      'mutation CreateS3AccessKeyExportConfiguration($bucket: String!, $path: String!, $region: String!, $accessKeyId: String!, $secretAccessKey: String!)',
    );
    expect(result.stdout).toContain('"secretAccessKey": "[REDACTED]"');
    expect(result.stdout).toContain('"accessKeyId": "AKIAIOSFODNN7EXAMPLE"');
    expect(result.stdout + result.stderr).not.toContain(LITERAL_SECRET);
  });

  it('accepts the official CLI spelling --dryRun and the flag before the file', async () => {
    const result = await runCommand(
      ['audit', 'exportConfig', 'create:s3:assumedRole', '--dryRun', 'examples/s3-assumed-role.json', '--json'],
      { env },
    );
    expect(result.exitCode, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as DryRun;
    expect(parsed.operation).toBe('createS3AssumedRoleExportConfiguration');
    expect(dataOf(parsed)).toEqual(JSON.parse(readFileSync(join(ROOT, 'examples/s3-assumed-role.json'), 'utf8')));
  });

  it('example: s3 access key (literal secret)', async () => {
    const parsed = await dryRunJson(['create:s3:accessKey', 'examples/s3-access-key.json']);
    expect(parsed.operation).toBe('createS3AccessKeyExportConfiguration');
    expect(dataOf(parsed)).toEqual({
      interval: 'EVERY_12_HOURS',
      bucket: 'your-s3-bucket',
      path: 'immuta-audit',
      region: 'us-east-1',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: '[REDACTED]',
    });
  });

  it('example: s3 access key for CI (both credentials from the environment)', async () => {
    const parsed = await dryRunJson(['create:s3:accessKey', 'examples/s3-access-key.ci.json'], {
      env: { AWS_ACCESS_KEY_ID: 'AKIAI44QH8DHBEXAMPLE', AWS_SECRET_ACCESS_KEY: `${ENV_SECRET}\n` },
    });
    expect(dataOf(parsed)).toMatchObject({ accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: '[REDACTED]' });
  });

  it('examples: adls (literal token and token from the environment)', async () => {
    const literal = await dryRunJson(['create:adls:sasToken', 'examples/adls-sas-token.json']);
    expect(literal.operation).toBe('createAdlsSasTokenEndpointConfiguration');
    expect(dataOf(literal)).toEqual({
      interval: 'EVERY_12_HOURS',
      storageAccount: 'yourstorageaccount',
      fileSystem: 'audit-output',
      path: 'immuta-audit',
      sasToken: '[REDACTED]',
    });
    const fromEnv = await dryRunJson(['create:adls:sasToken', 'examples/adls-sas-token.ci.json'], {
      env: { AZURE_SAS_TOKEN: ENV_SAS },
    });
    expect(dataOf(fromEnv).sasToken).toBe('[REDACTED]');
  });

  it('reads a secret from standard input ({"fromStdin": true}) and normalises the path', async () => {
    const parsed = await dryRunJson(
      ['create:s3:accessKey', 'test/fixtures/configs/good/s3-access-key-messy-path.json'],
      { input: `${ENV_SECRET}\n` },
    );
    expect(dataOf(parsed)).toEqual({
      interval: 'EVERY_6_HOURS',
      bucket: 'audit.example-bucket',
      path: 'immuta/audit/logs',
      region: 'eu-central-2',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: '[REDACTED]',
    });
  });

  it('reads the configuration from standard input (-)', async () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/configs/good/s3-assumed-role-govcloud.json'), 'utf8');
    const parsed = await dryRunJson(['create:s3:assumedRole', '-'], { input: text });
    expect(dataOf(parsed)).toEqual(JSON.parse(text));
    expect(dataOf(parsed)).not.toHaveProperty('path');
  });

  it('update: the ID argument becomes data.id; only the given fields are sent', async () => {
    const s3 = await dryRunJson([
      'update:s3:accessKey',
      'cfg-1',
      'test/fixtures/configs/good/update-interval-only.json',
    ]);
    expect(s3.operation).toBe('updateS3AccessKeyExportConfiguration');
    expect(dataOf(s3)).toEqual({ id: 'cfg-1', interval: 'EVERY_2_HOURS' });
    const adls = await dryRunJson(
      [
        'update:adls:sasToken',
        '259fc41c-b502-418a-a8ff-d875335dbe9b',
        'test/fixtures/configs/good/update-adls-token.json',
      ],
      {
        env: { AZURE_SAS_TOKEN: ENV_SAS },
      },
    );
    expect(adls.operation).toBe('updateAdlsSasTokenExportConfiguration');
    expect(dataOf(adls)).toEqual({ id: '259fc41c-b502-418a-a8ff-d875335dbe9b', sasToken: '[REDACTED]' });
  });
});
