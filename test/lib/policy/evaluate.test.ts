/**
 * The combining rules of IAM's policy evaluation logic: explicit deny, boundaries, same- vs
 * cross-account, account delegation, trust and key policies.
 */
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  principalFromArn,
  resourcePolicyKindFor,
  type EvaluateInput,
  type PolicyDocument,
  type PolicyRequest,
} from '../../../src/lib/policy/index.js';

const A = '111122223333';
const B = '444455556666';
const USER = `arn:aws:iam::${A}:user/alice`;
const ROLE = `arn:aws:iam::${A}:role/Writer`;
const SESSION = `arn:aws:sts::${A}:assumed-role/Writer/s1`;
const OBJECT = 'arn:aws:s3:::bucket/key';
const NOW = new Date('2024-06-01T00:00:00Z');

const allow = (extra: Partial<PolicyDocument['Statement']> = {}): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: { Sid: 'Allow', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket/*', ...extra },
});
const bucketAllow = (principal: string): PolicyDocument => ({
  Version: '2012-10-17',
  Statement: {
    Sid: 'BucketAllow',
    Effect: 'Allow',
    Principal: { AWS: principal },
    Action: 's3:PutObject',
    Resource: 'arn:aws:s3:::bucket/*',
  },
});
const deny: PolicyDocument = {
  Version: '2012-10-17',
  Statement: { Sid: 'DenyAll', Effect: 'Deny', Action: '*', Resource: '*' },
};
const boundaryWithoutPut: PolicyDocument = {
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
};

const req = (principalArn: string, overrides: Partial<PolicyRequest> = {}): PolicyRequest => ({
  principal: principalFromArn(principalArn),
  action: 's3:PutObject',
  resource: OBJECT,
  context: {},
  ...overrides,
});

const run = (input: Partial<EvaluateInput> & { request: PolicyRequest }) =>
  evaluate({ resourceAccount: A, now: NOW, ...input });

describe('explicit deny', () => {
  it('wins over allows in every other policy', () => {
    const result = run({ request: req(USER), identityPolicies: [allow(), deny], resourcePolicy: bucketAllow(USER) });
    expect(result.decision).toBe('ExplicitDeny');
    expect(result.blockedBy).toEqual(['identity']);
    expect(result.decidingStatements).toEqual([
      {
        policy: 'identity policy #2',
        statementIndex: 0,
        sid: 'DenyAll',
        effect: 'Deny',
        statement: expect.any(Object),
      },
    ]);
    expect(result.explanation).toMatch(
      /^Explicitly denied: s3:PutObject on arn:aws:s3:::bucket\/key by arn:aws:iam::111122223333:user\/alice\. Statement 'DenyAll'/,
    );
  });
  it('in a permissions boundary counts too', () => {
    expect(run({ request: req(USER), identityPolicies: [allow()], permissionsBoundary: deny }).blockedBy).toEqual([
      'boundary',
    ]);
  });
  it('reports every deny that applied', () => {
    const result = run({
      request: req(USER),
      identityPolicies: [deny],
      resourcePolicy: { Statement: { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' } },
    });
    expect(result.decidingStatements.map((s) => s.policy)).toEqual(['identity policy', 'resource policy']);
    expect(result.blockedBy).toEqual(['identity', 'resource']);
  });
});

describe('same account (identity OR resource policy)', () => {
  it.each([
    ['identity only', [allow()], undefined, 'Allow'],
    ['bucket policy naming the user only', [], bucketAllow(USER), 'Allow'],
    ['both', [allow()], bucketAllow(USER), 'Allow'],
    ['neither', [], undefined, 'ImplicitDeny'],
    ['bucket policy naming the account only (delegation needs identity allow)', [], bucketAllow(A), 'ImplicitDeny'],
    ['bucket policy naming the account plus identity allow', [allow()], bucketAllow(A), 'Allow'],
    [
      'bucket policy for "*"',
      [],
      { Statement: { Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: '*' } },
      'Allow',
    ],
  ] as const)('%s → %s', (_name, identity, resource, expected) => {
    const result = run({
      request: req(USER),
      identityPolicies: [...identity],
      ...(resource ? { resourcePolicy: resource } : {}),
    });
    expect(result.decision, result.explanation).toBe(expected);
    expect(result.crossAccount).toBe(false);
  });

  it('explains an implicit deny with the closest statements', () => {
    const result = run({ request: req(USER), identityPolicies: [allow({ Resource: 'arn:aws:s3:::other/*' })] });
    expect(result.blockedBy).toEqual(['identity', 'resource']);
    expect(result.decidingStatements).toEqual([]);
    expect(result.explanation).toContain(
      "Statement 'Allow' (#0) of the identity policy did not apply: its Resource arn:aws:s3:::other/* does not match arn:aws:s3:::bucket/key",
    );
    expect(result.explanation).toContain('There is no resource policy.');
  });
});

describe('cross account (identity AND resource policy)', () => {
  const foreign = `arn:aws:iam::${B}:user/bob`;
  it.each([
    ['identity only', [allow()], undefined, 'ImplicitDeny', ['resource']],
    ['resource only', [], bucketAllow(foreign), 'ImplicitDeny', ['identity']],
    ['both', [allow()], bucketAllow(foreign), 'Allow', []],
    ['both, bucket policy delegating to the caller account', [allow()], bucketAllow(B), 'Allow', []],
    ['bucket policy naming another account', [allow()], bucketAllow(A), 'ImplicitDeny', ['resource']],
  ] as const)('%s → %s', (_name, identity, resource, expected, blockedBy) => {
    const result = run({
      request: req(foreign),
      identityPolicies: [...identity],
      ...(resource ? { resourcePolicy: resource } : {}),
    });
    expect(result.decision, result.explanation).toBe(expected);
    expect(result.crossAccount).toBe(true);
    expect(result.blockedBy).toEqual(blockedBy);
  });
});

describe('permissions boundary', () => {
  it('must allow the action as well', () => {
    expect(
      run({ request: req(USER), identityPolicies: [allow()], permissionsBoundary: boundaryWithoutPut }).decision,
    ).toBe('ImplicitDeny');
    expect(
      run({
        request: req(USER),
        identityPolicies: [allow()],
        permissionsBoundary: { Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } },
      }).decision,
    ).toBe('Allow');
  });
  it('does not limit a same-account resource policy naming the user ARN or the session ARN', () => {
    expect(
      run({ request: req(USER), permissionsBoundary: boundaryWithoutPut, resourcePolicy: bucketAllow(USER) }).decision,
    ).toBe('Allow');
    expect(
      run({ request: req(SESSION), permissionsBoundary: boundaryWithoutPut, resourcePolicy: bucketAllow(SESSION) })
        .decision,
    ).toBe('Allow');
  });
  it('does limit one naming the role ARN', () => {
    const result = run({
      request: req(SESSION),
      permissionsBoundary: boundaryWithoutPut,
      resourcePolicy: bucketAllow(ROLE),
    });
    expect(result.decision).toBe('ImplicitDeny');
    expect(result.blockedBy).toEqual(['identity', 'boundary']);
    expect(result.explanation).toContain('a role ARN principal is still limited by the permissions boundary');
  });
  it('is ignored for callers it cannot apply to', () => {
    expect(run({ request: req(`arn:aws:iam::${A}:root`), permissionsBoundary: boundaryWithoutPut }).decision).toBe(
      'Allow',
    );
  });
});

describe('special callers', () => {
  it('the account root user has every permission in its account, short of an explicit deny', () => {
    expect(run({ request: req(A) }).decision).toBe('Allow');
    expect(
      run({
        request: req(A),
        resourcePolicy: { Statement: { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' } },
      }).decision,
    ).toBe('ExplicitDeny');
  });
  it('anonymous callers need a resource policy for "*"', () => {
    expect(run({ request: req('*') }).decision).toBe('ImplicitDeny');
    expect(run({ request: req('*'), resourcePolicy: bucketAllow('*') }).decision).toBe('Allow');
    expect(run({ request: req('*'), identityPolicies: [allow()] }).decision).toBe('ImplicitDeny');
  });
  it('service principals need the resource policy to name them', () => {
    const policy: PolicyDocument = {
      Statement: {
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: '*',
      },
    };
    expect(run({ request: req('logging.s3.amazonaws.com'), resourcePolicy: policy }).decision).toBe('Allow');
    expect(run({ request: req('cloudtrail.amazonaws.com'), resourcePolicy: policy }).decision).toBe('ImplicitDeny');
  });
});

describe('trust policies', () => {
  const roleArn = `arn:aws:iam::${A}:role/Target`;
  const trust = (principal: string): PolicyDocument => ({
    Version: '2012-10-17',
    Statement: { Sid: 'Trust', Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' },
  });
  const assume = (caller: string): PolicyRequest => req(caller, { action: 'sts:AssumeRole', resource: roleArn });
  const assumeAllowed: PolicyDocument = {
    Version: '2012-10-17',
    Statement: { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn },
  };

  it('is detected from the action', () => {
    expect(resourcePolicyKindFor('sts:AssumeRole')).toBe('trust');
    expect(resourcePolicyKindFor('STS:assumerolewithwebidentity')).toBe('trust');
    expect(resourcePolicyKindFor('kms:Decrypt')).toBe('key');
    expect(resourcePolicyKindFor('s3:PutObject')).toBe('resource');
  });
  it('must allow: identity policies alone never suffice', () => {
    const result = evaluate({ request: assume(USER), identityPolicies: [assumeAllowed], now: NOW });
    expect(result.decision).toBe('ImplicitDeny');
    expect(result.blockedBy).toEqual(['resource']);
    expect(result.explanation).toContain('There is no trust policy, and a trust policy must allow sts:AssumeRole.');
  });
  it('same account, naming the user: no identity policy needed', () => {
    expect(
      evaluate({ request: assume(USER), identityPolicies: [], resourcePolicy: trust(USER), now: NOW }).decision,
    ).toBe('Allow');
  });
  it('same account, trusting the account: the identity policy must allow', () => {
    expect(evaluate({ request: assume(USER), identityPolicies: [], resourcePolicy: trust(A), now: NOW }).decision).toBe(
      'ImplicitDeny',
    );
    expect(
      evaluate({ request: assume(USER), identityPolicies: [assumeAllowed], resourcePolicy: trust(A), now: NOW })
        .decision,
    ).toBe('Allow');
  });
  it('cross account: both sides, unless the caller side is unknown', () => {
    const caller = `arn:aws:iam::${B}:user/partner`;
    expect(
      evaluate({ request: assume(caller), identityPolicies: [], resourcePolicy: trust(B), now: NOW }).decision,
    ).toBe('ImplicitDeny');
    expect(
      evaluate({ request: assume(caller), identityPolicies: [assumeAllowed], resourcePolicy: trust(B), now: NOW })
        .decision,
    ).toBe('Allow');
    const unknown = evaluate({ request: assume(caller), resourcePolicy: trust(B), now: NOW });
    expect(unknown.decision).toBe('Allow');
    expect(unknown.notes).toEqual([
      "the caller's identity policies were not evaluated (not provided); assumed to allow the call",
    ]);
    expect(unknown.explanation).toContain('Note: ');
  });
  it('an explicit Deny in the trust policy wins, and BoolIfExists fires on an absent key', () => {
    const policy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: B }, Action: 'sts:AssumeRole' },
        {
          Sid: 'NoMfaNoEntry',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sts:AssumeRole',
          Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
        },
      ],
    };
    const withContext = (context: PolicyRequest['context']) =>
      evaluate({ request: { ...assume(`arn:aws:iam::${B}:root`), context }, resourcePolicy: policy, now: NOW });
    expect(withContext({ 'aws:MultiFactorAuthPresent': true }).decision).toBe('Allow');
    const withoutMfa = withContext({ 'aws:MultiFactorAuthPresent': false });
    expect(withoutMfa.decision).toBe('ExplicitDeny');
    expect(withoutMfa.decidingStatements[0]?.sid).toBe('NoMfaNoEntry');
    // Long-term keys send no aws:MultiFactorAuthPresent at all: …IfExists makes the Deny apply.
    expect(withContext({}).decision).toBe('ExplicitDeny');
  });
});

describe('time and labels', () => {
  it('fills aws:CurrentTime from `now` unless the request sets it', () => {
    const expiring = allow({ Condition: { DateLessThan: { 'aws:CurrentTime': '2024-07-01T00:00:00Z' } } });
    expect(
      run({ request: req(USER), identityPolicies: [expiring], now: new Date('2024-06-01T00:00:00Z') }).decision,
    ).toBe('Allow');
    expect(
      run({ request: req(USER), identityPolicies: [expiring], now: new Date('2024-08-01T00:00:00Z') }).decision,
    ).toBe('ImplicitDeny');
    expect(
      run({
        request: req(USER, { context: { 'aws:currenttime': '2025-01-01T00:00:00Z' } }),
        identityPolicies: [expiring],
      }).decision,
    ).toBe('ImplicitDeny');
  });
  it('uses the labels it is given', () => {
    const result = run({
      request: req(USER),
      identityPolicies: [{ label: 'managed policy ImmutaWrite', document: allow() }],
    });
    expect(result.decidingStatements[0]?.policy).toBe('managed policy ImmutaWrite');
    expect(result.policies.map((p) => `${p.kind}:${p.policy}`)).toEqual(['identity:managed policy ImmutaWrite']);
  });
  it('assumes the caller account for a resource without one, and says so', () => {
    const result = evaluate({ request: req(USER), resourcePolicy: bucketAllow(USER), now: NOW });
    expect(result.decision).toBe('Allow');
    expect(result.notes).toEqual([`the resource account is unknown; assumed to be the caller's account ${A}`]);
  });
});
