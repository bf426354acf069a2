/**
 * The Immuta scenarios of aws-export-failure-modes.md §3.2 ("Results on the Immuta scenarios", recorded
 * with iam-simulate) and the KMS/trust cases of §1, as a table.
 */
import { describe, expect, it } from 'vitest';
import {
  evaluateKmsRequest,
  evaluateS3PutObject,
  evaluateTrustPolicy,
  type Decision,
  type EvaluationResult,
  type PolicyDocument,
} from '../../../src/lib/policy/index.js';

const CUSTOMER = '111122223333';
const OTHER = '444455556666';
const IMMUTA = '999988887777';
const BUCKET = 'customer-audit';
const KEY = 'immuta/audit/2024/01/01/events.json';
const ROLE_SESSION = `arn:aws:sts::${CUSTOMER}:assumed-role/ImmutaExport/immuta-session`;
const USER = `arn:aws:iam::${CUSTOMER}:user/immuta-writer`;
const OTHER_USER = `arn:aws:iam::${OTHER}:user/immuta-writer`;
const EXTERNAL_ID = 'cfg-0123456789abcdef';
const NOW = new Date('2024-06-01T12:00:00Z');

const allowPut = (resource: string | string[]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'AllowImmutaWrite', Effect: 'Allow', Action: 's3:PutObject', Resource: resource }],
});
const identityAllowsObjects = allowPut(`arn:aws:s3:::${BUCKET}/*`);

const bucketPolicy = (...statements: PolicyDocument['Statement'][]): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: statements.flat(),
});

const denyInsecureTransport = {
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny' as const,
  Principal: '*' as const,
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};

const denyOutsideVpce = {
  Sid: 'DenyOutsideVpce',
  Effect: 'Deny' as const,
  Principal: '*' as const,
  Action: 's3:*',
  Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
  Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' } },
};

const denyUnencrypted = {
  Sid: 'DenyUnencryptedUploads',
  Effect: 'Deny' as const,
  Principal: '*' as const,
  Action: 's3:PutObject',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
};

const denyOutsideCidr = {
  Sid: 'DenyOutsideCorpNetwork',
  Effect: 'Deny' as const,
  Principal: '*' as const,
  Action: 's3:*',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  Condition: { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } },
};

const trustPolicy: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'TrustImmuta',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${IMMUTA}:root` },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': EXTERNAL_ID } },
    },
  ],
};

const defaultKeyPolicy = (account: string): PolicyDocument => ({
  Version: '2012-10-17',
  Id: 'key-default-1',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
});
const KEY_ARN = `arn:aws:kms:eu-west-1:${CUSTOMER}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

interface Case {
  name: string;
  run: () => EvaluationResult;
  expected: Decision;
  /** Something the explanation or the deciding statements must show. */
  check?: (result: EvaluationResult) => void;
}

const put = (overrides: Partial<Parameters<typeof evaluateS3PutObject>[0]> = {}): EvaluationResult =>
  evaluateS3PutObject({
    principalArn: ROLE_SESSION,
    bucket: BUCKET,
    key: KEY,
    bucketAccountId: CUSTOMER,
    now: NOW,
    ...overrides,
  });

