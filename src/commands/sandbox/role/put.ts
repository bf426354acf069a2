import { Flags } from '@oclif/core';
import { SANDBOX_ONLY } from '../../../lib/sandbox/constants.js';
import { dataDirFlag } from '../../../lib/cli/sandbox-flags.js';
import { BaseCommand } from '../../../lib/cli/base-command.js';
import { runSandboxRolePut } from '../../../lib/sandbox/commands/role-put.js';

export default class RolePut extends BaseCommand<typeof RolePut> {
  static override summary = `${SANDBOX_ONLY} create or update an IAM role's trust policy in the sandbox AWS account (alias of iam:CreateRole/UpdateAssumeRolePolicy; prefer \`eval "$(immuta sandbox env)"\` and \`policy trust --id ID --apply\`).`;
  static override description = [
    "Plays the customer's side of the role flow: the sandbox stores the role and its trust policy, and gives the role credentials in the embedded S3 (principal = the role ARN). When the audit service tests an assumed-role configuration it evaluates this trust policy as AWS would for sts:AssumeRole by arn:aws:sts::111122223333:assumed-role/immuta-audit-export/audit-service with sts:ExternalId = the configuration id.",
    'Use the trust policy that `immuta audit exportConfig create:s3:assumedRole` printed (--json: nextSteps.trustPolicy), then `immuta audit exportConfig test ID --wait`. Putting the same role again replaces its trust policy.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> sandbox role put --role-arn arn:aws:iam::444455556666:role/immuta-audit-export --trust-policy trust-policy.json',
    '<%= config.bin %> -p sandbox audit exportConfig create:s3:assumedRole examples/sandbox-assumed-role.json --json | jq .nextSteps.trustPolicy > trust-policy.json',
  ];
  static override flags = {
    'role-arn': Flags.string({
      summary: 'The role ARN, e.g. arn:aws:iam::444455556666:role/immuta-audit-export.',
      required: true,
      helpValue: 'ARN',
    }),
    'trust-policy': Flags.string({
      summary: "The role's trust policy (JSON file, or - for stdin).",
      required: true,
      helpValue: 'FILE',
    }),
    'data-dir': dataDirFlag,
  };

  public async run() {
    const f = this.flags;
    return runSandboxRolePut(
      { roleArn: f['role-arn'], trustPolicyFile: f['trust-policy'], dataDir: f['data-dir'] },
      this.io,
    );
  }
}
