import { Flags } from '@oclif/core';
import { BaseCommand, ExitCode } from '../../../lib/cli/base-command.js';
import type { SandboxRoleResult } from '../../../lib/sandbox/client.js';
import { SANDBOX_ONLY } from '../../../lib/sandbox/constants.js';
import { dataDirFlag, resolveDataDir } from '../../../lib/sandbox/flags.js';

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

  public async run(): Promise<SandboxRoleResult> {
    const { readTrustPolicy } = await import('../../../lib/sandbox/trust-policy-file.js');
    const trustPolicy = await readTrustPolicy(this.flags['trust-policy']);
    const { requireRunningSandbox, sandboxDocuments, sandboxRequest } = await import('../../../lib/sandbox/client.js');
    const info = requireRunningSandbox(resolveDataDir(this.flags['data-dir']));
    const data = await sandboxRequest<{ sandboxPutRole: SandboxRoleResult }>(info, sandboxDocuments.putRole, {
      roleArn: this.flags['role-arn'],
      trustPolicy,
    });
    const role = data.sandboxPutRole;
    this.out(`Role ${role.roleArn} registered with the sandbox.`);
    for (const c of role.configurations) {
      const verdict =
        c.decision === 'Allow' ? this.paint.green('allows') : this.paint.red(`does not allow (${c.decision})`);
      this.out(
        `  configuration ${c.exportConfigurationId}: the trust policy ${verdict} the sandbox's Immuta principal`,
      );
    }
    if (role.configurations.some((c) => c.decision !== 'Allow')) {
      for (const c of role.configurations.filter((x) => x.decision !== 'Allow'))
        this.note(`${c.exportConfigurationId}: ${c.explanation}`);
    }
    if (role.configurations.length === 0)
      this.note(
        'No configuration uses this role yet: create one with `immuta -p sandbox audit exportConfig create:s3:assumedRole FILE`.',
      );
    else
      this.note(
        'Verify with `immuta -p sandbox audit exportConfig test ID --wait` (the status is re-tested when configurations are read).',
      );
    if (!role.configurations.every((c) => c.decision === 'Allow') && role.configurations.length > 0)
      this.setExitCode(ExitCode.ACTION_NEEDED);
    return role;
  }
}
