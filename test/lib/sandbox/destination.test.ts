import { describe, expect, it } from 'vitest';
import {
  ADLS_NOT_EMULATED,
  type DestinationEnvironment,
  testConnection,
} from '../../../src/lib/sandbox/destination.js';
import type { S3WriteTarget } from '../../../src/lib/sandbox/s3-port.js';
import type { ConfigurationRecord, RoleRecord } from '../../../src/lib/sandbox/state/schema.js';

const user = { id: 'u', name: 'U' };
const ROLE = 'arn:aws:iam::444455556666:role/immuta-audit-export';
const base: ConfigurationRecord = {
  id: '259fc41c-b502-418a-a8ff-d875335dbe9b',
  kind: 's3:accessKey',
  interval: 'EVERY_12_HOURS',
  enabled: true,
  bucket: 'b',
  path: 'p',
  region: 'us-east-1',
  accessKeyId: 'AKIASANDBOXDEMO00001',
  secretAccessKey: 'the-secret-value',
  connectionStatus: 'PENDING',
  revision: 1,
  createdAt: '',
  createdBy: user,
  updatedAt: '',
  updatedBy: user,
};
const trust = (externalId: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::111122223333:root' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': externalId } },
    },
  ],
});
const role = (policy: unknown): RoleRecord => ({
  roleArn: ROLE,
  trustPolicy: policy,
  accessKeyId: 'ASIAROLE000000000001',
  secretAccessKey: 'role-secret',
  createdAt: '',
  updatedAt: '',
});

function environment(
  probe: (t: S3WriteTarget) => Awaited<ReturnType<DestinationEnvironment['s3']['writeProbe']>>,
  roles: RoleRecord[] = [],
  embedded = true,
) {
  const targets: S3WriteTarget[] = [];
  const env: DestinationEnvironment = {
    endpoint: 'http://s3.test',
    embedded,
    findRole: (arn) => roles.find((r) => r.roleArn === arn),
    s3: {
      writeProbe: async (t) => {
        targets.push(t);
        return probe(t);
      },
      putObject: async () => undefined,
    },
  };
  return { env, targets };
}

describe('testConnection', () => {
  it('answers SUCCESS when the probe is written with the configuration credentials', async () => {
    const { env, targets } = environment(() => ({ ok: true }));
    expect(await testConnection(base, env)).toBe('SUCCESS');
    expect(targets[0]).toEqual({
      endpoint: 'http://s3.test',
      bucket: 'b',
      region: 'us-east-1',
      path: 'p',
      credentials: { accessKeyId: 'AKIASANDBOXDEMO00001', secretAccessKey: 'the-secret-value' },
    });
  });

  it("words S3 errors Immuta's way, without the secret", async () => {
    const { env } = environment(() => ({
      ok: false,
      code: 'SignatureDoesNotMatch',
      message:
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
    }));
    const status = await testConnection(base, env);
    expect(status).toBe(
      'Error testing access to S3 using AccessKey AKIASANDBOXDEMO00001 - The request signature we calculated does not match the signature you provided. Check your key and signing method. (Service: S3, Status Code: 403, Error Code: SignatureDoesNotMatch)',
    );
    expect(status).not.toContain('the-secret-value');
    const missing = environment(() => ({
      ok: false,
      code: 'NoSuchBucket',
      message: 'The specified bucket does not exist',
    }));
    expect(await testConnection(base, missing.env)).toMatch(
      /\(Service: S3, Status Code: 404, Error Code: NoSuchBucket\)$/,
    );
    const network = environment(() => ({
      ok: false,
      code: 'NetworkingError',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
    }));
    expect(await testConnection(base, network.env)).toMatch(
      / - connect ECONNREFUSED 127\.0\.0\.1:1 \(Service: S3, Error Code: NetworkingError\)$/,
    );
  });

  describe('assumed role', () => {
    const assumed: ConfigurationRecord = {
      ...base,
      kind: 's3:assumedRole',
      roleArn: ROLE,
      accessKeyId: undefined,
      secretAccessKey: undefined,
    };
    const denied = `Error testing access to S3 using AssumedRole ${ROLE} - User: arn:aws:sts::111122223333:assumed-role/immuta-audit-export/audit-service is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`;

    it('gives the documented error for an unknown role, without probing', async () => {
      const { env, targets } = environment(() => ({ ok: true }));
      expect(await testConnection(assumed, env)).toBe(denied);
      expect(targets).toEqual([]);
    });

    it('gives the documented error while the trust policy names another ExternalId', async () => {
      const { env } = environment(() => ({ ok: true }), [role(trust('some-other-id'))]);
      expect(await testConnection(assumed, env)).toBe(denied);
    });

    it('succeeds with the role credentials once the trust policy allows Immuta with the configuration id', async () => {
      const { env, targets } = environment(() => ({ ok: true }), [role(trust(base.id))]);
      expect(await testConnection(assumed, env)).toBe('SUCCESS');
      expect(targets[0]?.credentials).toEqual({ accessKeyId: 'ASIAROLE000000000001', secretAccessKey: 'role-secret' });
    });

    it('lets an explicit Deny win', async () => {
      const policy = trust(base.id);
      policy.Statement.push({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': base.id } },
      });
      const { env } = environment(() => ({ ok: true }), [role(policy)]);
      expect(await testConnection(assumed, env)).toBe(denied);
    });

    it('explains that role credentials exist only in the embedded S3', async () => {
      const { env } = environment(() => ({ ok: true }), [role(trust(base.id))], false);
      expect(await testConnection(assumed, env)).toMatch(/only for its embedded S3/);
    });
  });

  it('says honestly that ADLS is not emulated', async () => {
    const { env } = environment(() => ({ ok: true }));
    expect(
      await testConnection({ ...base, kind: 'adls:sasToken', storageAccount: 'acct', fileSystem: 'fs' }, env),
    ).toBe(ADLS_NOT_EMULATED);
  });
});
