/** Principal derivation, the context keys it fills, and Principal / NotPrincipal matching. */
import { describe, expect, it } from 'vitest';
import {
  matchNotPrincipal,
  matchPrincipal,
  principalContext,
  principalFromArn,
  type PrincipalElement,
} from '../../../src/lib/policy/index.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/ImmutaExport/immuta-session`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ImmutaExport`;
const ROLE_WITH_PATH = `arn:aws:iam::${ACCOUNT}:role/integrations/ImmutaExport`;
const USER = `arn:aws:iam::${ACCOUNT}:user/ops/immuta-writer`;

describe('principalFromArn', () => {
  it.each([
    [SESSION, 'assumed-role', ACCOUNT],
    [ROLE, 'role', ACCOUNT],
    [USER, 'user', ACCOUNT],
    [`arn:aws:iam::${ACCOUNT}:root`, 'root', ACCOUNT],
    [`arn:aws:sts::${ACCOUNT}:federated-user/bob`, 'federated-user', ACCOUNT],
    ['s3.amazonaws.com', 'service', ''],
    ['*', 'anonymous', ''],
    [`arn:aws-cn:iam::${ACCOUNT}:user/x`, 'user', ACCOUNT],
  ])('%s → %s in %s', (arn, type, accountId) => {
    expect(principalFromArn(arn)).toMatchObject({ arn, type, accountId });
  });

  it('turns a bare account id into the root ARN', () => {
    expect(principalFromArn(OTHER)).toEqual({ arn: `arn:aws:iam::${OTHER}:root`, accountId: OTHER, type: 'root' });
  });

  it('rejects what is not a principal', () => {
    expect(() => principalFromArn('arn:aws:s3:::bucket')).toThrow(/not an IAM user, role/);
    expect(() => principalFromArn('bob')).toThrow(/not a principal ARN/);
    expect(() => principalFromArn(`arn:aws:sts::${ACCOUNT}:assumed-role/OnlyRole`)).toThrow(/assumed-role/);
  });
});

describe('principalContext', () => {
  it('for a role session: aws:PrincipalArn is the role ARN, aws:userid needs the role id', () => {
    expect(principalContext(principalFromArn(SESSION))).toEqual({
      'aws:PrincipalType': 'AssumedRole',
      'aws:PrincipalArn': ROLE,
      'aws:PrincipalAccount': ACCOUNT,
      'aws:PrincipalIsAWSService': false,
    });
    expect(principalContext(principalFromArn(SESSION, { uniqueId: 'AROAEXAMPLEID12345678' }))['aws:userid']).toBe(
      'AROAEXAMPLEID12345678:immuta-session',
    );
  });
  it('for a user: aws:username is the name without the path', () => {
    expect(principalContext(principalFromArn(USER, { uniqueId: 'AIDAEXAMPLEID12345678' }))).toMatchObject({
      'aws:username': 'immuta-writer',
      'aws:userid': 'AIDAEXAMPLEID12345678',
      'aws:PrincipalArn': USER,
      'aws:PrincipalType': 'User',
    });
  });
  it('for root, services and anonymous callers', () => {
    expect(principalContext(principalFromArn(ACCOUNT))).toMatchObject({
      'aws:userid': ACCOUNT,
      'aws:PrincipalType': 'Account',
    });
    expect(principalContext(principalFromArn('cloudtrail.amazonaws.com'))).toEqual({
      'aws:PrincipalIsAWSService': true,
      'aws:PrincipalServiceName': 'cloudtrail.amazonaws.com',
    });
    expect(principalContext(principalFromArn('*'))).toEqual({
      'aws:PrincipalType': 'Anonymous',
      'aws:userid': 'anonymous',
    });
  });
});

