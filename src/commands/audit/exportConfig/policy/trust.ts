import { BaseCommand } from '../../../../lib/cli/base-command.js';
import { policyArgs, policyDescription, policyFlags } from '../../../../lib/cli/policy-flags.js';
import { runPolicy } from '../../../../lib/policy-apply/policy.js';

export default class PolicyTrust extends BaseCommand<typeof PolicyTrust> {
  static override summary =
    "Print the role's trust policy: Immuta's account, with sts:ExternalId = the configuration id; --apply merges it in.";
  static override examples = [
    '<%= config.bin %> audit exportConfig policy trust ./exportConfig.json',
    '<%= config.bin %> audit exportConfig policy trust --id 259fc41c-b502-418a-a8ff-d875335dbe9b --immuta-account-id 123456789012',
    '<%= config.bin %> audit exportConfig policy trust ./exportConfig.json --external-id 259fc41c-b502-418a-a8ff-d875335dbe9b --apply --aws-profile admin',
  ];

  static override description = policyDescription;
  static override args = policyArgs;
  static override flags = policyFlags;

  public async run() {
    return runPolicy({ kind: 'trust', file: this.args.file, ...this.flags }, this.io);
  }
}
