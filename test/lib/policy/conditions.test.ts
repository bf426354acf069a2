/** Condition operators one by one, including the absent-key rules, IfExists, set qualifiers and variables. */
import { describe, expect, it } from 'vitest';
import { normalizeContext } from '../../../src/lib/policy/context.js';
import {
  evaluateConditionBlock,
  parseOperator,
  type ConditionBlock,
  type RequestContext,
} from '../../../src/lib/policy/index.js';

/** True when the whole block holds. */
function holds(block: ConditionBlock, context: RequestContext = {}, variables = true): boolean {
  return evaluateConditionBlock(block, normalizeContext(context), variables).every((r) => r.satisfied);
}

describe('operator names', () => {
  it('parses prefixes and the IfExists suffix, case-insensitively', () => {
    expect(parseOperator('ForAllValues:StringLikeIfExists')).toMatchObject({
      name: 'StringLike',
      set: 'ForAllValues',
      ifExists: true,
      negated: false,
    });
    expect(parseOperator('foranyvalue:stringnotequals')).toMatchObject({
      name: 'StringNotEquals',
      set: 'ForAnyValue',
      negated: true,
    });
    expect(parseOperator('NotIpAddressIfExists')).toMatchObject({ family: 'ip', negated: true, ifExists: true });
  });
  it('rejects unknown operators and NullIfExists', () => {
    expect(parseOperator('StringEqual')).toBeUndefined();
    expect(parseOperator('NullIfExists')).toBeUndefined();
    expect(parseOperator('ForSomeValues:StringEquals')).toBeUndefined();
  });
  it('an unknown operator never holds', () => {
    const [result] = evaluateConditionBlock(
      { StringEqual: { 'aws:username': 'bob' } },
      normalizeContext({ 'aws:username': 'bob' }),
      true,
    );
    expect(result).toMatchObject({ satisfied: false, message: 'unknown condition operator "StringEqual"' });
  });
});

describe('string operators', () => {
  const ctx = { 'aws:username': 'Alice' };
  it.each([
    ['StringEquals', 'Alice', true],
    ['StringEquals', 'alice', false],
    ['StringNotEquals', 'alice', true],
    ['StringNotEquals', 'Alice', false],
    ['StringEqualsIgnoreCase', 'aLiCe', true],
    ['StringNotEqualsIgnoreCase', 'ALICE', false],
    ['StringNotEqualsIgnoreCase', 'bob', true],
    ['StringLike', 'Al*', true],
    ['StringLike', 'A?ice', true],
    ['StringLike', 'A?ce', false],
    ['StringLike', 'al*', false],
    ['StringNotLike', 'B*', true],
    ['StringNotLike', '*ice', false],
    ['StringEquals', 'Al*', false],
  ])('%s %s on "Alice" → %s', (operator, value, expected) => {
    expect(holds({ [operator]: { 'aws:username': value } }, ctx)).toBe(expected);
  });

  it('several values are ORed; for a negated operator they are NORed', () => {
    expect(holds({ StringEquals: { 'aws:username': ['bob', 'Alice'] } }, ctx)).toBe(true);
    expect(holds({ StringNotEquals: { 'aws:username': ['bob', 'Alice'] } }, ctx)).toBe(false);
    expect(holds({ StringNotEquals: { 'aws:username': ['bob', 'carol'] } }, ctx)).toBe(true);
  });

  it('several keys and several operators are ANDed', () => {
    const context = { 'aws:username': 'Alice', 'aws:SecureTransport': true };
    expect(holds({ StringEquals: { 'aws:username': 'Alice', 'aws:SecureTransport': 'true' } }, context)).toBe(true);
    expect(holds({ StringEquals: { 'aws:username': 'Alice', 'aws:SecureTransport': 'false' } }, context)).toBe(false);
    expect(
      holds({ StringEquals: { 'aws:username': 'Alice' }, Bool: { 'aws:SecureTransport': 'false' } }, context),
    ).toBe(false);
  });

  it('condition keys are case-insensitive, values case-sensitive', () => {
    expect(holds({ StringEquals: { 'AWS:USERNAME': 'Alice' } }, { 'aws:username': 'Alice' })).toBe(true);
    expect(holds({ StringEquals: { 'sts:externalid': 'Cfg-1' } }, { 'sts:ExternalId': 'cfg-1' })).toBe(false);
  });

  it('stringifies numbers and booleans on both sides', () => {
    expect(holds({ StringEquals: { 's3:max-keys': 10 } }, { 's3:max-keys': '10' })).toBe(true);
    expect(holds({ StringEquals: { 'aws:SecureTransport': true } }, { 'aws:SecureTransport': 'true' })).toBe(true);
  });
});