const cases: Case[] = [
  {
    name: 'role session, identity allows bucket/*, no bucket policy',
    run: () => put({ identityPolicies: [identityAllowsObjects] }),
    expected: 'Allow',
    check: (r) => expect(r.decidingStatements.map((s) => s.sid)).toEqual(['AllowImmutaWrite']),
  },
  {
    name: 'identity allows only arn:aws:s3:::bucket (no /*)',
    run: () => put({ identityPolicies: [allowPut(`arn:aws:s3:::${BUCKET}`)] }),
    expected: 'ImplicitDeny',
    check: (r) => {
      expect(r.blockedBy).toContain('identity');
      expect(r.explanation).toContain('lacks "/*"');
      const statement = r.policies[0]?.statements[0];
      expect(statement?.mismatches).toEqual([expect.objectContaining({ element: 'Resource' })]);
      expect(statement?.summary).toMatch(
        /^statement 'AllowImmutaWrite' \(#0\) of the identity policy did not apply: its Resource arn:aws:s3:::customer-audit does not match .* it lacks "\/\*"/,
      );
    },
  },
  {
    name: "GovCloud: the object's ARN is in the writer's partition (arn:aws-us-gov:s3), as the account's policies name it",
    run: () =>
      put({
        principalArn: ROLE_SESSION.replace('arn:aws:', 'arn:aws-us-gov:'),
        identityPolicies: [allowPut(`arn:aws-us-gov:s3:::${BUCKET}/*`)],
      }),
    expected: 'Allow',
  },
  {
    name: 'bucket policy denies non-TLS; request has SecureTransport=true',
    run: () => put({ identityPolicies: [identityAllowsObjects], bucketPolicy: bucketPolicy(denyInsecureTransport) }),
    expected: 'Allow',
  },
  {
    name: 'bucket policy denies non-TLS; request over plain HTTP',
    run: () =>
      put({
        identityPolicies: [identityAllowsObjects],
        bucketPolicy: bucketPolicy(denyInsecureTransport),
        context: { 'aws:SecureTransport': false },
      }),
    expected: 'ExplicitDeny',
  },
  {
    name: 'bucket policy StringNotEquals aws:SourceVpce, no VPCE in the context',
    run: () => put({ identityPolicies: [identityAllowsObjects], bucketPolicy: bucketPolicy(denyOutsideVpce) }),
    expected: 'ExplicitDeny',
    check: (r) => {
      expect(r.blockedBy).toEqual(['resource']);
      expect(r.decidingStatements).toEqual([
        expect.objectContaining({ policy: 'bucket policy', statementIndex: 0, sid: 'DenyOutsideVpce', effect: 'Deny' }),
      ]);
      expect(r.explanation).toContain('negated operator');
    },
  },
  {
    name: 'bucket policy StringNotEquals aws:SourceVpce, request from that VPCE',
    run: () =>
      put({
        identityPolicies: [identityAllowsObjects],
        bucketPolicy: bucketPolicy(denyOutsideVpce),
        context: { 'aws:SourceVpce': 'vpce-1a2b3c4d' },
      }),
    expected: 'Allow',
  },
  {
    name: 'deny unless SSE header is aws:kms; header absent',
    run: () => put({ identityPolicies: [identityAllowsObjects], bucketPolicy: bucketPolicy(denyUnencrypted) }),
    expected: 'ExplicitDeny',
  },
  {
    name: 'deny unless SSE header is aws:kms; header present',
    run: () =>
      put({
        identityPolicies: [identityAllowsObjects],
        bucketPolicy: bucketPolicy(denyUnencrypted),
        context: { 's3:x-amz-server-side-encryption': 'aws:kms' },
      }),
    expected: 'Allow',
  },
  {
    name: 'cross-account user, no bucket policy',
    run: () => put({ principalArn: OTHER_USER, identityPolicies: [identityAllowsObjects] }),
    expected: 'ImplicitDeny',
    check: (r) => {
      expect(r.crossAccount).toBe(true);
      expect(r.blockedBy).toEqual(['resource']);
      expect(r.explanation).toContain('cross-account');
    },
  },
  {
    name: 'cross-account user, bucket policy without /*',
    run: () =>
      put({
        principalArn: OTHER_USER,
        identityPolicies: [identityAllowsObjects],
        bucketPolicy: bucketPolicy({
          Sid: 'AllowPartner',
          Effect: 'Allow',
          Principal: { AWS: OTHER_USER },
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${BUCKET}`,
        }),
      }),
    expected: 'ImplicitDeny',
    check: (r) => expect(r.explanation).toContain(`Statement 'AllowPartner' (#0) of the bucket policy did not apply`),
  },
  {
    name: 'cross-account user, correct bucket policy',
    run: () =>
      put({
        principalArn: OTHER_USER,
        identityPolicies: [identityAllowsObjects],
        bucketPolicy: bucketPolicy({
          Sid: 'AllowPartner',
          Effect: 'Allow',
          Principal: { AWS: OTHER_USER },
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
        }),
      }),
    expected: 'Allow',
    check: (r) => expect(r.decidingStatements.map((s) => s.policy)).toEqual(['identity policy', 'bucket policy']),
  },
  {
    name: 'cross-account user, correct bucket policy, identity policy missing',
    run: () =>
      put({
        principalArn: OTHER_USER,
        bucketPolicy: bucketPolicy({
          Sid: 'AllowPartner',
          Effect: 'Allow',
          Principal: { AWS: OTHER_USER },
          Action: 's3:PutObject',
          Resource: `arn:aws:s3:::${BUCKET}/*`,
        }),
      }),
    expected: 'ImplicitDeny',
    check: (r) => expect(r.blockedBy).toEqual(['identity']),
  },
  {
    name: 'permissions boundary without s3:PutObject',
    run: () =>
      put({
        identityPolicies: [identityAllowsObjects],
        permissionsBoundary: {
          Version: '2012-10-17',
          Statement: { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' },
        },
      }),
    expected: 'ImplicitDeny',
    check: (r) => expect(r.blockedBy[0]).toBe('boundary'),
  },
  {
    name: 'trust policy, right ExternalId',
    run: () =>
      evaluateTrustPolicy(trustPolicy, { callerArn: `arn:aws:iam::${IMMUTA}:root`, externalId: EXTERNAL_ID, now: NOW }),
    expected: 'Allow',
    check: (r) => {
      expect(r.decidingStatements.map((s) => s.sid)).toEqual(['TrustImmuta']);
      expect(r.notes).toContain('the account root user needs no identity policy');
    },
  },
  {
    name: 'trust policy, Immuta role session, right ExternalId (identity policies unknown)',
    run: () =>
      evaluateTrustPolicy(trustPolicy, {
        callerArn: `arn:aws:sts::${IMMUTA}:assumed-role/ImmutaAuditExporter/export-42`,
        externalId: EXTERNAL_ID,
        roleArn: `arn:aws:iam::${CUSTOMER}:role/ImmutaExport`,
        now: NOW,
      }),
    expected: 'Allow',
    check: (r) => {
      expect(r.crossAccount).toBe(true);
      expect(r.notes.join(' ')).toContain('not evaluated');
    },
  },
  {
    name: 'trust policy, wrong ExternalId',
    run: () =>
      evaluateTrustPolicy(trustPolicy, { callerArn: `arn:aws:iam::${IMMUTA}:root`, externalId: 'cfg-old', now: NOW }),
    expected: 'ImplicitDeny',
    check: (r) =>
      expect(r.explanation).toContain('sts:ExternalId "cfg-old" does not satisfy StringEquals "cfg-0123456789abcdef"'),
  },
  {
    name: 'trust policy, missing ExternalId',
    run: () => evaluateTrustPolicy(trustPolicy, { callerArn: `arn:aws:iam::${IMMUTA}:root`, now: NOW }),
    expected: 'ImplicitDeny',
    check: (r) => expect(r.explanation).toContain('sts:ExternalId is absent from the request'),
  },
  {
    name: 'trust policy, another account with the right ExternalId',
    run: () =>
      evaluateTrustPolicy(trustPolicy, { callerArn: `arn:aws:iam::${OTHER}:root`, externalId: EXTERNAL_ID, now: NOW }),
    expected: 'ImplicitDeny',
  },
  {
    name: 'trust policy, Immuta caller whose identity policy lacks sts:AssumeRole',
    run: () =>
      evaluateTrustPolicy(trustPolicy, {
        callerArn: `arn:aws:sts::${IMMUTA}:assumed-role/ImmutaAuditExporter/export-42`,
        externalId: EXTERNAL_ID,
        roleArn: `arn:aws:iam::${CUSTOMER}:role/ImmutaExport`,
        callerIdentityPolicies: [
          { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } },
        ],
        now: NOW,
      }),
    expected: 'ImplicitDeny',
    check: (r) => expect(r.blockedBy).toEqual(['identity']),
  },
  {
    name: 'Deny NotIpAddress aws:SourceIp, caller outside the CIDRs',
    run: () =>
      put({
        identityPolicies: [identityAllowsObjects],
        bucketPolicy: bucketPolicy(denyOutsideCidr),
        context: { 'aws:SourceIp': '198.51.100.7' },
      }),
    expected: 'ExplicitDeny',
  },
  {
    name: 'Deny NotIpAddress aws:SourceIp, caller inside the IPv4 CIDR',
    run: () =>
      put({
        identityPolicies: [identityAllowsObjects],
        bucketPolicy: bucketPolicy(denyOutsideCidr),
        context: { 'aws:SourceIp': '203.0.113.44' },
      }),
    expected: 'Allow',
  },
  {
    name: 'Deny NotIpAddress aws:SourceIp, caller inside the IPv6 CIDR',
    run: () =>
      put({
        identityPolicies: [identityAllowsObjects],
        bucketPolicy: bucketPolicy(denyOutsideCidr),
        context: { 'aws:SourceIp': '2001:db8:1234::7' },
      }),
    expected: 'Allow',
  },
  {
    name: 'KMS same account, default key policy, identity allows',
    run: () =>
      evaluateKmsRequest({
        principalArn: ROLE_SESSION,
        keyArn: KEY_ARN,
        action: 'kms:GenerateDataKey',
        keyPolicy: defaultKeyPolicy(CUSTOMER),
        identityPolicies: [
          {
            Version: '2012-10-17',
            Statement: { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: KEY_ARN },
          },
        ],
        now: NOW,
      }),
    expected: 'Allow',
  },
  {
    name: "KMS same account, default key policy, identity doesn't allow",
    run: () =>
      evaluateKmsRequest({
        principalArn: ROLE_SESSION,
        keyArn: KEY_ARN,
        action: 'kms:GenerateDataKey',
        keyPolicy: defaultKeyPolicy(CUSTOMER),
        identityPolicies: [],
        now: NOW,
      }),
    expected: 'ImplicitDeny',
    check: (r) => {
      expect(r.blockedBy).toEqual(['identity']);
      expect(r.explanation).toContain('delegating to account');
    },
  },
  {
    name: 'KMS cross-account with the default key policy',
    run: () =>
      evaluateKmsRequest({
        principalArn: OTHER_USER,
        keyArn: KEY_ARN,
        action: 'kms:GenerateDataKey',
        keyPolicy: defaultKeyPolicy(CUSTOMER),
        identityPolicies: [{ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:*', Resource: '*' } }],
        now: NOW,
      }),
    expected: 'ImplicitDeny',
    check: (r) => expect(r.blockedBy).toEqual(['resource']),
  },
  {
    name: 'KMS same account, no key policy given',
    run: () =>
      evaluateKmsRequest({
        principalArn: USER,
        keyArn: KEY_ARN,
        action: 'kms:Decrypt',
        identityPolicies: [{ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'kms:*', Resource: '*' } }],
        now: NOW,
      }),
    expected: 'ImplicitDeny',
    check: (r) => expect(r.explanation).toContain('There is no key policy, and a key policy must allow kms:Decrypt'),
  },
  {
    name: 'KMS key policy naming the user directly, no identity policy',
    run: () =>
      evaluateKmsRequest({
        principalArn: USER,
        keyArn: KEY_ARN,
        action: 'kms:GenerateDataKey',
        keyPolicy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: USER }, Action: 'kms:GenerateDataKey*', Resource: '*' }],
        },
        now: NOW,
      }),
    expected: 'Allow',
  },
];

describe('Immuta export scenarios (notes §3.2)', () => {
  it.each(cases)('$name → $expected', ({ run, expected, check }) => {
    const result = run();
    expect(result.decision, result.explanation).toBe(expected);
    check?.(result);
  });
});

describe('convenience wrappers', () => {
  it('accept policies as JSON text, URL-encoded text, and labeled documents', () => {
    const encoded = encodeURIComponent(JSON.stringify(trustPolicy));
    expect(evaluateTrustPolicy(encoded, { callerArn: IMMUTA, externalId: EXTERNAL_ID }).decision).toBe('Allow');
    const labeled = put({
      identityPolicies: [{ label: 'inline policy ImmutaWrite', document: JSON.stringify(identityAllowsObjects) }],
    });
    expect(labeled.decidingStatements[0]?.policy).toBe('inline policy ImmutaWrite');
  });

  it('throw PolicyParseError for a malformed policy text', () => {
    expect(() => put({ bucketPolicy: '{"Statement": [' })).toThrowError(
      expect.objectContaining({ name: 'PolicyParseError', code: 'INVALID_JSON' }),
    );
  });

  it('S3 defaults aws:SecureTransport=true and aws:ResourceAccount, overridable by context', () => {
    const perimeter = bucketPolicy({
      Sid: 'DenyOtherResourceAccounts',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:ResourceAccount': CUSTOMER } },
    });
    expect(put({ identityPolicies: [identityAllowsObjects], bucketPolicy: perimeter }).decision).toBe('Allow');
    expect(
      put({
        identityPolicies: [identityAllowsObjects],
        bucketPolicy: perimeter,
        context: { 'aws:resourceaccount': OTHER },
      }).decision,
    ).toBe('ExplicitDeny');
  });

  it('a Deny carve-out on aws:PrincipalArn lets the export role through (D3 fix)', () => {
    const withCarveOut = bucketPolicy({
      ...denyOutsideVpce,
      Condition: {
        StringNotEquals: { 'aws:SourceVpce': 'vpce-1a2b3c4d' },
        ArnNotLike: { 'aws:PrincipalArn': `arn:aws:iam::${CUSTOMER}:role/ImmutaExport` },
      },
    });
    expect(put({ identityPolicies: [identityAllowsObjects], bucketPolicy: withCarveOut }).decision).toBe('Allow');
    expect(
      put({ principalArn: USER, identityPolicies: [identityAllowsObjects], bucketPolicy: withCarveOut }).decision,
    ).toBe('ExplicitDeny');
  });
});
