/**
 * The values the doctor and the policy commands take as flags instead of from the FILE (--role-arn,
 * --external-id, --principal-arn, --region), checked with the FILE's rules before anything is read:
 * unchecked, `--role-arn nonsense` ran every check against a role "nonsense" in account "" and
 * `--region ''` became the AWS SDK's "credentials rejected", instead of a usage error.
 */
import { usageError } from '../errors/cli-error.js';
import { checkRegion } from '../export-config/rules/aws-region.js';
import { PARTITIONS, checkRoleArn } from '../export-config/rules/iam-role-arn.js';
import type { RuleProblem } from '../export-config/rules/rule.js';
import { idLiteral } from '../tenant/documents.js';

export interface TargetFlagValues {
  roleArn?: string | undefined;
  externalId?: string | undefined;
  principalArn?: string | undefined;
  region?: string | undefined;
}

/** The rule's first problem as a usage error, its fix speaking of the flag rather than the file's field. */
function refuse(flag: string, field: string, problems: RuleProblem[]): void {
  const first = problems[0];
  if (!first) return;
  throw usageError(`${flag}: ${first.message}`, first.fix.split(`"${field}": `).join(`${flag} `));
}

/** An IAM user or role, as a bucket policy names the writer: `arn:<partition>:iam::<account>:user|role/<name>`. */
const PRINCIPAL_ARN = new RegExp(
  `^arn:(${PARTITIONS.join('|')}):iam::\\d{12}:(user|role)/(?:[\\x21-\\x7e]*/)?[\\w+=,.@-]{1,64}$`,
);

export function checkTargetFlags(values: TargetFlagValues): void {
  if (values.roleArn !== undefined) refuse('--role-arn', 'roleArn', checkRoleArn(values.roleArn));
  if (values.region !== undefined) {
    if (values.region.trim() === '')
      throw usageError('--region is empty', 'Give a region code, e.g. --region us-east-1, or leave the flag out.');
    refuse('--region', 'region', checkRegion(values.region));
  }
  // The configuration id goes into the trust policy as sts:ExternalId: it must be an id the tenant
  // issues (a `${...}` in it would be a policy variable, a control code would reach the terminal).
  if (values.externalId !== undefined) idLiteral(values.externalId, 'configuration id (--external-id)');
  if (values.principalArn !== undefined && !PRINCIPAL_ARN.test(values.principalArn)) {
    throw usageError(
      `--principal-arn: ${JSON.stringify(values.principalArn)} is not the ARN of an IAM user or role`,
      'Use the ARN of the IAM user the access key belongs to, e.g. --principal-arn arn:aws:iam::123456789012:user/immuta-audit-writer.',
    );
  }
}
