/** planApply: pure matching and diffing, no tenant. */
import { describe, expect, it } from 'vitest';
import type { DesiredConfiguration } from '../../../src/lib/apply/desired.js';
import { destinationOfFile } from '../../../src/lib/apply/destination.js';
import { countActions, planApply } from '../../../src/lib/apply/plan.js';
import type { ExportKind } from '../../../src/lib/export-config/kinds.js';
import type { ExportConfiguration } from '../../../src/lib/tenant/types.js';
import { sampleConfiguration } from '../../helpers/fake-tenant.js';
import { thrown } from '../../helpers/expect-cli-error.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

function desired(file: string, kind: ExportKind, data: Record<string, unknown>): DesiredConfiguration {
  return { file, kind, data, destination: destinationOfFile(kind, data) };
}

const s3File = (file: string, overrides: Record<string, unknown> = {}) =>
  desired(file, 's3:accessKey', {
    interval: 'EVERY_12_HOURS',
    bucket: 'audit-bucket',
    path: 'immuta',
    region: 'us-east-1',
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    secretAccessKey: SECRET,
    ...overrides,
  });

const existing = (overrides: Record<string, unknown> = {}) => sampleConfiguration(overrides) as ExportConfiguration;
const s3Endpoint = (path: string | null, region = 'us-east-1') => ({
  __typename: 'S3AccessKeyEndpointConfiguration',
  bucket: 'audit-bucket',
  path,
  region,
});

const options = { prune: false, rotateSecrets: false };
const actions = (plan: ReturnType<typeof planApply>) => plan.steps.map((s) => s.action);