describe('absent keys (IAM: positive false, negated true, IfExists true, Null true)', () => {
  it.each([
    ['StringEquals', false],
    ['StringLike', false],
    ['StringNotEquals', true],
    ['StringNotLike', true],
    ['StringNotEqualsIgnoreCase', true],
    ['ArnEquals', false],
    ['ArnNotEquals', true],
    ['ArnNotLike', true],
    ['NumericEquals', false],
    ['NumericNotEquals', true],
    ['DateEquals', false],
    ['DateNotEquals', true],
    ['IpAddress', false],
    ['NotIpAddress', true],
    ['Bool', false],
    ['StringEqualsIfExists', true],
    ['BoolIfExists', true],
    ['IpAddressIfExists', true],
    ['StringNotEqualsIfExists', true],
    ['ForAllValues:StringEquals', true],
    ['ForAllValues:StringNotLike', true],
    ['ForAnyValue:StringEquals', false],
    ['ForAnyValue:StringNotEquals', false],
    ['ForAnyValue:StringEqualsIfExists', true],
  ])('%s on an absent key → %s', (operator, expected) => {
    expect(holds({ [operator]: { 'aws:SourceVpce': 'vpce-1' } })).toBe(expected);
  });

  it('treats an empty list as absent', () => {
    expect(holds({ StringNotEquals: { 'aws:TagKeys': 'x' } }, { 'aws:TagKeys': [] })).toBe(true);
    expect(holds({ Null: { 'aws:TagKeys': 'true' } }, { 'aws:TagKeys': [] })).toBe(true);
  });

  it('explains the negated-operator rule', () => {
    const [result] = evaluateConditionBlock(
      { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
      normalizeContext({}),
      true,
    );
    expect(result?.message).toBe(
      'aws:SourceVpce is absent from the request; AWS evaluates a negated operator (StringNotEquals) on an absent key as true',
    );
  });
});

describe('IfExists on a present key behaves like the base operator', () => {
  it.each([
    ['StringEqualsIfExists', 'vpce-1', true],
    ['StringEqualsIfExists', 'vpce-2', false],
    ['StringNotEqualsIfExists', 'vpce-1', false],
    ['ArnLikeIfExists', 'vpce-1', false],
  ])('%s %s with aws:SourceVpce=vpce-1 → %s', (operator, value, expected) => {
    expect(holds({ [operator]: { 'aws:SourceVpce': value } }, { 'aws:SourceVpce': 'vpce-1' })).toBe(expected);
  });
});

describe('Null', () => {
  it.each([
    ['true', {}, true],
    ['true', { 's3:x-amz-server-side-encryption': 'AES256' }, false],
    ['false', {}, false],
    ['false', { 's3:x-amz-server-side-encryption': 'AES256' }, true],
    [true, {}, true],
    [false, { 's3:x-amz-server-side-encryption': 'aws:kms' }, true],
  ] as const)('Null %s with %j → %s', (value, context, expected) => {
    expect(holds({ Null: { 's3:x-amz-server-side-encryption': value } }, context)).toBe(expected);
  });
});

describe('set qualifiers', () => {
  const tags = { 'aws:TagKeys': ['key1:legal', 'key1:hr'] };
  it('ForAllValues: every request value must match one policy value', () => {
    expect(holds({ 'ForAllValues:StringLike': { 'aws:TagKeys': 'key1*' } }, tags)).toBe(true);
    expect(holds({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['key1:legal'] } }, tags)).toBe(false);
    expect(holds({ 'ForAllValues:StringEquals': { 'aws:TagKeys': ['key1:legal', 'key1:hr', 'other'] } }, tags)).toBe(
      true,
    );
  });
  it('ForAnyValue: one request value must match', () => {
    expect(holds({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'key1:hr' } }, tags)).toBe(true);
    expect(holds({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'key2' } }, tags)).toBe(false);
  });
  it('ForAllValues:StringNotLike (the AWS deny example): matches only when no tag starts with key1', () => {
    const block = { 'ForAllValues:StringNotLike': { 'aws:TagKeys': 'key1*' } };
    expect(holds(block, { 'aws:TagKeys': ['key1:legal'] })).toBe(false);
    expect(holds(block, { 'aws:TagKeys': ['key1:hr', 'key1:personnel'] })).toBe(false);
    expect(holds(block, { 'aws:TagKeys': ['key2:audit'] })).toBe(true);
    expect(holds(block, {})).toBe(true);
  });
  it('ForAnyValue:StringNotEquals: some request value outside the policy values', () => {
    expect(holds({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['key1:legal', 'key1:hr'] } }, tags)).toBe(false);
    expect(holds({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['key1:legal'] } }, tags)).toBe(true);
  });
  it('without a qualifier, a multi-valued key matches when any value matches (negated: when none does)', () => {
    expect(holds({ StringEquals: { 'aws:TagKeys': 'key1:hr' } }, tags)).toBe(true);
    expect(holds({ StringNotEquals: { 'aws:TagKeys': 'key1:hr' } }, tags)).toBe(false);
  });
});

