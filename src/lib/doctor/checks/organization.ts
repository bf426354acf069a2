import { type CheckDefinition, readFailed } from './context.js';

/**
 * AWS Organizations guardrails. SCPs (on the writer) and RCPs (on the bucket, the key and the role's
 * AssumeRole) can deny Immuta's access, and a member account cannot read them: say so.
 */
export const organizationCheck: CheckDefinition = {
  id: 'organization',
  title: 'Organization guardrails (SCPs/RCPs)',
  applies: () => true,
  async run(ctx) {
    const read = await ctx.facts.organization();
    if (!read.ok) return readFailed(read.failure, 'organizations:DescribeOrganization', 'the organization membership');
    if (read.value === null)
      return {
        status: 'pass',
        summary: 'The account is not in an AWS organization: no SCPs or RCPs apply.',
        evidence: ['DescribeOrganization: AWSOrganizationsNotInUseException'],
      };
    const caller = await ctx.facts.callerIdentity();
    const account = (await ctx.writer())?.account ?? (caller.ok ? caller.value.account : undefined);
    const evidence = [
      `DescribeOrganization: ${read.value.id}, management account ${read.value.managementAccountId ?? '?'}`,
    ];
    if (account && account === read.value.managementAccountId) {
      return {
        status: 'pass',
        summary: `Account ${account} is the organization's management account: SCPs and RCPs do not apply to it.`,
        evidence,
      };
    }
    return {
      status: 'warn',
      summary: `The account is a member of organization ${read.value.id}: service and resource control policies (SCPs/RCPs) may deny s3:PutObject, kms:* or sts:AssumeRole, and cannot be read from a member account.`,
      evidence,
      fix: `Ask the organization's administrators (management account ${read.value.managementAccountId ?? '?'}) to confirm no SCP/RCP denies Immuta's access (region, encryption-header, data-perimeter or AssumeRole guardrails).`,
    };
  },
};