describe('planApply', () => {
  it('creates what the tenant lacks and leaves a matching configuration unchanged', () => {
    const plan = planApply([s3File('a.json'), s3File('b.json', { path: 'other' })], [existing()], options);
    expect(actions(plan)).toEqual([
      {
        action: 'unchanged',
        file: 'a.json',
        kind: 's3:accessKey',
        destination: 's3://audit-bucket/immuta (us-east-1)',
        id: 'cfg-1111',
        notCompared: ['accessKeyId', 'secretAccessKey'],
      },
      {
        action: 'create',
        file: 'b.json',
        kind: 's3:accessKey',
        destination: 's3://audit-bucket/other (us-east-1)',
        notCompared: ['accessKeyId', 'secretAccessKey'],
      },
    ]);
  });

  it('updates with the fields that change, never naming secret values', () => {
    const plan = planApply([s3File('a.json', { interval: 'EVERY_4_HOURS' })], [existing()], options);
    expect(actions(plan)).toEqual([
      expect.objectContaining({
        action: 'update',
        id: 'cfg-1111',
        changes: [{ field: 'interval', from: 'EVERY_12_HOURS', to: 'EVERY_4_HOURS' }],
        rotate: false,
      }),
    ]);
    expect(JSON.stringify(actions(plan))).not.toContain(SECRET);
  });

  it('matches a missing path to a null or empty one and normalises slashes', () => {
    const file = s3File('root.json', { path: undefined });
    delete file.data.path;
    const plan = planApply([file], [existing({ endpointConfiguration: s3Endpoint(null) })], options);
    expect(countActions(plan)).toMatchObject({ unchanged: 1, create: 0 });
    const slashed = planApply(
      [s3File('a.json')],
      [existing({ endpointConfiguration: s3Endpoint('/immuta/') })],
      options,
    );
    expect(countActions(slashed)).toMatchObject({ unchanged: 1 });
  });

  it('treats another region as another destination', () => {
    const plan = planApply(
      [s3File('a.json')],
      [existing({ endpointConfiguration: s3Endpoint('immuta', 'eu-west-1') })],
      options,
    );
    expect(countActions(plan)).toEqual({ create: 1, update: 0, unchanged: 0, delete: 0 });
  });

  it('sends credentials of an unchanged configuration only with --rotate-secrets', () => {
    const plan = planApply([s3File('a.json')], [existing()], { prune: false, rotateSecrets: true });
    expect(actions(plan)).toEqual([expect.objectContaining({ action: 'update', changes: [], rotate: true })]);
  });

  it('compares the role ARN when the tenant answers it, and says when it cannot', () => {
    const role = desired('role.json', 's3:assumedRole', {
      interval: 'EVERY_12_HOURS',
      bucket: 'audit-bucket',
      path: 'immuta',
      region: 'us-east-1',
      roleArn: 'arn:aws:iam::123456789012:role/new',
    });
    const endpoint = { ...s3Endpoint('immuta'), __typename: 'S3AssumedRoleEndpointConfiguration' };
    const answered = planApply(
      [role],
      [existing({ endpointConfiguration: { ...endpoint, roleArn: 'arn:aws:iam::123456789012:role/old' } })],
      options,
    );
    expect(actions(answered)[0]).toMatchObject({
      action: 'update',
      changes: [
        { field: 'roleArn', from: 'arn:aws:iam::123456789012:role/old', to: 'arn:aws:iam::123456789012:role/new' },
      ],
    });
    const notAnswered = planApply([role], [existing({ endpointConfiguration: endpoint })], options);
    expect(actions(notAnswered)[0]).toMatchObject({ action: 'unchanged', notCompared: ['roleArn'] });
  });

  it('with prune, deletes the configurations no file describes (and only then)', () => {
    const tenant = [existing(), existing({ id: 'cfg-2222', endpointConfiguration: s3Endpoint('old') })];
    expect(countActions(planApply([s3File('a.json')], tenant, options)).delete).toBe(0);
    const plan = planApply([s3File('a.json')], tenant, { prune: true, rotateSecrets: false });
    expect(actions(plan)[1]).toEqual({
      action: 'delete',
      id: 'cfg-2222',
      kind: 's3:accessKey',
      destination: 's3://audit-bucket/old (us-east-1)',
    });
  });

  it('stops on two files for one destination, naming both', () => {
    const error = thrown(() => planApply([s3File('a.json'), s3File('b.json')], [], options));
    expect(error).toMatchObject({
      code: 'APPLY_CONFLICT',
      exitCode: 2,
    });
    expect(error.message).toContain(
      'a.json and b.json describe the same destination s3://audit-bucket/immuta (us-east-1)',
    );
  });

  it('stops on one file matching two configurations, naming them', () => {
    const error = thrown(() => planApply([s3File('a.json')], [existing(), existing({ id: 'cfg-2222' })], options));
    expect(error).toMatchObject({ code: 'APPLY_CONFLICT', exitCode: 2 });
    expect(error.message).toContain('a.json matches 2 configurations on the tenant (cfg-1111, cfg-2222)');
    expect(error.details).toMatchObject({ conflicts: [{ reason: 'several-matches', ids: ['cfg-1111', 'cfg-2222'] }] });
  });

  it('stops when a file would change the authentication method of a configuration', () => {
    const tenant = [
      existing({
        endpointConfiguration: { ...s3Endpoint('immuta'), __typename: 'S3AssumedRoleEndpointConfiguration' },
      }),
    ];
    const error = thrown(() => planApply([s3File('a.json')], tenant, options));
    expect(error).toMatchObject({ code: 'APPLY_CONFLICT' });
    expect(error.message).toContain('a.json is s3:accessKey but configuration cfg-1111');
  });

  it('matches ADLS by storage account, file system and path', () => {
    const adls = desired('adls.json', 'adls:sasToken', {
      interval: 'EVERY_24_HOURS',
      storageAccount: 'account',
      fileSystem: 'audit',
      path: 'logs',
      sasToken: 'sv=2022-11-02&sig=abc',
    });
    const tenant = [
      existing({
        interval: 'EVERY_12_HOURS',
        endpointConfiguration: {
          __typename: 'AdlsSasTokenEndpointConfiguration',
          storageAccount: 'account',
          fileSystem: 'audit',
          path: 'logs',
        },
      }),
    ];
    expect(actions(planApply([adls], tenant, options))[0]).toMatchObject({
      action: 'update',
      destination: 'adls://account/audit/logs',
      changes: [{ field: 'interval', from: 'EVERY_12_HOURS', to: 'EVERY_24_HOURS' }],
      notCompared: ['sasToken'],
    });
  });
});