describe('numeric operators', () => {
  it.each([
    ['NumericEquals', '10', true],
    ['NumericEquals', 10.0, true],
    ['NumericNotEquals', 10, false],
    ['NumericNotEquals', [1, 2], true],
    ['NumericLessThan', 11, true],
    ['NumericLessThan', 10, false],
    ['NumericLessThanEquals', 10, true],
    ['NumericGreaterThan', 9, true],
    ['NumericGreaterThan', 10, false],
    ['NumericGreaterThanEquals', 10, true],
    ['NumericEquals', 'ten', false],
  ] as const)('%s %s with s3:max-keys=10 → %s', (operator, value, expected) => {
    expect(holds({ [operator]: { 's3:max-keys': value as string | number | number[] } }, { 's3:max-keys': 10 })).toBe(
      expected,
    );
  });
});

describe('date operators', () => {
  const ctx = { 'aws:CurrentTime': '2024-06-01T12:00:00Z' };
  it.each([
    ['DateEquals', '2024-06-01T12:00:00Z', true],
    ['DateNotEquals', '2024-06-01T12:00:00Z', false],
    ['DateLessThan', '2024-12-31T00:00:00Z', true],
    ['DateLessThan', '2024-01-01', false],
    ['DateLessThanEquals', '2024-06-01T12:00:00Z', true],
    ['DateGreaterThan', '2024-01-01T00:00:00Z', true],
    ['DateGreaterThanEquals', '2024-06-01T12:00:01Z', false],
    ['DateGreaterThan', '1704067200', true],
  ])('%s %s → %s', (operator, value, expected) => {
    expect(holds({ [operator]: { 'aws:CurrentTime': value } }, ctx)).toBe(expected);
  });
  it('accepts epoch seconds in the request too', () => {
    expect(holds({ DateLessThan: { 'aws:EpochTime': '2030-01-01T00:00:00Z' } }, { 'aws:EpochTime': 1717243200 })).toBe(
      true,
    );
  });
});

describe('Bool and BinaryEquals', () => {
  it('Bool compares true/false case-insensitively', () => {
    expect(holds({ Bool: { 'aws:SecureTransport': 'false' } }, { 'aws:SecureTransport': false })).toBe(true);
    expect(holds({ Bool: { 'aws:SecureTransport': 'FALSE' } }, { 'aws:SecureTransport': 'false' })).toBe(true);
    expect(holds({ Bool: { 'aws:SecureTransport': false } }, { 'aws:SecureTransport': true })).toBe(false);
  });
  it('BinaryEquals compares the base64 text', () => {
    expect(holds({ BinaryEquals: { key: 'QmluYXJ5VmFsdWU=' } }, { key: 'QmluYXJ5VmFsdWU=' })).toBe(true);
    expect(holds({ BinaryEquals: { key: 'QmluYXJ5VmFsdWU=' } }, { key: 'other' })).toBe(false);
  });
});

describe('IP address operators', () => {
  it.each([
    ['IpAddress', '203.0.113.0/24', '203.0.113.255', true],
    ['IpAddress', '203.0.113.0/24', '203.0.114.1', false],
    ['IpAddress', '203.0.113.7', '203.0.113.7', true],
    ['IpAddress', '0.0.0.0/0', '198.51.100.1', true],
    ['IpAddress', '2001:db8::/32', '2001:db8:ffff::1', true],
    ['IpAddress', '2001:db8::/32', '2001:db9::1', false],
    ['IpAddress', '2001:DB8:0:0:0:0:0:1/128', '2001:db8::1', true],
    ['IpAddress', '203.0.113.0/24', '::ffff:203.0.113.9', true],
    ['IpAddress', '203.0.113.0/24', '2001:db8::1', false],
    ['IpAddress', '2001:db8::/32', '203.0.113.1', false],
    ['IpAddress', '203.0.113.0/24', 'not-an-ip', false],
    ['NotIpAddress', '203.0.113.0/24', '198.51.100.1', true],
    ['NotIpAddress', '203.0.113.0/24', '203.0.113.1', false],
    ['NotIpAddress', '2001:db8::/32', '2001:db8::abcd', false],
  ])('%s %s with %s → %s', (operator, cidr, ip, expected) => {
    expect(holds({ [operator]: { 'aws:SourceIp': cidr } }, { 'aws:SourceIp': ip })).toBe(expected);
  });
  it('NotIpAddress with several blocks is true only outside all of them', () => {
    const block = { NotIpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } };
    expect(holds(block, { 'aws:SourceIp': '2001:db8::1' })).toBe(false);
    expect(holds(block, { 'aws:SourceIp': '192.0.2.1' })).toBe(true);
  });
});