describe('matchPrincipal', () => {
  const session = principalFromArn(SESSION);
  it.each<[string, PrincipalElement, string | undefined]>([
    ['"*"', '*', 'wildcard'],
    ['AWS "*"', { AWS: '*' }, 'wildcard'],
    ['bare account id', { AWS: ACCOUNT }, 'account'],
    ['account root ARN', { AWS: `arn:aws:iam::${ACCOUNT}:root` }, 'account'],
    ['role ARN covers its sessions', { AWS: ROLE }, 'role'],
    ['role ARN with a path covers its sessions', { AWS: ROLE_WITH_PATH }, 'role'],
    ['session ARN', { AWS: SESSION }, 'session'],
    ['another session of the role', { AWS: `arn:aws:sts::${ACCOUNT}:assumed-role/ImmutaExport/other` }, undefined],
    ['another role', { AWS: `arn:aws:iam::${ACCOUNT}:role/Other` }, undefined],
    ['same role name in another account', { AWS: `arn:aws:iam::${OTHER}:role/ImmutaExport` }, undefined],
    ['another account', { AWS: OTHER }, undefined],
    ['partial wildcard', { AWS: `arn:aws:iam::${ACCOUNT}:role/*` }, undefined],
    ['a service', { Service: 's3.amazonaws.com' }, undefined],
  ])('%s', (_name, element, kind) => {
    const result = matchPrincipal(element, session);
    expect(result.matched).toBe(kind !== undefined);
    if (kind) expect(result.kind).toBe(kind);
  });

  it('prefers a named principal over the account delegation', () => {
    expect(matchPrincipal({ AWS: [ACCOUNT, ROLE] }, session).kind).toBe('role');
  });

  it('matches users exactly, including the path', () => {
    const user = principalFromArn(USER);
    expect(matchPrincipal({ AWS: USER }, user).kind).toBe('user');
    expect(matchPrincipal({ AWS: `arn:aws:iam::${ACCOUNT}:user/immuta-writer` }, user).matched).toBe(false);
  });

  it('matches service principals case-insensitively, and only services', () => {
    expect(matchPrincipal({ Service: ['S3.amazonaws.com'] }, principalFromArn('s3.amazonaws.com')).kind).toBe(
      'service',
    );
    expect(matchPrincipal({ AWS: '*' }, principalFromArn('s3.amazonaws.com')).matched).toBe(false);
    expect(matchPrincipal('*', principalFromArn('s3.amazonaws.com')).matched).toBe(true);
  });

  it('"*" covers anonymous callers', () => {
    expect(matchPrincipal('*', principalFromArn('*')).matched).toBe(true);
    expect(matchPrincipal({ AWS: ACCOUNT }, principalFromArn('*')).matched).toBe(false);
  });

  it('matches a unique id only when the caller has it, and explains it otherwise', () => {
    expect(
      matchPrincipal({ AWS: 'AROAEXAMPLEID12345678' }, principalFromArn(SESSION, { uniqueId: 'AROAEXAMPLEID12345678' }))
        .kind,
    ).toBe('unique-id');
    expect(matchPrincipal({ AWS: 'AROAEXAMPLEID12345678' }, session).detail).toContain('deleted');
  });

  it('explains a miss, including the partial-wildcard trap', () => {
    expect(matchPrincipal({ AWS: `arn:aws:iam::${ACCOUNT}:role/*` }, session).detail).toBe(
      `its Principal [arn:aws:iam::${ACCOUNT}:role/*] does not include ${SESSION} (account ${ACCOUNT}) (arn:aws:iam::${ACCOUNT}:role/* uses a wildcard, which the Principal element does not support (use a Condition on aws:PrincipalArn))`,
    );
  });
});

describe('matchNotPrincipal', () => {
  const session = principalFromArn(SESSION);
  it('a Deny spares a session only when session, role and account are all listed (AWS NotPrincipal example)', () => {
    const all = { AWS: [SESSION, ROLE, `arn:aws:iam::${ACCOUNT}:root`] };
    expect(matchNotPrincipal(all, session, 'Deny').excluded).toBe(true);
    const noSession = matchNotPrincipal({ AWS: [ROLE, `arn:aws:iam::${ACCOUNT}:root`] }, session, 'Deny');
    expect(noSession.excluded).toBe(false);
    expect(noSession.detail).toContain('not its session ARN');
    expect(matchNotPrincipal({ AWS: [SESSION, ROLE] }, session, 'Deny').excluded).toBe(false);
  });
  it('a Deny spares a user listed with its account', () => {
    const user = principalFromArn(USER);
    expect(matchNotPrincipal({ AWS: [USER, ACCOUNT] }, user, 'Deny').excluded).toBe(true);
    expect(matchNotPrincipal({ AWS: [USER] }, user, 'Deny').excluded).toBe(false);
  });
  it('an Allow with NotPrincipal excludes a caller when any link is listed', () => {
    expect(matchNotPrincipal({ AWS: ROLE }, session, 'Allow').excluded).toBe(true);
    expect(matchNotPrincipal({ AWS: OTHER }, session, 'Allow').excluded).toBe(false);
  });
  it('root is spared by its account alone', () => {
    expect(matchNotPrincipal({ AWS: ACCOUNT }, principalFromArn(ACCOUNT), 'Deny').excluded).toBe(true);
  });
});
