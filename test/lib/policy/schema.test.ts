/** Parsing policy documents: plain and URL-encoded JSON, and typed errors for malformed ones. */
import { describe, expect, it } from 'vitest';
import {
  parsePolicyDocument,
  parsePolicyDocumentOrThrow,
  PolicyParseError,
  statementsOf,
} from '../../../src/lib/policy/index.js';

const trust = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::999988887777:root' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'cfg-1' } },
    },
  ],
};

function issuesOf(input: unknown): Array<{ path: string; message: string }> {
  const result = parsePolicyDocument(input);
  if (result.ok) throw new Error('expected a parse error');
  return [...result.error.issues];
}

describe('parsePolicyDocument', () => {
  it('accepts JSON text and objects', () => {
    expect(parsePolicyDocument(JSON.stringify(trust))).toEqual({ ok: true, policy: trust });
    expect(parsePolicyDocument(trust)).toEqual({ ok: true, policy: trust });
  });

  it('decodes the URL-encoded form IAM returns (GetRole AssumeRolePolicyDocument)', () => {
    const encoded = encodeURIComponent(JSON.stringify(trust, null, 2));
    expect(encoded.startsWith('%7B')).toBe(true);
    expect(parsePolicyDocument(encoded)).toEqual({ ok: true, policy: trust });
    expect(parsePolicyDocument(`  ${encoded.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())}`).ok).toBe(
      true,
    );
  });

  it('decodes form-encoded text where spaces became +', () => {
    const formEncoded = encodeURIComponent(JSON.stringify(trust, null, 1)).replace(/%20/g, '+');
    expect(parsePolicyDocument(formEncoded)).toEqual({ ok: true, policy: trust });
  });

  it('keeps a literal + inside an encoded value', () => {
    const policy = {
      ...trust,
      Statement: [{ ...trust.Statement[0], Condition: { StringEquals: { 'sts:ExternalId': 'a+b' } } }],
    };
    const result = parsePolicyDocument(encodeURIComponent(JSON.stringify(policy)));
    expect(result.ok && statementsOf(result.policy)[0]?.Condition).toEqual({
      StringEquals: { 'sts:ExternalId': 'a+b' },
    });
  });

  it('reports bad encoding and bad JSON with typed errors', () => {
    const badEncoding = parsePolicyDocument('%7B%E0%A4%A');
    expect(badEncoding.ok === false && badEncoding.error.code).toBe('INVALID_ENCODING');
    const badJson = parsePolicyDocument('{"Version": "2012-10-17",');
    expect(badJson.ok).toBe(false);
    if (!badJson.ok) {
      expect(badJson.error).toBeInstanceOf(PolicyParseError);
      expect(badJson.error.code).toBe('INVALID_JSON');
    }
  });

  it.each([
    ['a missing Statement', { Version: '2012-10-17' }, 'Statement'],
    ['an empty Statement list', { Statement: [] }, 'Statement'],
    ['a bad Effect', { Statement: { Effect: 'allow', Action: '*', Resource: '*' } }, 'Statement.Effect'],
    ['an unknown element (typo)', { Statement: [{ Effect: 'Allow', Action: '*', Resources: '*' }] }, 'Statement[0]'],
    ['an unknown top-level element', { Statement: { Effect: 'Allow', Action: '*', Resource: '*' }, Extra: 1 }, ''],
    ['a bad Version', { Version: '2012-10-18', Statement: { Effect: 'Allow', Action: '*', Resource: '*' } }, 'Version'],
    [
      'Action and NotAction together',
      { Statement: { Effect: 'Allow', Action: '*', NotAction: 's3:*', Resource: '*' } },
      'Statement.NotAction',
    ],
    ['no Action at all', { Statement: { Effect: 'Allow', Resource: '*' } }, 'Statement'],
    [
      'Principal and NotPrincipal together',
      { Statement: { Effect: 'Deny', Principal: '*', NotPrincipal: { AWS: '1' }, Action: '*', Resource: '*' } },
      'Statement.NotPrincipal',
    ],
    [
      'a principal map with an unknown type',
      { Statement: { Effect: 'Allow', Principal: { Aws: '*' }, Action: '*', Resource: '*' } },
      'Statement.Principal',
    ],
    ['a numeric Action', { Statement: { Effect: 'Allow', Action: 5, Resource: '*' } }, 'Statement.Action'],
    [
      'an unknown condition operator',
      { Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEqual: { k: 'v' } } } },
      'Statement.Condition.StringEqual',
    ],
    [
      'a condition value that is an object',
      { Statement: { Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { k: { v: 1 } } } } },
      'Statement.Condition.StringEquals.k',
    ],
  ])('rejects %s', (_name, input, path) => {
    expect(issuesOf(input).map((i) => i.path)).toContain(path);
  });

  it('summarises the first issue and counts the rest', () => {
    const result = parsePolicyDocument({ Version: 'x', Statement: { Effect: 'Maybe', Action: '*', Resource: '*' } });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_POLICY');
      expect(result.error.message).toBe(
        'the policy is not a valid IAM policy at Version: Version must be "2012-10-17" (or the legacy "2008-10-17") (and 1 more problem)',
      );
    }
  });

  it('accepts every documented element form', () => {
    const policy = {
      Version: '2008-10-17',
      Id: 'x',
      Statement: [
        {
          Sid: 'a',
          Effect: 'Deny',
          NotPrincipal: { AWS: ['1', '2'], Service: 's3.amazonaws.com' },
          NotAction: ['s3:Get*'],
          NotResource: 'arn:aws:s3:::b/*',
        },
        {
          Effect: 'Allow',
          Principal: { Federated: 'cognito-identity.amazonaws.com', CanonicalUser: 'abc' },
          Action: '*',
          Resource: ['*'],
        },
        {
          Effect: 'Allow',
          Action: 's3:*',
          Resource: '*',
          Condition: {
            'ForAnyValue:StringLikeIfExists': { k: ['a', 1, true] },
            Null: { k2: true },
            NumericLessThan: { n: 5 },
          },
        },
      ],
    };
    expect(parsePolicyDocument(policy).ok).toBe(true);
  });

  it('parsePolicyDocumentOrThrow throws the typed error', () => {
    expect(() => parsePolicyDocumentOrThrow('nope')).toThrow(PolicyParseError);
    expect(parsePolicyDocumentOrThrow(trust)).toEqual(trust);
  });
});
