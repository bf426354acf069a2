import { describeFailure } from '../../aws/errors.js';
import type { CheckDefinition } from './context.js';

/** Who the doctor runs as (STS GetCallerIdentity): every other AWS check reads with these credentials. */
export const callerIdentityCheck: CheckDefinition = {
  id: 'caller-identity',
  title: 'Doctor credentials',
  applies: () => true,
  async run(ctx) {
    const result = await ctx.facts.callerIdentity();
    if (result.ok) {
      return {
        status: 'pass',
        summary: `Running as ${result.value.arn} (account ${result.value.account}).`,
        evidence: [`GetCallerIdentity: ${result.value.arn}`],
      };
    }
    const f = result.failure;
    if (f.kind === 'network' || f.kind === 'timeout') {
      return {
        status: 'fail',
        summary: `AWS STS did not answer (${f.kind}): nothing on the AWS side could be checked.`,
        evidence: [describeFailure(f)],
        fix: 'Check the network path to AWS (proxy, firewall, AWS_ENDPOINT_URL_STS), then re-run.',
      };
    }
    if (f.code === 'CredentialsProviderError' || (/credential/i.test(f.message) && f.status === undefined)) {
      // With --aws-profile the profile was the only source tried: telling the user to pass --aws-profile would loop.
      const profile = ctx.awsProfile;
      return {
        status: 'fail',
        summary: profile
          ? `No AWS credentials found for the doctor in AWS profile "${profile}": only the config file could be checked.`
          : 'No AWS credentials found for the doctor: only the config file could be checked.',
        evidence: [describeFailure(f)],
        fix: profile
          ? `Check that "${profile}" is a profile of ~/.aws/config or ~/.aws/credentials (\`aws configure list-profiles\`) and that it has credentials (for SSO: \`aws sso login --profile ${profile}\`), then re-run.`
          : 'Pass --aws-profile NAME (a profile of ~/.aws/config), or set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then re-run.',
      };
    }
    return {
      status: 'fail',
      summary: `AWS rejected the doctor's credentials (${f.code}).`,
      evidence: [describeFailure(f)],
      fix: 'Refresh the credentials of the profile the doctor uses (e.g. `aws sso login --profile NAME`), or pass another --aws-profile.',
    };
  },
};