describe('ARN operators', () => {
  const role = 'arn:aws:iam::111122223333:role/service-role/ImmutaExport';
  it.each([
    ['ArnEquals', role, true],
    ['ArnLike', 'arn:aws:iam::111122223333:role/*', true],
    ['ArnLike', 'arn:aws:iam::*:role/service-role/Immuta?xport', true],
    ['ArnLike', 'arn:aws:iam::111122223333:role/immutaexport', false],
    ['ArnEquals', 'arn:aws:iam::111122223333:role/*', true],
    ['ArnNotLike', 'arn:aws:iam::111122223333:role/*', false],
    ['ArnNotEquals', 'arn:aws:iam::444455556666:role/x', true],
    // Wildcards do not cross segments: `iam*` cannot swallow `::111122223333`.
    ['ArnLike', 'arn:aws:iam*:role/service-role/ImmutaExport', false],
    ['ArnLike', '*', true],
  ])('%s %s → %s', (operator, pattern, expected) => {
    expect(holds({ [operator]: { 'aws:PrincipalArn': pattern } }, { 'aws:PrincipalArn': role })).toBe(expected);
  });
  it('a request value that is not an ARN never matches ArnLike', () => {
    expect(holds({ ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::*' } }, { 'aws:SourceArn': 'bucket' })).toBe(false);
  });
});

describe('policy variables', () => {
  it('substitutes ${aws:username} and ${aws:PrincipalAccount} in condition values', () => {
    expect(
      holds(
        { StringEquals: { 's3:prefix': 'home/${aws:username}/' } },
        { 's3:prefix': 'home/alice/', 'aws:username': 'alice' },
      ),
    ).toBe(true);
    expect(
      holds(
        { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } },
        { 'aws:ResourceAccount': '111122223333', 'aws:PrincipalAccount': '111122223333' },
      ),
    ).toBe(true);
  });
  it('a variable without a value matches nothing: positive false, negated true', () => {
    expect(holds({ StringEquals: { 's3:prefix': '${aws:username}' } }, { 's3:prefix': 'x' })).toBe(false);
    expect(holds({ StringNotEquals: { 's3:prefix': '${aws:username}' } }, { 's3:prefix': 'x' })).toBe(true);
  });
  it('supports defaults and the ${*} / ${?} / ${$} escapes', () => {
    expect(holds({ StringEquals: { 's3:prefix': "${aws:username, 'guest'}" } }, { 's3:prefix': 'guest' })).toBe(true);
    expect(holds({ StringLike: { 's3:prefix': 'a${*}b' } }, { 's3:prefix': 'a*b' })).toBe(true);
    expect(holds({ StringLike: { 's3:prefix': 'a${*}b' } }, { 's3:prefix': 'axxb' })).toBe(false);
    expect(holds({ StringLike: { 's3:prefix': 'a${?}' } }, { 's3:prefix': 'a?' })).toBe(true);
    expect(holds({ StringEquals: { 's3:prefix': '${$}{x}' } }, { 's3:prefix': '${x}' })).toBe(true);
  });
  it('substituted values are literal, never wildcards', () => {
    expect(holds({ StringLike: { 's3:prefix': '${aws:username}' } }, { 's3:prefix': 'bob', 'aws:username': '*' })).toBe(
      false,
    );
  });
  it('are literal text when the policy is not Version 2012-10-17', () => {
    expect(
      holds(
        { StringEquals: { 's3:prefix': '${aws:username}' } },
        { 's3:prefix': '${aws:username}', 'aws:username': 'alice' },
        false,
      ),
    ).toBe(true);
  });
  it('are not interpreted by numeric operators', () => {
    expect(holds({ NumericEquals: { 's3:max-keys': '${aws:n}' } }, { 's3:max-keys': 1, 'aws:n': 1 })).toBe(false);
  });
});
