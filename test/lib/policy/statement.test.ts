/** Single statements and single policies: element matching, Not* elements, reasons, case rules. */
import { describe, expect, it } from 'vitest';
import {
  evaluatePolicy,
  principalFromArn,
  type PolicyDocument,
  type PolicyKind,
  type PolicyRequest,
  type Statement,
} from '../../../src/lib/policy/index.js';

const ACCOUNT = '111122223333';
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/ImmutaExport/immuta-session`;

const request = (overrides: Partial<PolicyRequest> = {}): PolicyRequest => ({
  principal: principalFromArn(SESSION),
  action: 's3:PutObject',
  resource: 'arn:aws:s3:::customer-audit/immuta/a.json',
  context: { 'aws:SecureTransport': true },
  ...overrides,
});

function one(
  statement: Statement,
  kind: PolicyKind = 'identity',
  req = request(),
  version: PolicyDocument['Version'] = '2012-10-17',
) {
  const policy: PolicyDocument = version ? { Version: version, Statement: [statement] } : { Statement: [statement] };
  const result = evaluatePolicy(policy, req, { kind });
  const first = result.statements[0];
  if (!first) throw new Error('no statement');
  return first;
}

describe('Action and NotAction', () => {
  it.each([
    ['s3:PutObject', true],
    ['S3:PUTOBJECT', true],
    ['s3:*', true],
    ['*', true],
    ['s3:Put*', true],
    ['s3:PutObjec?', true],
    ['s3:PutObject?', false],
    ['s3:Get*', false],
    ['s3:PutObjectAcl', false],
    ['kms:*', false],
  ])('Action %s → %s', (action, applies) => {
    expect(one({ Effect: 'Allow', Action: action, Resource: '*' }).applies).toBe(applies);
  });

  it('NotAction applies to every action it does not list', () => {
    expect(one({ Effect: 'Deny', NotAction: ['s3:GetObject', 'iam:*'], Resource: '*' }).applies).toBe(true);
    const excluded = one({ Effect: 'Deny', NotAction: 's3:Put*', Resource: '*' });
    expect(excluded.applies).toBe(false);
    expect(excluded.mismatches).toEqual([
      { element: 'NotAction', message: 'its NotAction excludes s3:PutObject (via "s3:Put*")' },
    ]);
  });
});

describe('Resource and NotResource', () => {
  it.each([
    ['arn:aws:s3:::customer-audit/*', true],
    ['arn:aws:s3:::customer-audit/immuta/*', true],
    ['arn:aws:s3:::customer-audit/immuta/?.json', true],
    ['arn:aws:s3:::customer-audit/logs/*', false],
    ['arn:aws:s3:::customer-audit', false],
    ['arn:aws:s3:::Customer-Audit/*', false],
    ['arn:aws:s3:::customer-*/*', true],
    ['arn:aws:s3:::*', true],
    ['*', true],
  ])('Resource %s → %s', (resource, applies) => {
    expect(one({ Effect: 'Allow', Action: 's3:PutObject', Resource: resource }).applies).toBe(applies);
  });

  it('says a bucket ARN lacks /*', () => {
    const result = one({
      Sid: 'AllowImmuta',
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::customer-audit',
    });
    expect(result.summary).toBe(
      'statement \'AllowImmuta\' (#0) of the identity policy did not apply: its Resource arn:aws:s3:::customer-audit does not match arn:aws:s3:::customer-audit/immuta/a.json: it lacks "/*" (arn:aws:s3:::customer-audit is the bucket or folder itself; objects need arn:aws:s3:::customer-audit/*)',
    );
  });

  it('NotResource applies to every resource it does not list', () => {
    expect(one({ Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::other/*' }).applies).toBe(true);
    const excluded = one({
      Effect: 'Deny',
      Action: 's3:*',
      NotResource: ['arn:aws:s3:::customer-audit', 'arn:aws:s3:::customer-audit/*'],
    });
    expect(excluded.applies).toBe(false);
    expect(excluded.mismatches[0]?.element).toBe('NotResource');
  });

  it('wildcards stay inside one ARN segment unless a * ends the segment (IAM Resource element)', () => {
    const req = request({ action: 'kms:Decrypt', resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/abc` });
    const applies = (resource: string): boolean =>
      one({ Effect: 'Allow', Action: 'kms:*', Resource: resource }, 'identity', req).applies;
    expect(applies(`arn:aws:kms:*:${ACCOUNT}:key/*`)).toBe(true);
    expect(applies('arn:aws:kms:eu-west-1*')).toBe(true);
    expect(applies('arn:aws:kms:eu-*-1:*')).toBe(true);
    // `e*1` must match within the region segment; it cannot swallow ":111122223333".
    expect(applies('arn:aws:kms:e*3:key/abc')).toBe(false);
    expect(applies('arn:aws:kms:eu-west-?:111122223333:key/ab?')).toBe(true);
    expect(applies('arn:aws:kms:eu-west-1?111122223333:key/abc')).toBe(false);
  });

  it('substitutes policy variables in Resource; an unresolved one matches nothing', () => {
    const home = {
      Effect: 'Allow' as const,
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::customer-audit/${aws:PrincipalAccount}/*',
    };
    const req = request({ resource: `arn:aws:s3:::customer-audit/${ACCOUNT}/x` });
    expect(one(home, 'identity', req).applies).toBe(true);
    // The legacy grammar has no variables: the text is literal.
    expect(one(home, 'identity', req, '2008-10-17').applies).toBe(false);
    const byUser = {
      Effect: 'Allow' as const,
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::customer-audit/${aws:username}/*',
    };
    expect(
      one(byUser, 'identity', request({ resource: 'arn:aws:s3:::customer-audit/${aws:username}/x' })).applies,
    ).toBe(false);
  });

  it('a trust policy statement needs no Resource; other kinds do', () => {
    const trust = { Effect: 'Allow' as const, Principal: { AWS: ACCOUNT }, Action: 'sts:AssumeRole' };
    const req = request({ action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/R` });
    expect(one(trust, 'trust', req).applies).toBe(true);
    expect(one(trust, 'resource', req).mismatches).toEqual([{ element: 'Resource', message: 'it has no Resource' }]);
  });
});

describe('Principal in resource-based policies', () => {
  it('is required there, ignored in identity policies', () => {
    const noPrincipal = { Effect: 'Allow' as const, Action: 's3:PutObject', Resource: '*' };
    expect(one(noPrincipal, 'resource').mismatches[0]?.message).toContain('needs');
    expect(one(noPrincipal, 'identity').applies).toBe(true);
  });
  it('records how the principal matched', () => {
    expect(
      one({ Effect: 'Allow', Principal: { AWS: ACCOUNT }, Action: 's3:PutObject', Resource: '*' }, 'resource')
        .principalMatch?.kind,
    ).toBe('account');
  });
  it('NotPrincipal with Deny applies to everyone not fully listed', () => {
    const deny = (listed: string[]) =>
      one({ Effect: 'Deny', NotPrincipal: { AWS: listed }, Action: 's3:*', Resource: '*' }, 'resource');
    expect(deny([`arn:aws:iam::${ACCOUNT}:role/ImmutaExport`, ACCOUNT]).applies).toBe(true);
    expect(deny([SESSION, `arn:aws:iam::${ACCOUNT}:role/ImmutaExport`, ACCOUNT]).applies).toBe(false);
  });
});

describe('reasons', () => {
  it('lists every element that failed, not only the first', () => {
    const result = one(
      {
        Sid: 'TrustImmuta',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999988887777:root' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': 'cfg-1' }, Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
      'trust',
      request(),
    );
    expect(result.mismatches.map((m) => m.element)).toEqual(['Action', 'Principal', 'Condition', 'Condition']);
    expect(result.mismatches.filter((m) => m.element === 'Condition').map((m) => m.key)).toEqual([
      'sts:ExternalId',
      'aws:MultiFactorAuthPresent',
    ]);
  });

  it('explains why a Deny applies', () => {
    const result = one(
      {
        Sid: 'DenyOutsideVpce',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
      },
      'resource',
    );
    expect(result.applies).toBe(true);
    expect(result.summary).toContain("statement 'DenyOutsideVpce' (#0) of the resource policy denies s3:PutObject");
    expect(result.summary).toContain('negated operator');
  });
});

describe('evaluatePolicy', () => {
  it('returns allowing and denying statements and a per-policy decision', () => {
    const policy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'A', Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Sid: 'B', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
        {
          Sid: 'C',
          Effect: 'Deny',
          Action: 's3:PutObject',
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    };
    const result = evaluatePolicy(policy, request(), { label: 'inline policy' });
    expect(result.decision).toBe('Allow');
    expect(result.allowing.map((s) => s.sid)).toEqual(['A']);
    expect(result.denying).toEqual([]);
    expect(result.statements.map((s) => s.policy)).toEqual(['inline policy', 'inline policy', 'inline policy']);
    const insecure = evaluatePolicy(policy, request({ context: { 'aws:SecureTransport': false } }));
    expect(insecure.decision).toBe('ExplicitDeny');
    expect(insecure.denying.map((s) => s.sid)).toEqual(['C']);
  });

  it('accepts a single statement object', () => {
    expect(evaluatePolicy({ Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }, request()).decision).toBe(
      'Allow',
    );
  });

  it('fills aws:PrincipalArn etc. from the principal, and the request context can override them', () => {
    const policy: PolicyDocument = {
      Version: '2012-10-17',
      Statement: {
        Effect: 'Allow',
        Principal: '*',
        Action: '*',
        Resource: '*',
        Condition: { ArnEquals: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:role/ImmutaExport` } },
      },
    };
    expect(evaluatePolicy(policy, request(), { kind: 'resource' }).decision).toBe('Allow');
    expect(
      evaluatePolicy(policy, request({ context: { 'AWS:PrincipalArn': 'arn:aws:iam::1:role/x' } }), {
        kind: 'resource',
      }).decision,
    ).toBe('ImplicitDeny');
  });
});
