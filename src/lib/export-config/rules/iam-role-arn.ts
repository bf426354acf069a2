import { type RuleProblem, problem } from './rule.js';

/**
 * IAM role ARNs: `arn:<partition>:iam::<12-digit account>:role/<optional/path/>name`.
 * Role names: 1-64 of `[\w+=,.@-]`; paths: `/`-separated, up to 512 printable ASCII characters.
 */
export const PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-eusc'] as const;

export interface RoleArnParts {
  partition: string;
  accountId: string;
  path: string;
  roleName: string;
}

const ROLE_ARN = /^arn:([a-z-]+):iam::(\d{12}):role(\/(?:[\x21-\x7e]*\/)?)?([^/]*)$/;

export function parseRoleArn(arn: string): RoleArnParts | undefined {
  const match = ROLE_ARN.exec(arn);
  if (!match) return undefined;
  return { partition: match[1] ?? '', accountId: match[2] ?? '', path: match[3] ?? '/', roleName: match[4] ?? '' };
}

const FIX_SHAPE =
  'Copy the role\'s ARN from the IAM console (Roles > the role > ARN), e.g. "arn:aws:iam::123456789012:role/immuta-audit-export".';

export function checkRoleArn(value: string): RuleProblem[] {
  const arn = value.trim();
  if (arn !== value) return [problem('"roleArn" has spaces around it', `Use "roleArn": "${arn}".`)];
  if (!arn.startsWith('arn:')) {
    if (/^[\w+=,.@-]{1,64}$/.test(arn)) {
      return [
        problem(
          `"${arn}" is a role name, not a role ARN`,
          `Use the full ARN: "arn:aws:iam::<your AWS account id>:role/${arn}".`,
        ),
      ];
    }
    return [problem(`"${arn}" is not an IAM role ARN`, FIX_SHAPE)];
  }
  const parts = arn.split(':');
  const [, partition = '', service = '', region = '', account = '', ...rest] = parts;
  const resource = rest.join(':');
  if (!(PARTITIONS as readonly string[]).includes(partition)) {
    return [problem(`the role ARN's partition "${partition}" is not one of ${PARTITIONS.join(', ')}`, FIX_SHAPE)];
  }
  if (service === 'sts' && resource.startsWith('assumed-role/')) {
    const roleName = resource.split('/')[1] ?? '<role>';
    return [
      problem(
        'this is the ARN of a role session (sts assumed-role), not of the role',
        `Use the role's ARN: "arn:${partition}:iam::${account || '<account id>'}:role/${roleName}" (add the role's path if it has one).`,
      ),
    ];
  }
  if (service !== 'iam') return [problem(`the ARN names the "${service}" service; a role ARN names "iam"`, FIX_SHAPE)];
  if (region !== '')
    return [
      problem(
        `IAM ARNs have no region, but this one has "${region}"`,
        `Remove the region: "arn:${partition}:iam::${account}:${resource}".`,
      ),
    ];
  if (!/^\d{12}$/.test(account)) {
    return [problem(`the account id in the role ARN must be 12 digits, not "${account}"`, FIX_SHAPE)];
  }
  if (resource.startsWith('user/')) {
    return [
      problem(
        'this is the ARN of an IAM user; the assumed-role flow needs a role',
        "Use the ARN of a role (arn:...:role/<name>), or use create:s3:accessKey with the user's access key.",
      ),
    ];
  }
  if (!resource.startsWith('role/'))
    return [problem(`the ARN names a "${resource.split('/')[0]}", not a role`, FIX_SHAPE)];
  const parsed = parseRoleArn(arn);
  if (!parsed) return [problem('the role path in the ARN has characters IAM does not allow', FIX_SHAPE)];
  if (parsed.path.length > 512) return [problem('the role path in the ARN is longer than 512 characters', FIX_SHAPE)];
  if (parsed.roleName === '') return [problem('the role ARN ends without a role name', FIX_SHAPE)];
  if (parsed.roleName.length > 64) {
    return [
      problem(
        `the role name "${parsed.roleName}" is ${parsed.roleName.length} characters long; IAM allows 64`,
        FIX_SHAPE,
      ),
    ];
  }
  const bad = [...new Set(parsed.roleName.replace(/[\w+=,.@-]/g, ''))];
  if (bad.length > 0) {
    return [
      problem(
        `the role name "${parsed.roleName}" contains ${bad.map((c) => `"${c}"`).join(', ')}; IAM role names use letters, digits and + = , . @ _ -`,
        FIX_SHAPE,
      ),
    ];
  }
  return [];
}
