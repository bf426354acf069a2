/** Low-level matchers: wildcards, ARNs, IP addresses. */
import { describe, expect, it } from 'vitest';
import {
  accountOfArn,
  actionMatches,
  ipInCidr,
  matchArnSegments,
  matchesWildcard,
  matchResourcePattern,
  parseArn,
  parseCidr,
  parseIpAddress,
} from '../../../src/lib/policy/index.js';

describe('matchesWildcard', () => {
  it.each([
    ['*', '', true],
    ['a*', 'a', true],
    ['a*c', 'abbbc', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a??', 'abc', true],
    ['a.c', 'abc', false],
    ['a+(b)', 'a+(b)', true],
    ['[ab]', 'a', false],
    ['a*', 'A', false],
    ['x/*', 'x/a/b:c', true],
    ['?', '\u00e9', true],
    ['a*b*c', 'a-b-b-c', true],
    ['a*b*c', 'a-c-b', false],
  ])('%s ~ %s → %s', (pattern, value, expected) => {
    expect(matchesWildcard(pattern, value)).toBe(expected);
  });
  it('can ignore case', () => {
    expect(matchesWildcard('A*', 'abc', { ignoreCase: true })).toBe(true);
    expect(matchesWildcard('ABC', 'abc', { ignoreCase: true })).toBe(true);
  });
});

describe('actionMatches', () => {
  it('is case-insensitive with wildcards', () => {
    expect(actionMatches('S3:put*', 's3:PutObject')).toBe(true);
    expect(actionMatches('s3:?utObject', 's3:PutObject')).toBe(true);
    expect(actionMatches('s3:PutObject', 's3:PutObjectAcl')).toBe(false);
    expect(actionMatches('iam:*', 's3:PutObject')).toBe(false);
  });
});

describe('ARNs', () => {
  it('parses the six segments, keeping colons in the resource', () => {
    expect(parseArn('arn:aws:logs:us-east-1:111122223333:log-group:g:*')).toEqual({
      partition: 'aws',
      service: 'logs',
      region: 'us-east-1',
      account: '111122223333',
      resource: 'log-group:g:*',
    });
    expect(parseArn('arn:aws:s3')).toBeUndefined();
    expect(parseArn('nope:aws:s3:::b')).toBeUndefined();
  });
  it('finds the account only when there is a 12-digit one', () => {
    expect(accountOfArn('arn:aws:iam::111122223333:role/x')).toBe('111122223333');
    expect(accountOfArn('arn:aws:s3:::bucket/key')).toBeUndefined();
  });
  it('ArnLike matching is per segment and case-sensitive', () => {
    expect(matchArnSegments('arn:aws:iam::*:role/x', 'arn:aws:iam::111122223333:role/x')).toBe(true);
    expect(matchArnSegments('arn:aws:iam::*', 'arn:aws:iam::111122223333:role/x')).toBe(false);
    expect(matchArnSegments('arn:aws:iam::111122223333:role/X', 'arn:aws:iam::111122223333:role/x')).toBe(false);
  });
  it('Resource matching lets a segment-final * cross colons', () => {
    expect(
      matchResourcePattern(
        'arn:aws:logs:us-east-1:111122223333:log-group:g:*',
        'arn:aws:logs:us-east-1:111122223333:log-group:g:log-stream:s',
      ),
    ).toBe(true);
    expect(matchResourcePattern('arn:aws:iam::*', 'arn:aws:iam::111122223333:role/x')).toBe(true);
    expect(matchResourcePattern('arn:aws:s3:::my-*-logs/*', 'arn:aws:s3:::my-x-logs/a')).toBe(true);
    expect(matchResourcePattern('arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/key')).toBe(false);
  });
});

describe('IP addresses', () => {
  it.each([
    ['192.0.2.1', 4],
    ['::', 6],
    ['::1', 6],
    ['2001:db8::', 6],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', 6],
    ['fe80::1%eth0', 6],
    ['::ffff:192.0.2.1', 4],
    ['64:ff9b::192.0.2.1', 6],
  ])('parses %s as IPv%s', (text, version) => {
    expect(parseIpAddress(text)?.version).toBe(version);
  });
  it.each(['256.0.0.1', '1.2.3', '1.2.3.4.5', '01234::', '1::2::3', '1:2:3:4:5:6:7:8:9', ':::', 'g::1', ''])(
    'rejects %s',
    (text) => {
      expect(parseIpAddress(text)).toBeUndefined();
    },
  );
  it('compares compressed and full IPv6 forms', () => {
    expect(parseIpAddress('2001:db8::ff00:42:8329')).toEqual(parseIpAddress('2001:0db8:0000:0000:0000:ff00:0042:8329'));
  });
  it('parses CIDR blocks and masks the network', () => {
    expect(parseCidr('192.0.2.77/24')).toEqual({ version: 4, network: parseIpAddress('192.0.2.0')?.value, prefix: 24 });
    expect(parseCidr('192.0.2.0/33')).toBeUndefined();
    expect(parseCidr('2001:db8::/129')).toBeUndefined();
    expect(parseCidr('1.2.3.4/8/1')).toBeUndefined();
  });
  it('checks membership', () => {
    const inBlock = (ip: string, cidr: string): boolean => {
      const address = parseIpAddress(ip);
      const block = parseCidr(cidr);
      return address !== undefined && block !== undefined && ipInCidr(address, block);
    };
    expect(inBlock('10.1.2.3', '10.0.0.0/8')).toBe(true);
    expect(inBlock('11.1.2.3', '10.0.0.0/8')).toBe(false);
    expect(inBlock('1.2.3.4', '0.0.0.0/0')).toBe(true);
    expect(inBlock('2001:db8::1', '::/0')).toBe(true);
    expect(inBlock('2001:db8:8000::1', '2001:db8:8000::/33')).toBe(true);
    expect(inBlock('2001:db8:7fff::1', '2001:db8:8000::/33')).toBe(false);
    expect(inBlock('192.0.2.9', '::ffff:192.0.2.0/120')).toBe(true);
  });
});
